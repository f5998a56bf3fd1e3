#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang, AddressSanitizer and UBSan in build-fuzz/
# and runs each one for SECONDS (default 60), one after the other. Prints the executions per
# target from libFuzzer's final stats; a crash input is copied into
# tests/fuzz/corpus/<target>/regressions/ (replayed by `nhb2_tests "[fuzz]"` in every build) and
# the script exits non-zero. New coverage-increasing inputs go to build-fuzz/corpus/<target>/
# (not committed). Needs clang and libFuzzer: scripts/install-fuzz-deps.sh.
#   scripts/fuzz.sh 60                 all targets, 60 s each
#   scripts/fuzz.sh 600 pickle         one target
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then targets=(pickle nhb2_file cellcode sweep_config); fi

# clang 16 or newer (clang 14 rejects lambdas capturing structured bindings, which the code uses).
if [ -z "${CXX:-}" ]; then
  for version in 19 18 17 16; do
    if command -v clang++-$version >/dev/null; then
      export CC=clang-$version CXX=clang++-$version
      break
    fi
  done
fi
CC=${CC:-clang} CXX=${CXX:-clang++} cmake --preset fuzz
cmake --build --preset fuzz -j"$(nproc)" --target "${targets[@]/#/fuzz_}"

status=0
for target in "${targets[@]}"; do
  seeds=tests/fuzz/corpus/$target
  work=build-fuzz/corpus/$target
  artifacts=build-fuzz/artifacts/$target
  log=build-fuzz/fuzz-$target.log
  mkdir -p "$work" "$artifacts"
  echo "== fuzz_$target for ${seconds}s"
  set +e
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    build-fuzz/tests/fuzz/fuzz_"$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$work" "$seeds" >"$log" 2>&1
  rc=$?
  set -e
  executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  echo "   executions: ${executions:-?}  ${coverage}  log: $log"
  shopt -s nullglob
  found=("$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*)
  shopt -u nullglob
  if [ "$rc" -ne 0 ] || [ "${#found[@]}" -gt 0 ]; then
    status=1
    mkdir -p "$seeds/regressions"
    for input in "${found[@]}"; do
      cp "$input" "$seeds/regressions/"
      echo "   FINDING: $input -> $seeds/regressions/$(basename "$input")"
    done
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|terminate called)' "$log" | head -5 || true
  fi
done
exit "$status"
