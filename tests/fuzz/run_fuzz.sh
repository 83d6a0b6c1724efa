#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang (cw_core instrumented) and runs each one.
# Usage: tests/fuzz/run_fuzz.sh [seconds per harness, default 120] [build dir, default build-fuzz]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-120}
build=${2:-$root/build-fuzz}

CXX=${CXX:-clang++} cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCLUSTERWATCH_FUZZ=ON -DCLUSTERWATCH_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" --target fuzz_prometheus fuzz_clusterconfig fuzz_drillspec fuzz_drilljournal \
  fuzz_docker fuzz_redisinfo

corpus=$build/fuzz-corpus
mkdir -p "$corpus/prometheus" "$corpus/clusterconfig" "$corpus/drillspec" "$corpus/drilljournal" \
  "$corpus/docker" "$corpus/redisinfo" "$build/fuzz-artifacts"
# Seeds: the captured bodies (headers stripped) and the cluster files.
for f in $(find "$root/tests/data/metrics" -name '*.http'); do
  name=$(echo "${f#"$root"/tests/data/metrics/}" | tr '/' '_')
  awk 'body { print } /^\r?$/ && !body { body = 1 }' "$f" > "$corpus/prometheus/$name"
done
cp "$root"/tests/data/config/*.yaml "$root/resources/examples/cluster.yaml" "$corpus/clusterconfig/"
cp "$root"/tests/data/drills/*.yaml "$root"/resources/examples/drill-*.yaml "$corpus/drillspec/"
cp "$root"/tests/data/drills/*.json "$corpus/drilljournal/"

# Docker seeds: the selector byte (see fuzz_docker.cpp) followed by a real response.
i=0
for f in "$root"/tests/data/docker/*.json "$root"/tests/data/docker/*.ndjson; do
  [[ -f $f ]] || continue
  for sel in 0 1 2 3 4 5 6; do { printf "\\x0$sel"; head -c 60000 "$f"; } > "$corpus/docker/$i-$sel"; done
  i=$((i + 1))
done
cp "$root"/tests/data/redis/*.txt "$corpus/redisinfo/"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for harness in prometheus clusterconfig drillspec drilljournal docker redisinfo; do
  echo "== fuzz_$harness for ${seconds}s"
  dict=()
  [[ -f $root/tests/fuzz/$harness.dict ]] && dict=(-dict="$root/tests/fuzz/$harness.dict")
  "$build/tests/fuzz/fuzz_$harness" "$corpus/$harness" \
    "${dict[@]}" -max_total_time="$seconds" -max_len=65536 \
    -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-artifacts/${harness}-" 2>&1 | tail -n 25
done
