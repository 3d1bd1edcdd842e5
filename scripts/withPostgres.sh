#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on loopback and
# TEST_DATABASE_URL pointing at it: `scripts/withPostgres.sh npm test`.
# Trust auth, no durability (fsync off), deleted when the command ends.
# Needs Debian's postgresql package (/usr/lib/postgresql/<version>/bin).
set -euo pipefail

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$PG_BIN" ]; then
  echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
# PostgreSQL refuses to run as root; as root it runs as Debian's postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

PG_PORT=55432
until port_free "$PG_PORT"; do PG_PORT=$((PG_PORT + 1)); done
PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/samordna-pg.XXXXXX")"
if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
stop_pg() {
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap stop_pg EXIT

as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres" "$@"
