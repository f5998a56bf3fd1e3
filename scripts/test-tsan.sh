#!/usr/bin/env bash
# Builds nhb2's tests with ThreadSanitizer (CMakePresets.json preset `tsan`, folder build-tsan/)
# and runs the multi-threaded ones: the load test [load] and the parallel sweep runner [sweep].
# Any data race report fails the run. NHB2_LOAD_SECONDS sets the load test's duration (default 2).
# Extra arguments go to the test binary (Catch2).
set -euo pipefail
cd "$(dirname "$0")/.."

cmake --preset tsan
cmake --build --preset tsan -j"$(nproc)"

export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
# TSan needs the classic address-space layout; newer kernels randomise mmap more than it allows.
run=()
if command -v setarch >/dev/null 2>&1 && setarch "$(uname -m)" -R true 2>/dev/null; then
  run=(setarch "$(uname -m)" -R)
fi
"${run[@]}" build-tsan/tests/nhb2_tests "[load],[sweep]" "$@"
