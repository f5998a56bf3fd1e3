// Sweep shards (--shard K/N, --merge): the combined folder is byte for byte the folder of one
// unsharded sweep, whatever N and the order the shards ran in, and mixing shards is refused.

#include "test_support.hpp"

#include <nhb2/core/error.hpp>
#include <nhb2/experiments/sweep_shard.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

using nhb2::test::CliResult;
using nhb2::test::read_text;
using nhb2::test::run_shell;
using nhb2::test::TempDir;

namespace {

namespace fs = std::filesystem;

// 3 optimizers × 3 runs = 9 tasks, a fraction of a second.
const char* const kConfig =
    "name: sharded\n"
    "budget: 4000\n"
    "runs: 3\n"
    "master_seed: 5\n"
    "optimizers:\n"
    "  - optimizer: random_search\n"
    "  - optimizer: regularized_evolution\n"
    "  - optimizer: hyperband\n";

// Every regular file under `dir`, by relative path.
std::map<std::string, std::string> folder_files(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    files[fs::relative(entry.path(), dir).string()] = read_text(entry.path().string());
  }
  return files;
}

void check_same_folder(const std::string& actual, const std::string& expected) {
  const auto a = folder_files(actual);
  const auto e = folder_files(expected);
  std::vector<std::string> names_a;
  std::vector<std::string> names_e;
  for (const auto& [name, text] : a) names_a.push_back(name);
  for (const auto& [name, text] : e) names_e.push_back(name);
  REQUIRE(names_a == names_e);
  for (const auto& [name, text] : e) {
    INFO(name);
    CHECK(a.at(name) == text);
  }
}

// Sweeps into `out`, given to nhb2 as the relative path "out" (resolved.yaml records the path as
// given, so folders compared byte for byte must be named alike): `out` is "<folder>/out".
CliResult sweep(const std::string& config, const std::string& out, const std::string& extra) {
  const fs::path path(out);
  fs::create_directories(path.parent_path());
  return run_shell("cd '" + path.parent_path().string() + "' && nhb2 sweep '" + config +
                   "' --quiet --no-plots --jobs 2 --out '" + path.filename().string() + "' " +
                   extra);
}

struct Fixture {
  TempDir dir;
  std::string config = dir.file("sharded.yaml");
  std::string reference = dir.file("reference/out");
  explicit Fixture(const char* config_text = kConfig) {
    std::ofstream(config) << config_text;
    const auto result = sweep(config, reference, "");
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
  }
};

}  // namespace

TEST_CASE("parse_shard reads K/N with 0 <= K < N", "[sweep][shard]") {
  const nhb2::SweepShard s = nhb2::parse_shard("2/5");
  CHECK(s.index == 2);
  CHECK(s.count == 5);
  CHECK(nhb2::format_shard(s) == "2/5");
  CHECK(nhb2::parse_shard("0/1").count == 1);
  for (const char* bad : {"3/2", "2/2", "0/0", "a/b", "1/0", "-1/2", "1/-2", "", "1", "1/2/3",
                          "1/ 2", "0/1000001", "99999999999/2"}) {
    INFO(bad);
    CHECK_THROWS_AS(nhb2::parse_shard(bad), nhb2::InvalidArgument);
  }
}

TEST_CASE("shards 0 .. N-1 hold every task exactly once", "[sweep][shard]") {
  for (int n : {1, 2, 3, 7}) {
    std::vector<int> owners(20, 0);
    for (int k = 0; k < n; ++k) {
      for (std::size_t t = 0; t < owners.size(); ++t) {
        owners[t] += nhb2::shard_holds({k, n}, t) ? 1 : 0;
      }
    }
    for (int owned : owners) CHECK(owned == 1);
  }
}

TEST_CASE("nhb2 sweep refuses a malformed --shard, saying what is allowed",
          "[sweep][shard][errors]") {
  TempDir dir;
  const std::string config = dir.file("c.yaml");
  std::ofstream(config) << kConfig;
  for (const char* bad : {"3/2", "0/0", "a/b", "1/0", "-1/2"}) {
    INFO(bad);
    const auto result = sweep(config, dir.file("bad/out"), std::string("--shard=") + bad);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains(std::string("--shard '") + bad + "'"));
    CHECK_THAT(result.err, Catch::Contains("allowed: K/N with integers 0 <= K < N"));
    CHECK_FALSE(fs::exists(dir.file("bad/out")));
  }
  const auto both = sweep(config, dir.file("bad/out"), "--shard 0/2 --merge");
  CHECK(both.exit_code == 2);
  CHECK_THAT(both.err, Catch::Contains("--merge"));
}

