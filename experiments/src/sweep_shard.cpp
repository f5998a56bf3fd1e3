#include <nhb2/experiments/sweep_shard.hpp>

#include <nhb2/core/error.hpp>
#include <nhb2/core/file_io.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <sstream>
#include <system_error>

namespace nhb2 {

namespace fs = std::filesystem;

namespace {

const char* const kShardFileHeader = "# nhb2 sweep shard v1";

bool parse_count(const std::string& text, long long& value) {
  if (text.empty() || text.size() > 9) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

SweepShard parse_shard(const std::string& text) {
  const std::string allowed =
      "allowed: K/N with integers 0 <= K < N <= " + std::to_string(kMaxShards) +
      ", e.g. --shard 0/4 .. --shard 3/4 for four shards";
  const auto slash = text.find('/');
  long long index = -1;
  long long count = -1;
  if (slash == std::string::npos || !parse_count(text.substr(0, slash), index) ||
      !parse_count(text.substr(slash + 1), count)) {
    throw InvalidArgument("--shard '" + text + "' is not of the form K/N; " + allowed);
  }
  if (count < 1 || count > kMaxShards) {
    throw InvalidArgument("--shard '" + text + "': the shard count N = " + std::to_string(count) +
                          " is out of range; " + allowed);
  }
  if (index < 0 || index >= count) {
    throw InvalidArgument("--shard '" + text + "': the shard index K = " + std::to_string(index) +
                          " must be in 0 .. " + std::to_string(count - 1) + " (K counts from 0); " +
                          allowed);
  }
  return SweepShard{static_cast<int>(index), static_cast<int>(count)};
}

std::string format_shard(const SweepShard& shard) {
  return std::to_string(shard.index) + "/" + std::to_string(shard.count);
}

std::string shard_file_path(const SweepShard& shard) {
  return "shards/" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) + ".txt";
}

std::string format_shard_file(const ShardFile& file) {
  std::string out = std::string(kShardFileHeader) + "\n";
  out += "shard: " + format_shard(file.shard) + "\n";
  out += std::string("status: ") + (file.complete ? "complete" : "running") + "\n";
  out += "nhb2_version: " + file.nhb2_version + "\n";
  out += "binary_xxh3: " + file.binary_checksum + "\n";
  out += "config_xxh3: " + file.config_checksum + "\n";
  return out;
}

ShardFile parse_shard_file(const std::string& text, const std::string& path) {
  std::map<std::string, std::string> fields;
  std::istringstream in(text);
  std::string line;
  bool header = false;
  while (std::getline(in, line)) {
    if (line == kShardFileHeader) header = true;
    const auto colon = line.find(": ");
    if (line.empty() || line[0] == '#' || colon == std::string::npos) continue;
    fields[line.substr(0, colon)] = line.substr(colon + 2);
  }
  const char* const keys[] = {"shard", "status", "nhb2_version", "binary_xxh3", "config_xxh3"};
  for (const char* key : keys) {
    if (!header || !fields.count(key)) {
      throw DataError(path + ": not a complete shard file (no '" + key + "')");
    }
  }
  ShardFile file;
  try {
    file.shard = parse_shard(fields["shard"]);
  } catch (const Error& e) {
    throw DataError(path + ": " + e.what());
  }
  if (fields["status"] != "complete" && fields["status"] != "running") {
    throw DataError(path + ": status '" + fields["status"] + "' is not running or complete");
  }
  file.complete = fields["status"] == "complete";
  file.nhb2_version = fields["nhb2_version"];
  file.binary_checksum = fields["binary_xxh3"];
  file.config_checksum = fields["config_xxh3"];
  return file;
}

std::vector<ShardFile> read_shard_files(const std::string& dir) {
  std::vector<ShardFile> files;
  std::error_code ec;
  const fs::path shards = fs::path(dir) / "shards";
  if (!fs::is_directory(shards, ec)) return files;
  for (const auto& entry : fs::directory_iterator(shards, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 4 || name.compare(name.size() - 4, 4, ".txt") != 0) continue;
    files.push_back(parse_shard_file(read_file(entry.path().string()), entry.path().string()));
  }
  std::sort(files.begin(), files.end(), [](const ShardFile& a, const ShardFile& b) {
    return a.shard.count != b.shard.count ? a.shard.count < b.shard.count
                                          : a.shard.index < b.shard.index;
  });
  return files;
}

void check_shard_files(const std::string& dir, const std::vector<ShardFile>& existing,
                       const ShardFile& mine) {
  for (const ShardFile& other : existing) {
    const std::string where = dir + "/" + shard_file_path(other.shard);
    const auto refuse = [&](const std::string& what, const std::string& theirs,
                            const std::string& ours) {
      throw ConfigError("the output folder '" + dir + "' holds shards of another " + what + ": " +
                        where + " has " + theirs + ", this sweep has " + ours +
                        "; shards can be combined only when they come from the same config, "
                        "shard count and nhb2 binary. Use another folder (--out DIR)");
    };
    if (mine.shard.count > 1 && other.shard.count != mine.shard.count) {
      refuse("shard count", "N = " + std::to_string(other.shard.count),
             "N = " + std::to_string(mine.shard.count));
    }
    if (other.config_checksum != mine.config_checksum) {
      refuse("config", "config_xxh3 " + other.config_checksum,
             "config_xxh3 " + mine.config_checksum);
    }
    if (other.nhb2_version != mine.nhb2_version) {
      refuse("nhb2 version", "nhb2 " + other.nhb2_version, "nhb2 " + mine.nhb2_version);
    }
    if (other.binary_checksum != mine.binary_checksum) {
      refuse("nhb2 binary", "binary_xxh3 " + other.binary_checksum,
             "binary_xxh3 " + mine.binary_checksum);
    }
  }
}

std::string missing_shards_message(const std::vector<ShardFile>& existing,
                                   const std::vector<std::size_t>& missing_tasks,
                                   std::size_t total) {
  if (existing.empty()) {
    if (missing_tasks.empty()) return "";
    return std::to_string(missing_tasks.size()) + " of " + std::to_string(total) +
           " runs are missing and no shard file is there (shards/<K>-of-<N>.txt): run the "
           "shards (--shard K/N) into this folder first";
  }
  const int count = existing.front().shard.count;
  std::vector<int> done_runs(static_cast<std::size_t>(count), 0);
  std::vector<int> shard_total(static_cast<std::size_t>(count), 0);
  std::vector<char> has_missing(static_cast<std::size_t>(count), 0);
  for (std::size_t t = 0; t < total; ++t) ++shard_total[t % static_cast<std::size_t>(count)];
  for (std::size_t t : missing_tasks) has_missing[t % static_cast<std::size_t>(count)] = 1;
  std::vector<const ShardFile*> file_of(static_cast<std::size_t>(count), nullptr);
  for (const ShardFile& f : existing) file_of[static_cast<std::size_t>(f.shard.index)] = &f;
  std::vector<std::size_t> missing_per_shard(static_cast<std::size_t>(count), 0);
  for (std::size_t t : missing_tasks) ++missing_per_shard[t % static_cast<std::size_t>(count)];
  std::vector<std::string> clauses;
  for (int k = 0; k < count; ++k) {
    const std::size_t i = static_cast<std::size_t>(k);
    const std::string name = "shard " + format_shard(SweepShard{k, count});
    const std::string saved =
        std::to_string(shard_total[i] - static_cast<int>(missing_per_shard[i])) + " of " +
        std::to_string(shard_total[i]) + " runs saved";
    if (!file_of[i]) {
      clauses.push_back(name + " has not run (" + saved + ")");
    } else if (!file_of[i]->complete) {
      clauses.push_back(name + " is incomplete (" + saved + "; finish it with --resume)");
    } else if (has_missing[i]) {
      clauses.push_back(name + " is marked complete but runs are missing (" + saved +
                        "; rerun it with --resume)");
    }
  }
  if (clauses.empty()) return "";
  std::string message = std::to_string(clauses.size()) + " of " + std::to_string(count) +
                        (clauses.size() == 1 ? " shards is" : " shards are") + " missing: ";
  for (std::size_t i = 0; i < clauses.size(); ++i) message += (i ? "; " : "") + clauses[i];
  return message;
}

}  // namespace nhb2
