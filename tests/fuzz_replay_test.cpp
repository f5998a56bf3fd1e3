// Replays every saved fuzz input (seed corpus and crash regressions, tests/fuzz/corpus/<target>/)
// through the same entry functions the libFuzzer targets use, so no clang is needed to keep them
// fixed. An entry may only return or throw nhb2::Error; see tests/fuzz/fuzz_entries.hpp.

#include "fuzz/fuzz_entries.hpp"

#include <nhb2/core/error.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::vector<std::uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in),
                                   std::istreambuf_iterator<char>());
}

// Every regular file under the folder, recursively, in a stable order.
std::vector<fs::path> corpus_files(const fs::path& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("Every saved fuzz input is accepted or refused with nhb2::Error only", "[fuzz]") {
  const fs::path corpus = fs::path(NHB2_SOURCE_DIR) / "tests" / "fuzz" / "corpus";
  for (const auto& target : nhb2::fuzz::fuzz_targets()) {
    SECTION(target.name) {
      const fs::path folder = corpus / target.name;
      REQUIRE(fs::is_directory(folder));
      const std::vector<fs::path> files = corpus_files(folder);
      CHECK(!files.empty());
      for (const fs::path& file : files) {
        INFO("input " << file.string());
        const std::vector<std::uint8_t> bytes = read_bytes(file);
        CHECK_NOTHROW(target.entry(bytes.data(), bytes.size()));
      }
    }
  }
}

TEST_CASE("The fuzz entries survive empty and one-byte inputs", "[fuzz]") {
  const std::uint8_t byte = 0x80;
  for (const auto& target : nhb2::fuzz::fuzz_targets()) {
    INFO("target " << target.name);
    CHECK_NOTHROW(target.entry(nullptr, 0));
    CHECK_NOTHROW(target.entry(&byte, 1));
  }
}
