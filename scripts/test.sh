#!/usr/bin/env bash
# Installs dependencies, builds (scripts/build.sh, preset NHB2_PRESET, default "release") and runs
# the whole test suite with CTest. Extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --preset "${NHB2_PRESET:-release}" -j"$(nproc)" "$@"
