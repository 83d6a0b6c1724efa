#!/usr/bin/env bash
# Configures and builds Clusterwatch with Ninja (and ccache when present).
# Usage: scripts/build.sh [--app] [BUILD_DIR]   (default: build)
#   --app   only the clusterwatch program: no tests, no benchmarks (what the demo needs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
app_only=0
if [[ ${1:-} == --app ]]; then
  app_only=1
  shift
fi
build=${1:-$root/build}

options=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
target=()
if ((app_only)); then
  options+=(-DCLUSTERWATCH_BUILD_TESTS=OFF -DCLUSTERWATCH_BUILD_BENCHMARKS=OFF)
  target=(--target clusterwatch)
else
  options+=(-DCLUSTERWATCH_BUILD_TESTS=ON -DCLUSTERWATCH_BUILD_BENCHMARKS=ON)
fi

echo "build: configuring $build"
if ! cmake -S "$root" -B "$build" "${options[@]}" >"$build.configure.log" 2>&1; then
  tail -40 "$build.configure.log" >&2
  echo "build: CMake configure failed; the whole log is $build.configure.log" >&2
  exit 1
fi
rm -f "$build.configure.log"
# One line a step, with the share done and the time so far.
export NINJA_STATUS="[%f/%t %p, %es] "
echo "build: compiling with $(nproc) jobs${target:+ (${target[1]} only)}"
cmake --build "$build" --parallel "$(nproc)" "${target[@]}"
