// libFuzzer target: see fuzz_entries.hpp for fuzz_nhb2_file. Built by tests/fuzz/CMakeLists.txt
// with clang and NHB2_FUZZ=ON; run by scripts/fuzz.sh.
#include "fuzz_entries.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  nhb2::fuzz::fuzz_nhb2_file(data, size);
  return 0;
}
