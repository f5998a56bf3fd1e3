#pragma once
// The on-disk cache of the synthetic table, so a new process skips its generation.
//
// Contract:
// - The cache folder is $XDG_CACHE_HOME/nhb2 when XDG_CACHE_HOME is an absolute path, else
//   $HOME/.cache/nhb2 (none when neither is set). It is per user: it is created with mode 0700,
//   and a folder owned by another user is never read or written.
// - The table for generator seed S is the file `synthetic-g<generator version>-s<S>.nhb2` there
//   (kSyntheticGeneratorVersion, so a new generator never reads an old table).
// - A cached file is used only when it is a regular file owned by this user (not a symlink) and
//   read_nhb2 accepts it (its XXH3 file checksum included) and its
//   source label is exactly the generator's for that version and seed; anything else (missing,
//   truncated, damaged, foreign) is regenerated and written atomically over it (write_nhb2 renames
//   a complete temporary file, so concurrent processes each see a whole file or none).
// - Cache problems never fail a load: an unusable folder (unwritable, another user's, no
//   HOME) falls back to generating in memory, with a one-line reason in `warning`.
// - NHB2_NO_CACHE set to anything but "" or "0" turns the cache off (generation in memory, no
//   warning).
// The loaded table is bit-identical to make_synthetic_table(seed) (same Table::checksum()) and is
// labelled synthetic like it.

#include <nhb2/benchmark_api/table.hpp>

#include <cstdint>
#include <string>

namespace nhb2 {

enum class SyntheticOrigin {
  cache,      // read from a valid cache file
  stored,     // generated and written to the cache (it was missing, damaged or foreign)
  generated,  // generated in memory only (cache off or unusable)
};

struct SyntheticLoad {
  Table table;
  SyntheticOrigin origin = SyntheticOrigin::generated;
  std::string path;     // the cache file (empty when there is no cache folder)
  std::string warning;  // one line when the cache could not be used; else empty
};

// The cache folder from the environment as described above; "" when there is none. The Python
// package keeps its converted pickles there too, under the same rules (the two functions below).
std::string synthetic_cache_dir();
// Creates `dir` (and missing parents) with mode 0700 unless it exists; "" when it is then a
// folder of this user that can be written, else the reason it cannot be used as a cache.
std::string prepare_cache_dir(const std::string& dir);
// True when `path` is a regular file of this user (not a symlink, folder or another user's
// file): only such a file is ever read from a cache folder.
bool own_regular_file(const std::string& path);
// True when NHB2_NO_CACHE turns the cache off.
bool synthetic_cache_disabled();
// `synthetic-g<version>-s<seed>.nhb2`.
std::string synthetic_cache_file_name(std::uint64_t seed);

// The synthetic table for `seed` through the cache folder `cache_dir` ("" = no cache).
SyntheticLoad load_synthetic_table(std::uint64_t seed, const std::string& cache_dir);

}  // namespace nhb2
