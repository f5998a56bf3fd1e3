#!/usr/bin/env bash
# Installs clang and libFuzzer (Debian 12), which scripts/fuzz.sh needs. The sanitizer builds of
# scripts/test-asan.sh and scripts/test-tsan.sh use the default GCC and need nothing extra.
set -euo pipefail

# clang 16: clang 14 rejects lambdas that capture structured bindings, which the code uses.
packages=(clang-16 libclang-rt-16-dev)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "all fuzzing dependencies are installed"
fi
