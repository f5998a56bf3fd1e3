#!/usr/bin/env bash
# Installs clang and libFuzzer (Debian 12), which scripts/fuzz.sh needs. The sanitizer builds of
# scripts/test-asan.sh and scripts/test-tsan.sh use the default GCC and need nothing extra.
# clang 16: it is the version the fuzz build was checked with (Debian 12 ships it).
set -euo pipefail
exec "$(dirname "$0")/install-deps.sh" clang-16 libclang-rt-16-dev
