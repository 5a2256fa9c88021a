#!/bin/sh
# Runs the interop tests: tests/interop/run.sh NODE SERVER
# Installs the pinned Node packages (npm ci, from package-lock.json) when node_modules is missing or
# older than the lock file, then runs transports.mjs against the server executable SERVER.
set -eu
node=$1
server=$2
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -d "$here/node_modules" ] || [ "$here/package-lock.json" -nt "$here/node_modules" ]; then
  # npm ci needs npm; look for it beside the node Meson found, then on PATH.
  npm="$(dirname "$node")/npm"
  [ -x "$npm" ] || npm=$(command -v npm) || { echo "npm not found: install Node.js (tools/install-deps does)" >&2; exit 1; }
  echo "# installing Node packages in $here (npm ci)"
  (cd "$here" && "$npm" ci --no-audit --no-fund --prefer-offline) >&2
  touch "$here/node_modules"  # npm ci may keep an older mtime; mark it current against the lock file
fi
exec "$node" "$here/transports.mjs" "$server"
