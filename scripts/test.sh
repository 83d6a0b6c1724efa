#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite against real servers
# (redis-server, PostgreSQL 15, nginx) that the tests start themselves on loopback ports.
# Usage: scripts/test.sh            (build dir: build-test)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${CW_BUILD_DIR:-$root/build-test}

"$root/scripts/deps.sh"
"$root/scripts/build.sh" "$build"

export QT_QPA_PLATFORM=offscreen
cd "$build"
ctest --output-on-failure --parallel "$(nproc)" --timeout 300 "$@"
