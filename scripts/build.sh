#!/usr/bin/env bash
# Configures and builds nhb2 with a CMake preset (CMakePresets.json; default "release": Release in
# ./build). NHB2_PRESET=ci adds warnings as errors (what CI builds). Extra arguments go to CMake's
# configure step, e.g. scripts/build.sh -DNHB2_BUILD_PERF=OFF.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${NHB2_PRESET:-release}
cmake --preset "$preset" "$@"
cmake --build --preset "$preset" -j"$(nproc)"
