// The per-user cache of the synthetic table (benchmark_api/synthetic_cache.hpp).

#include <nhb2/benchmark_api/nhb2_file.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/benchmark_api/synthetic_cache.hpp>
#include <nhb2/core/file_io.hpp>

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace nhb2;
using nhb2::test::TempDir;

namespace {

// The checksum of the generated table for seed 3 (generated once for all test cases).
const std::string& generated_checksum() {
  static const std::string checksum = make_synthetic_table(3).checksum();
  return checksum;
}

void flip_byte(const std::string& path, std::uint64_t offset) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekg(static_cast<std::streamoff>(offset));
  char byte = 0;
  file.read(&byte, 1);
  byte = static_cast<char>(byte ^ 0x5a);
  file.seekp(static_cast<std::streamoff>(offset));
  file.write(&byte, 1);
}

}  // namespace

TEST_CASE("the synthetic cache stores the generated table once and then reads it back",
          "[synthetic_cache]") {
  TempDir dir;
  const std::string cache = dir.file("deeper/nhb2");  // missing parents are created
  const SyntheticLoad first = load_synthetic_table(3, cache);
  CHECK(first.origin == SyntheticOrigin::stored);
  CHECK(first.warning.empty());
  CHECK(first.path ==
        cache + "/synthetic-g" + std::to_string(kSyntheticGeneratorVersion) + "-s3.nhb2");
  CHECK(first.table.checksum() == generated_checksum());
  CHECK((std::filesystem::status(cache).permissions() & std::filesystem::perms::all) ==
        std::filesystem::perms::owner_all);

  const SyntheticLoad second = load_synthetic_table(3, cache);
  CHECK(second.origin == SyntheticOrigin::cache);
  CHECK(second.table.checksum() == generated_checksum());
  CHECK(second.table.source().kind == "synthetic");
  CHECK(second.table.source().description == make_synthetic_description(3));
}

TEST_CASE("a damaged, truncated or foreign cache file is detected and rebuilt",
          "[synthetic_cache]") {
  TempDir dir;
  const std::string cache = dir.path();
  const std::string path = cache + "/" + synthetic_cache_file_name(3);
  SECTION("one flipped payload byte (file checksum)") {
    write_nhb2(make_synthetic_table(3), path);
    flip_byte(path, std::filesystem::file_size(path) / 2);
  }
  SECTION("truncated") {
    write_nhb2(make_synthetic_table(3), path);
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 3);
  }
  SECTION("not an nhb2 file") {
    write_file_atomic(path, "hello");
  }
  SECTION("a valid file of another seed under this seed's name") {
    write_nhb2(make_synthetic_table(4), path);
  }
  const SyntheticLoad load = load_synthetic_table(3, cache);
  CHECK(load.origin == SyntheticOrigin::stored);
  CHECK(load.warning.empty());
  CHECK(load.table.checksum() == generated_checksum());
  // The rebuilt file is whole and valid.
  CHECK(read_nhb2(path).checksum() == generated_checksum());
  CHECK(load_synthetic_table(3, cache).origin == SyntheticOrigin::cache);
}

TEST_CASE("an unusable cache folder falls back to generation in memory with a warning",
          "[synthetic_cache]") {
  TempDir dir;
  // A regular file where the folder should be: nothing can be created below it (even as root).
  write_file_atomic(dir.file("file"), "x");
  const SyntheticLoad load = load_synthetic_table(3, dir.file("file/nhb2"));
  CHECK(load.origin == SyntheticOrigin::generated);
  CHECK(load.table.checksum() == generated_checksum());
  CHECK_THAT(load.warning, Catch::Contains("file/nhb2"));
  CHECK_THAT(load.warning, Catch::Contains("generated in memory"));
  CHECK(load.warning.find('\n') == std::string::npos);

  const test::CliResult cli = test::run_cli("info", "XDG_CACHE_HOME=" + dir.file("file"));
  CHECK(cli.exit_code == 0);
  CHECK_THAT(cli.out, Catch::Contains("synthetic"));
  CHECK_THAT(cli.err, Catch::StartsWith("nhb2: warning: synthetic cache not used ("));
  CHECK(std::count(cli.err.begin(), cli.err.end(), '\n') == 1);
}