TEST_CASE("merged shards equal one unsharded sweep byte for byte, for N = 1, 2, 3 and 12",
          "[sweep][shard]") {
  Fixture f;
  for (int n : {1, 2, 3}) {
    INFO("N = " << n);
    const std::string out = f.dir.file("shards-" + std::to_string(n) + "/out");
    // Shards in reverse order: the order they run in does not matter.
    for (int k = n - 1; k >= 0; --k) {
      const auto result =
          sweep(f.config, out, "--shard " + std::to_string(k) + "/" + std::to_string(n));
      INFO(result.err);
      REQUIRE(result.exit_code == 0);
      if (n > 1) CHECK_THAT(result.out, Catch::Contains("--merge"));
    }
    const auto merged = sweep(f.config, out, "--merge");
    INFO(merged.err);
    REQUIRE(merged.exit_code == 0);
    check_same_folder(out, f.reference);
  }
  // N = 12 > 9 runs (three shards have none), all started at once into one folder, as a job
  // array does.
  fs::create_directories(f.dir.file("shards-12"));
  const auto together = run_shell(
      "cd '" + f.dir.file("shards-12") + "' && pids=; for k in $(seq 0 11); do nhb2 sweep '" +
      f.config +
      "' --quiet --no-plots --jobs 1 --out out --shard $k/12 >/dev/null & pids=\"$pids $!\"; "
      "done; for p in $pids; do wait $p || exit 1; done; nhb2 sweep '" +
      f.config + "' --quiet --no-plots --out out --merge >/dev/null");
  INFO(together.err);
  REQUIRE(together.exit_code == 0);
  check_same_folder(f.dir.file("shards-12/out"), f.reference);
}

TEST_CASE("a killed shard resumes, and the merge equals the unsharded sweep", "[sweep][shard]") {
  // 2 optimizers × 60 runs: shard 0/2 runs its 30 fast random searches, then 30 slower BOHB
  // runs, long enough (a few tenths of a second) to be killed half-way.
  Fixture f(
      "name: killed\nbudget: 20000\nruns: 60\nmaster_seed: 9\noptimizers:\n"
      "  - optimizer: random_search\n  - optimizer: bohb\n");
  const std::string out = f.dir.file("killed/out");
  bool interrupted = false;
  for (int attempt = 0; attempt < 5 && !interrupted; ++attempt) {
    fs::remove_all(f.dir.file("killed"));
    fs::create_directories(f.dir.file("killed"));
    REQUIRE(sweep(f.config, out, "--shard 1/2").exit_code == 0);
    // SIGKILL to shard 0/2 itself (not to a shell around it) once it has saved a run.
    const auto killed = run_shell(
        "cd '" + f.dir.file("killed") + "' && { '" + NHB2_CLI_PATH + "' sweep '" + f.config +
        "' --quiet --no-plots --jobs 1 --out out --shard 0/2 & pid=$!\n"
        "while [ ! -e out/runs/random_search/0.csv ] && kill -0 $pid 2>/dev/null; do "
        "sleep 0.001; done\nkill -9 $pid 2>/dev/null; wait $pid; }");
    CHECK(killed.exit_code == 137);
    interrupted =
        read_text(out + "/shards/0-of-2.txt").find("status: running") != std::string::npos;
  }
  if (!interrupted) {
    // The shard always finished before the kill landed (a very fast machine): leave what a kill
    // leaves instead, a shard file saying running, missing checkpoints and a temporary.
    std::string shard_file = read_text(out + "/shards/0-of-2.txt");
    shard_file.replace(shard_file.find("status: complete"), 16, "status: running");
    std::ofstream(out + "/shards/0-of-2.txt", std::ios::binary) << shard_file;
    for (int run : {10, 20, 30, 40}) fs::remove(out + "/runs/bohb/" + std::to_string(run) + ".csv");
    std::ofstream(out + "/runs/bohb/10.csv.tmp-1-2") << "half a checkpoint";
  }
  const auto again = sweep(f.config, out, "--shard 0/2");
  CHECK(again.exit_code == 2);
  CHECK_THAT(again.err, Catch::Contains("shard 0/2 already ran"));
  const auto early = sweep(f.config, out, "--merge");
  CHECK(early.exit_code == 2);
  CHECK_THAT(early.err, Catch::Contains("shard 0/2 is incomplete"));
  CHECK_FALSE(fs::exists(out + "/runs.csv"));
  const auto resumed = sweep(f.config, out, "--shard 0/2 --resume");
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  REQUIRE(sweep(f.config, out, "--merge").exit_code == 0);
  check_same_folder(out, f.reference);
}

