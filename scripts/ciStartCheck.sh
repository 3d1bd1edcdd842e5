#!/usr/bin/env bash
# CI, after the tests (keep it the last step of .ci/run):
# 1. The README's quick start on the clean clone this runs in: `npm start` with
#    no DATABASE_URL (so ./data/samordna.db, a directory a clone does not
#    have) and a free PORT must answer GET /healthz 200 within 60 s; then it is
#    stopped with SIGTERM and must shut down.
# 2. Nothing (no test, no start) has written into the work tree:
#    `git status --porcelain` must be empty.
set -euo pipefail
cd "$(dirname "$0")/.."

made_data=false
if [ -e data ]; then
  echo "ciStartCheck: ./data already exists (not a clean clone); starting on it anyway" >&2
else
  made_data=true
fi

port=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
log=$(mktemp)
# Its own process group, so stopping it stops npm and the node process under it.
env -u DATABASE_URL -u NODE_ENV -u HOST PORT="$port" setsid npm start >"$log" 2>&1 &
pid=$!
stop() { kill -TERM -- "-$pid" 2>/dev/null || true; }
trap stop EXIT

healthy=false
for _ in $(seq 1 120); do
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:$port/healthz"; then
    healthy=true
    break
  fi
  sleep 0.5
done

if [ "$healthy" != true ]; then
  echo "ciStartCheck: FAILED: npm start did not answer /healthz on port $port within 60 s. Its output:" >&2
  cat "$log" >&2
  exit 1
fi
echo "ciStartCheck: npm start on a clean clone answers /healthz on port $port"

trap - EXIT
kill -TERM -- "-$pid"
wait "$pid" || true # npm itself ends with 143 on SIGTERM; what counts is the server's own shutdown
for _ in $(seq 1 30); do
  kill -0 -- "-$pid" 2>/dev/null || break
  sleep 0.5
done
if kill -0 -- "-$pid" 2>/dev/null || ! grep -q '"msg":"shutting down"' "$log"; then
  echo "ciStartCheck: FAILED: the server did not shut down on SIGTERM within 15 s. Its output:" >&2
  cat "$log" >&2
  kill -KILL -- "-$pid" 2>/dev/null || true
  exit 1
fi
rm -f "$log"
if [ "$made_data" = true ]; then rm -rf data; fi

dirty=$(git status --porcelain)
if [ -n "$dirty" ]; then
  echo "ciStartCheck: FAILED: the work tree is not clean after the run (a test or the start wrote into it):" >&2
  echo "$dirty" >&2
  exit 1
fi
echo "ciStartCheck: the work tree is clean"
