#!/usr/bin/env bash
# The installed package used from outside: `cmake --install` into a temporary prefix, then
# docs/examples/ built as a separate CMake project with find_package(nhb2) (plug-in + conformance
# program), the installed nhb2 checking the plug-in and sweeping it next to random_search.
# Usage: tests/install_test.sh BUILD_DIR SOURCE_DIR   (CTest runs it; see tests/CMakeLists.txt)
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "== cmake --install into $work/prefix"
cmake --install "$build" --prefix "$work/prefix" >install.log
test -f prefix/lib/cmake/nhb2/nhb2Config.cmake
test -f prefix/include/nhb2/core/plugin.hpp
test -f prefix/include/nhb2/core/version.hpp
if grep -rlE '#include <(Eigen|yaml-cpp|nlohmann)' prefix/include; then
  echo "an installed header includes a private dependency" >&2
  exit 1
fi

echo "== docs/examples as an outside project"
generator=()
if command -v ninja >/dev/null; then generator=(-G Ninja); fi
cmake -S "$source/docs/examples" -B build-example "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >configure.log
cmake --build build-example
test -f build-example/epsilon_greedy.so

echo "== the example's own conformance program"
build-example/epsilon_greedy_conformance

echo "== the installed nhb2 with the plug-in"
nhb2=prefix/bin/nhb2
"$nhb2" --version
# Into a file first: `grep -q` stops reading at the first match, and under pipefail the
# SIGPIPE that then stops nhb2 list would fail the test.
"$nhb2" list --plugin build-example/epsilon_greedy.so >list.txt
grep -q "^epsilon_greedy$" list.txt
"$nhb2" conformance --plugin build-example/epsilon_greedy.so --evaluations 100
sed 's/^runs: .*/runs: 4/' "$source/docs/examples/compare.yaml" >compare.yaml
"$nhb2" sweep compare.yaml --quiet --no-plots --jobs 2 >sweep.log
grep -q "^  - build-example/epsilon_greedy.so" results/epsilon_greedy_vs_rs/resolved.yaml
for label in rs eps-0.1; do
  for run in 0 1 2 3; do test -f "results/epsilon_greedy_vs_rs/runs/$label/$run.csv"; done
done
grep -q "eps-0.1" results/epsilon_greedy_vs_rs/summary.md
echo "installed package, plug-in build and sweep: OK"
