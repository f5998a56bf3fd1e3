// core/file_io.hpp: whole-file reads and atomic writes.

#include <nhb2/core/error.hpp>
#include <nhb2/core/file_io.hpp>

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;

namespace {

std::size_t entries(const std::string& folder) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(folder)) {
    (void)entry;
    ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("read_file returns every byte of a file", "[file_io]") {
  nhb2::test::TempDir dir;
  const std::string bytes("a\0b\nc", 5);
  nhb2::write_file_atomic(dir.file("f"), bytes);
  CHECK(nhb2::read_file(dir.file("f")) == bytes);
}

TEST_CASE("read_file names the path and the OS reason when it fails", "[file_io]") {
  nhb2::test::TempDir dir;
  const std::string missing = dir.file("missing");
  REQUIRE_THROWS_AS(nhb2::read_file(missing), nhb2::DataError);
  REQUIRE_THROWS_WITH(nhb2::read_file(missing),
                      missing + ": cannot read: " + std::strerror(ENOENT));
  REQUIRE_THROWS_WITH(nhb2::read_file(dir.path()),
                      dir.path() + ": cannot read: " + std::strerror(EISDIR));
}

TEST_CASE("write_file_atomic replaces a file and leaves no temporary file", "[file_io]") {
  nhb2::test::TempDir dir;
  nhb2::write_file_atomic(dir.file("f"), "old");
  nhb2::write_file_atomic(dir.file("f"),
                          [](std::FILE* file) { return std::fputs("new", file) >= 0; });
  CHECK(nhb2::read_file(dir.file("f")) == "new");
  CHECK(entries(dir.path()) == 1);
}

TEST_CASE("a failed atomic write leaves the target untouched and no temporary file", "[file_io]") {
  nhb2::test::TempDir dir;
  nhb2::write_file_atomic(dir.file("f"), "old");
  CHECK_THROWS_WITH(nhb2::write_file_atomic(dir.file("f"), [](std::FILE*) { return false; }),
                    Catch::StartsWith(dir.file("f") + ": cannot write: writing "));
  CHECK_THROWS_WITH(nhb2::write_file_atomic(dir.file("no_such_folder/f"), "x"),
                    Catch::StartsWith(dir.file("no_such_folder/f") + ": cannot write: ") &&
                        Catch::Contains(std::strerror(ENOENT)));
  {
    nhb2::AtomicFile abandoned(dir.file("f"));
    abandoned.write("never committed");
  }
  CHECK(nhb2::read_file(dir.file("f")) == "old");
  CHECK(entries(dir.path()) == 1);
}

TEST_CASE("atomic_temp_target recognises exactly the temporary names of atomic writes",
          "[file_io]") {
  const std::string temp = nhb2::atomic_temp_name("/x/runs.csv");
  CHECK(nhb2::atomic_temp_target(fs::path(temp).filename().string()) == "runs.csv");
  CHECK(nhb2::atomic_temp_target("runs.csv.tmp-123-4") == "runs.csv");
  CHECK(nhb2::atomic_temp_target("notes.tmp-keep").empty());
  CHECK(nhb2::atomic_temp_target("runs.csv.tmp-123-").empty());
  CHECK(nhb2::atomic_temp_target(".tmp-1-2").empty());
}
