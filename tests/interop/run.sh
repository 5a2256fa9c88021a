#!/bin/sh
# Runs one interop test script: tests/interop/run.sh NODE SCRIPT [ARGS...]
# SCRIPT is relative to this directory (transports.mjs, hub/main.mjs). Installs the pinned Node packages
# first when they are missing or out of date (tools/npm-ci), then runs SCRIPT with NODE.
set -eu
node=$1
script=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
"$here/../../tools/npm-ci" "$here"
exec "$node" "$here/$script" "$@"
