// Nothing lost: a sweep killed with SIGKILL at arbitrary moments leaves only complete result
// files, and --resume then finishes with files identical to an uninterrupted sweep.

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using nhb2::test::read_text;
using nhb2::test::run_cli;
using nhb2::test::TempDir;

namespace {

namespace fs = std::filesystem;

// Long enough (about a second on 2 cores) for kills to land in every phase: start-up, runs,
// checkpoints and the final report.
const char* const kConfig =
    "name: killed\n"
    "budget: 20000\n"
    "runs: 150\n"
    "master_seed: 11\n"
    "optimizers:\n"
    "  - optimizer: random_search\n"
    "  - optimizer: regularized_evolution\n"
    "  - optimizer: bohb\n"
    "  - optimizer: local_search\n";

const char* const kFinalFiles[] = {"trajectories.csv", "runs.csv", "curves.csv", "summary.csv",
                                   "summary.md"};

// A result file is complete when it ends with a newline and, for a per-run checkpoint, with its
// END line, or, for an output CSV, when every data row has as many fields as its header — a
// half-written file would fail these.
void check_complete(const fs::path& file) {
  const std::string text = read_text(file.string());
  INFO(file.string());
  REQUIRE_FALSE(text.empty());
  CHECK(text.back() == '\n');
  if (file.parent_path().parent_path().filename() == "runs") {
    CHECK(text.size() >= 4);
    CHECK(text.compare(text.size() - 4, 4, "END\n") == 0);
    return;
  }
  if (file.extension() != ".csv") return;
  std::size_t header_fields = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    const std::size_t fields =
        static_cast<std::size_t>(std::count(line.begin(), line.end(), ',')) + 1;
    if (header_fields == 0) {
      header_fields = fields;
    } else if (fields != header_fields) {
      FAIL_CHECK("row with " << fields << " fields, header has " << header_fields << ": " << line);
      return;
    }
  }
}

}  // namespace

TEST_CASE("a sweep killed with SIGKILL resumes to the files of an uninterrupted sweep",
          "[sweep][kill]") {
  TempDir dir;
  const std::string config = dir.file("killed.yaml");
  std::ofstream(config) << kConfig;
  const std::string reference = dir.file("reference");
  const std::string killed = dir.file("killed");
  REQUIRE(run_cli("sweep '" + config + "' --quiet --no-plots --jobs 2 --out '" + reference + "'")
              .exit_code == 0);

  // Kill after increasing delays; each attempt resumes what the previous one left.
  int kills = 0;
  for (const char* delay : {"0.05", "0.2", "0.3", "0.4", "0.5", "0.6"}) {
    const bool started = fs::exists(fs::path(killed) / "sweep.fingerprint");
    const auto result =
        run_cli(std::string("sweep '") + config + "' --quiet --no-plots --jobs 2 --out '" + killed +
                    "'" + (started ? " --resume" : ""),
                std::string("timeout -s KILL ") + delay);
    INFO("delay " << delay << ": " << result.err);
    if (result.exit_code == 0) break;  // finished before the kill: nothing more to interrupt
    CHECK(result.exit_code == 137);    // 128 + SIGKILL, reported by timeout
    ++kills;
    // Whatever is there is complete: temporary files may remain, result files are whole.
    if (!fs::exists(killed)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(killed)) {
      const std::string name = entry.path().filename().string();
      if (!entry.is_regular_file() || name.find(".tmp") != std::string::npos) continue;
      check_complete(entry.path());
    }
  }
  CHECK(kills >= 2);

  const bool started = fs::exists(fs::path(killed) / "sweep.fingerprint");
  const auto finish = run_cli("sweep '" + config + "' --quiet --no-plots --jobs 2 --out '" +
                              killed + "'" + (started ? " --resume" : ""));
  INFO(finish.err);
  REQUIRE(finish.exit_code == 0);
  for (const char* name : kFinalFiles) {
    INFO(name);
    CHECK(read_text(killed + "/" + name) == read_text(reference + "/" + name));
  }
}

TEST_CASE("a sweep deletes only the temporaries it wrote itself", "[sweep]") {
  TempDir dir;
  const std::string config = dir.file("tiny.yaml");
  std::ofstream(config) << "budget: 2000\nruns: 2\noptimizers:\n  - optimizer: random_search\n";
  const std::string out = dir.file("out");
  fs::create_directories(out);
  std::ofstream(out + "/notes.tmp-keep") << "precious\n";
  std::ofstream(out + "/runs.csv.tmp-123-4") << "half a file";
  REQUIRE(run_cli("sweep '" + config + "' --quiet --no-plots --out '" + out + "'").exit_code == 0);
  CHECK(fs::exists(out + "/notes.tmp-keep"));
  CHECK_FALSE(fs::exists(out + "/runs.csv.tmp-123-4"));
}

TEST_CASE("nhb2 report refuses a runs.csv whose header lists impossible report epochs",
          "[sweep][errors]") {
  TempDir dir;
  const std::string config = dir.file("tiny.yaml");
  std::ofstream(config) << "budget: 2000\nruns: 2\noptimizers:\n  - optimizer: random_search\n";
  const std::string out = dir.file("out");
  REQUIRE(run_cli("sweep '" + config + "' --quiet --no-plots --out '" + out + "'").exit_code == 0);
  for (const char* file : {"/runs.csv", "/trajectories.csv"}) {
    std::string text = read_text(out + file);
    const std::string from = "# report_epochs: 12 200";
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), "# report_epochs: 12 12 12 12 12 12 12 12");
    std::ofstream(out + file, std::ios::binary) << text;
  }
  const auto result = run_cli("report '" + out + "'");
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("damaged"));
}