TEST_CASE("merging names the missing shards and writes nothing", "[sweep][shard][errors]") {
  TempDir dir;
  const std::string config = dir.file("c.yaml");
  std::ofstream(config) << kConfig;
  const std::string out = dir.file("out");
  REQUIRE(sweep(config, out, "--shard 1/3").exit_code == 0);
  const auto before = folder_files(out);
  const auto result = sweep(config, out, "--merge");
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("2 of 3 shards are missing"));
  CHECK_THAT(result.err, Catch::Contains("shard 0/3 has not run (0 of 3 runs saved)"));
  CHECK_THAT(result.err, Catch::Contains("shard 2/3 has not run"));
  CHECK(folder_files(out) == before);
  const auto report = run_shell("nhb2 report '" + out + "'");
  CHECK(report.exit_code == 2);
  CHECK_THAT(report.err, Catch::Contains("holds the shards of a sweep, not yet combined"));
  const auto empty = sweep(config, dir.file("none/out"), "--merge");
  CHECK(empty.exit_code == 2);
  CHECK_THAT(empty.err, Catch::Contains("holds no sweep"));
}

TEST_CASE(
    "shards of another config, shard count or binary are refused and nothing is "
    "overwritten",
    "[sweep][shard][errors]") {
  TempDir dir;
  const std::string config = dir.file("c.yaml");
  std::ofstream(config) << kConfig;
  const std::string other = dir.file("other.yaml");
  std::string other_text = kConfig;
  other_text.replace(other_text.find("budget: 4000"), 12, "budget: 5000");
  std::ofstream(other) << other_text;
  const std::string out = dir.file("out");
  REQUIRE(sweep(config, out, "--shard 0/2").exit_code == 0);
  const auto before = folder_files(out);

  const auto changed = sweep(other, out, "--shard 1/2");
  CHECK(changed.exit_code == 2);
  CHECK_THAT(changed.err, Catch::Contains("budget: 4000 → 5000"));
  CHECK(folder_files(out) == before);

  const auto count = sweep(config, out, "--shard 1/3");
  CHECK(count.exit_code == 2);
  CHECK_THAT(count.err, Catch::Contains("another shard count"));
  CHECK_THAT(count.err, Catch::Contains("N = 2"));
  CHECK(folder_files(out) == before);

  // A shard file written by another build of nhb2.
  const std::string shard_file = out + "/shards/0-of-2.txt";
  std::string text = read_text(shard_file);
  const auto at = text.find("binary_xxh3: ");
  REQUIRE(at != std::string::npos);
  text.replace(at + 13, 16, "0123456789abcdef");
  std::ofstream(shard_file, std::ios::binary) << text;
  const auto tampered = folder_files(out);
  for (const char* args : {"--shard 1/2", "--merge"}) {
    INFO(args);
    const auto binary = sweep(config, out, args);
    CHECK(binary.exit_code == 2);
    CHECK_THAT(binary.err, Catch::Contains("another nhb2 binary"));
    CHECK_THAT(binary.err, Catch::Contains("binary_xxh3 0123456789abcdef"));
    CHECK(folder_files(out) == tampered);
  }
}

TEST_CASE("an unsharded --resume finishes a folder of shards like a merge", "[sweep][shard]") {
  Fixture f;
  const std::string out = f.dir.file("partial/out");
  REQUIRE(sweep(f.config, out, "--shard 1/2").exit_code == 0);
  const auto finished = sweep(f.config, out, "--resume");
  INFO(finished.err);
  REQUIRE(finished.exit_code == 0);
  CHECK_THAT(finished.out, Catch::Contains("4 of 9 runs resumed"));
  check_same_folder(out, f.reference);
}
