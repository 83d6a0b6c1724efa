#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite against real servers
# (redis-server, PostgreSQL 15, nginx, a private dockerd) that the tests start themselves on
# loopback ports and private sockets.
# Usage: scripts/test.sh [CTEST ARGS...]   (build dir: build-test, or $CW_BUILD_DIR)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${CW_BUILD_DIR:-$root/build-test}

# Without root and without sudo, deps.sh names the missing packages and stops here.
"$root/scripts/deps.sh" test
if [[ $(id -u) -ne 0 ]]; then
  echo "test.sh: the integration tests start a private dockerd and run PostgreSQL as the postgres" >&2
  echo "test.sh: user, which need root: run 'sudo scripts/test.sh'" >&2
  exit 1
fi
"$root/scripts/build.sh" "$build"

export QT_QPA_PLATFORM=offscreen
cd "$build"
ctest --output-on-failure --parallel "$(nproc)" --timeout 300 "$@"
