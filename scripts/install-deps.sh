#!/usr/bin/env bash
# Installs every Debian package nhb2 needs to build, test and plot (Debian 12).
# Run as root (or with sudo available). Nothing is downloaded at build time.
# With arguments, installs exactly those packages instead (scripts/install-fuzz-deps.sh uses this).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libeigen3-dev libboost-program-options-dev libboost-dev
  libyaml-cpp-dev catch2 libbenchmark-dev nlohmann-json3-dev libxxhash-dev xxhash jq
  gnuplot-nox
  python3 python3-numpy
  # Python package and its tests (built for Debian's /usr/bin/python3)
  python3-dev pybind11-dev python3-yaml python3-pytest python3-scipy python3-optuna python3-setuptools python3-pip
  # the HTML report is checked in a real headless browser
  chromium fonts-dejavu-core
  # sweeps over MPI
  libopenmpi-dev openmpi-bin
)

if [ "$#" -gt 0 ]; then packages=("$@"); fi

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
  echo "all needed packages are installed: ${packages[*]}"
fi