TEST_CASE("the cache folder follows XDG_CACHE_HOME, then HOME, and NHB2_NO_CACHE turns it off",
          "[synthetic_cache]") {
  const char* saved_xdg = std::getenv("XDG_CACHE_HOME");
  const std::string xdg = saved_xdg ? saved_xdg : "";
  const char* saved_no_cache = std::getenv("NHB2_NO_CACHE");
  const std::string no_cache = saved_no_cache ? saved_no_cache : "";

  ::setenv("XDG_CACHE_HOME", "/somewhere/cache", 1);
  CHECK(synthetic_cache_dir() == "/somewhere/cache/nhb2");
  ::setenv("XDG_CACHE_HOME", "relative/cache", 1);  // not absolute: ignored, as the spec says
  ::setenv("HOME", std::getenv("HOME") ? std::getenv("HOME") : "/root", 1);
  CHECK(synthetic_cache_dir() == std::string(std::getenv("HOME")) + "/.cache/nhb2");
  ::setenv("NHB2_NO_CACHE", "1", 1);
  CHECK(synthetic_cache_disabled());
  ::setenv("NHB2_NO_CACHE", "0", 1);
  CHECK_FALSE(synthetic_cache_disabled());

  if (saved_xdg) {
    ::setenv("XDG_CACHE_HOME", xdg.c_str(), 1);
  } else {
    ::unsetenv("XDG_CACHE_HOME");
  }
  if (saved_no_cache) {
    ::setenv("NHB2_NO_CACHE", no_cache.c_str(), 1);
  } else {
    ::unsetenv("NHB2_NO_CACHE");
  }
}

TEST_CASE("concurrent processes filling the same empty cache leave one valid file",
          "[synthetic_cache]") {
  TempDir dir;
  // Four `nhb2 query` processes race on the empty cache; each must succeed with the same answer.
  const test::CliResult result = test::run_shell(
      "for i in 1 2 3 4; do (XDG_CACHE_HOME=" + dir.path() +
      " nhb2 query '0|10|210' --lr 0.1 --batch-size 256 > " + dir.path() +
      "/out$i.txt 2>&1; echo $? >> " + dir.path() + "/codes.txt) & done; wait; cat " + dir.path() +
      "/codes.txt | sort | uniq -c; cat " + dir.path() +
      "/out*.txt | sort | uniq -c | grep -c accuracy");
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("4 0\n1\n"));
  const std::string path = dir.path() + "/nhb2/" + synthetic_cache_file_name(kDefaultSyntheticSeed);
  CHECK(read_nhb2(path).checksum() == make_synthetic_table(kDefaultSyntheticSeed).checksum());
  // No temporary file is left behind.
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path() + "/nhb2")) {
    names.push_back(entry.path().filename().string());
  }
  CHECK(names == std::vector<std::string>{synthetic_cache_file_name(kDefaultSyntheticSeed)});
}

TEST_CASE("a symlink in the cache is replaced by a regular file, its target left alone",
          "[synthetic_cache]") {
  TempDir dir;
  const std::string cache = dir.file("nhb2");
  const std::string path = cache + "/" + synthetic_cache_file_name(3);
  // A valid cache file of this very seed, but reached through a symlink: not trusted.
  write_nhb2(make_synthetic_table(3), dir.file("elsewhere.nhb2"));
  std::filesystem::create_directories(cache);
  std::filesystem::create_symlink(dir.file("elsewhere.nhb2"), path);
  const auto target_time = std::filesystem::last_write_time(dir.file("elsewhere.nhb2"));

  const SyntheticLoad load = load_synthetic_table(3, cache);
  CHECK(load.origin == SyntheticOrigin::stored);
  CHECK(load.table.checksum() == generated_checksum());
  CHECK(std::filesystem::is_regular_file(std::filesystem::symlink_status(path)));
  CHECK(std::filesystem::last_write_time(dir.file("elsewhere.nhb2")) == target_time);
  CHECK(load_synthetic_table(3, cache).origin == SyntheticOrigin::cache);
}

TEST_CASE("a cache file owned by another user is not read", "[synthetic_cache]") {
  TempDir dir;
  const std::string path = dir.path() + "/" + synthetic_cache_file_name(3);
  write_nhb2(make_synthetic_table(3), path);
  if (::geteuid() != 0 || ::chown(path.c_str(), 4242, 4242) != 0) {
    WARN("skipped: giving a file to another user needs root");
    return;
  }
  const SyntheticLoad load = load_synthetic_table(3, dir.path());
  CHECK(load.origin == SyntheticOrigin::stored);  // replaced by this user's own file
  CHECK(load.table.checksum() == generated_checksum());
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK(info.st_uid == ::geteuid());
}

TEST_CASE("a folder in place of the cache file falls back to generation with a warning",
          "[synthetic_cache]") {
  TempDir dir;
  const std::string path = dir.path() + "/" + synthetic_cache_file_name(3);
  std::filesystem::create_directories(path + "/inside");
  const SyntheticLoad load = load_synthetic_table(3, dir.path());
  CHECK(load.origin == SyntheticOrigin::generated);
  CHECK(load.table.checksum() == generated_checksum());
  CHECK_THAT(load.warning, Catch::StartsWith("synthetic cache not written (" + path));
  CHECK_THAT(load.warning, Catch::EndsWith("; generated in memory"));
  CHECK(std::filesystem::is_directory(path + "/inside"));  // nothing of the user's is removed
}
