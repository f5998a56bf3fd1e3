#pragma once
// Shards: a deterministic share of a sweep's runs, for cluster job arrays.
//
// Contract:
// - A sweep's tasks are numbered t = optimizer_index * runs + run (config order). Shard K of N
//   (written "K/N", 0 <= K < N, N <= kMaxShards) holds the tasks with t % N == K: round robin,
//   so every shard gets a similar mix of optimizers. The shards of one N cover every task once.
// - A shard saves its runs where the whole sweep would (runs/<label>/<run>.csv, atomically), and
//   its shard file shards/<K>-of-<N>.txt: the shard, its status (running | complete), the nhb2
//   version, the binary's checksum and the checksum of the config fingerprint (plug-in checksums
//   included). Shards of different N, configs, versions or binaries in one folder are refused
//   (check_shard_files) before anything is written.
// - Merging (the runner's `merge` option) needs every shard file of one N complete and every
//   run's checkpoint present; otherwise missing_shards_message names the missing shards.

#include <cstddef>
#include <string>
#include <vector>

namespace nhb2 {

constexpr int kMaxShards = 1000000;

struct SweepShard {
  int index = 0;
  int count = 1;  // 1: the whole sweep
};

// Parses "K/N". Throws InvalidArgument naming the text and what is allowed.
SweepShard parse_shard(const std::string& text);
std::string format_shard(const SweepShard& shard);  // "K/N"
inline bool shard_holds(const SweepShard& shard, std::size_t task) {
  return task % static_cast<std::size_t>(shard.count) == static_cast<std::size_t>(shard.index);
}

struct ShardFile {
  SweepShard shard;
  bool complete = false;
  std::string nhb2_version;
  std::string binary_checksum;
  std::string config_checksum;
};

// Relative path inside the output folder: "shards/<K>-of-<N>.txt".
std::string shard_file_path(const SweepShard& shard);
std::string format_shard_file(const ShardFile& file);
// Throws DataError naming `path` when the text is not a shard file.
ShardFile parse_shard_file(const std::string& text, const std::string& path);
// Every shard file in `dir`/shards, ordered by N then K. Throws DataError on a damaged one.
std::vector<ShardFile> read_shard_files(const std::string& dir);

// Throws ConfigError when `existing` (the shard files of the folder `dir`) cannot be mixed with
// `mine`: another N, version, binary or config. The message names what differs, both values and
// the shard file that holds the other value.
void check_shard_files(const std::string& dir, const std::vector<ShardFile>& existing,
                       const ShardFile& mine);

// "" when shard files of one N are all complete and none of `missing_tasks` (sorted) is left;
// else a message naming each missing or incomplete shard (with its runs done) and the command
// line that completes it. `total` is the number of tasks.
std::string missing_shards_message(const std::vector<ShardFile>& existing,
                                   const std::vector<std::size_t>& missing_tasks,
                                   std::size_t total);

}  // namespace nhb2
