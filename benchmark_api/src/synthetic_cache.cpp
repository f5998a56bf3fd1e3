#include <nhb2/benchmark_api/synthetic_cache.hpp>

#include <nhb2/benchmark_api/nhb2_file.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/error.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace nhb2 {

std::string prepare_cache_dir(const std::string& dir) {
  for (std::size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    const std::string prefix = slash == std::string::npos ? dir : dir.substr(0, slash);
    if (!prefix.empty() && ::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return "cannot create " + prefix + ": " + std::strerror(errno);
    }
    if (slash == std::string::npos) break;
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) return "cannot read " + dir + ": " + std::strerror(errno);
  if (!S_ISDIR(info.st_mode)) return dir + " is not a folder";
  if (info.st_uid != ::geteuid()) return dir + " belongs to another user";
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return "cannot write " + dir + ": " + std::strerror(errno);
  }
  return "";
}

bool own_regular_file(const std::string& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && info.st_uid == ::geteuid();
}

bool synthetic_cache_disabled() {
  const char* value = std::getenv("NHB2_NO_CACHE");
  return value != nullptr && value[0] != '\0' && std::strcmp(value, "0") != 0;
}

std::string synthetic_cache_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/nhb2";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') return std::string(home) + "/.cache/nhb2";
  return "";
}

std::string synthetic_cache_file_name(std::uint64_t seed) {
  return "synthetic-g" + std::to_string(kSyntheticGeneratorVersion) + "-s" + std::to_string(seed) +
         ".nhb2";
}

SyntheticLoad load_synthetic_table(std::uint64_t seed, const std::string& cache_dir) {
  if (cache_dir.empty()) {
    return SyntheticLoad{make_synthetic_table(seed), SyntheticOrigin::generated, "", ""};
  }
  const std::string path = cache_dir + "/" + synthetic_cache_file_name(seed);
  const std::string problem = prepare_cache_dir(cache_dir);
  if (!problem.empty()) {
    return SyntheticLoad{make_synthetic_table(seed), SyntheticOrigin::generated, path,
                         "synthetic cache not used (" + problem + "); generated in memory"};
  }
  try {
    if (!own_regular_file(path)) throw DataError(path + ": not a file of this user");
    Table cached = read_nhb2(path);
    if (cached.source().kind == "synthetic" &&
        cached.source().description == make_synthetic_description(seed)) {
      return SyntheticLoad{std::move(cached), SyntheticOrigin::cache, path, ""};
    }
  } catch (const DataError&) {
    // Missing, damaged or not an nhb2 file: regenerate below.
  }
  Table table = make_synthetic_table(seed);
  try {
    write_nhb2(table, path);
  } catch (const DataError& error) {
    return SyntheticLoad{
        std::move(table), SyntheticOrigin::generated, path,
        std::string("synthetic cache not written (") + error.what() + "); generated in memory"};
  }
  return SyntheticLoad{std::move(table), SyntheticOrigin::stored, path, ""};
}

}  // namespace nhb2
