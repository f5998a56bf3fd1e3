// `nhb2 oracle`, and the analysis files and report.html that `nhb2 sweep` and `nhb2 report`
// write: reproducible byte for byte, and refused with file and line on bad input.

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using Catch::Matchers::Contains;
using nhb2::test::read_text;
using nhb2::test::run_cli;
using nhb2::test::TempDir;

namespace {

namespace fs = std::filesystem;

const char* const kConfig =
    "name: analysed\n"
    "budget: 2500\n"
    "runs: 4\n"
    "master_seed: 2\n"
    "curve_points: 12\n"
    "report_epochs: [12, 200]\n"
    "optimizers:\n"
    "  - optimizer: random_search\n"
    "    label: rs\n"
    "  - optimizer: local_search\n"
    "    label: ls\n";

const char* const kAnalysisFiles[] = {"space.csv",     "regret.csv",  "regret_curves.csv",
                                      "statistics.md", "report.html", "trajectory_regret.csv"};

std::string q(const std::string& path) {
  return "'" + path + "'";
}

std::string sweep(const TempDir& dir, const std::string& name, const std::string& jobs = "1") {
  const std::string config = dir.file("config.yaml");
  std::ofstream(config) << kConfig;
  const std::string out = dir.file(name);
  const auto result =
      run_cli("sweep " + q(config) + " --no-plots --quiet --jobs " + jobs + " --out " + q(out));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return out;
}

// Replaces the first occurrence of `from` in a file.
void edit(const std::string& path, const std::string& from, const std::string& to) {
  std::string text = read_text(path);
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  std::ofstream(path, std::ios::trunc) << text;
}

}  // namespace

TEST_CASE("nhb2 oracle prints the optimum, its configurations and the percentiles", "[oracle]") {
  const auto text = run_cli("oracle");
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Contains("source:    synthetic"));
  CHECK_THAT(text.out, Contains("test_acc_12@222"));
  CHECK_THAT(text.out, Contains("avg_acc_200"));
  CHECK_THAT(text.out, Contains("proxy"));
  const auto json = run_cli("oracle --json");
  REQUIRE(json.exit_code == 0);
  CHECK_THAT(json.out, Contains("\"num_best_configs\""));
  CHECK_THAT(json.out, Contains("\"99.9\""));
  CHECK_THAT(json.out, Contains("\"proxy_gap_200\""));
}

TEST_CASE("nhb2 oracle refuses a missing data file with exit 2", "[oracle]") {
  const auto result = run_cli("oracle --data /nonexistent/x.nhb2");
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Contains("/nonexistent/x.nhb2"));
}

TEST_CASE("a sweep writes the analysis and report.html, the same for --jobs 1 and 2", "[report]") {
  TempDir dir;
  const std::string one = sweep(dir, "one", "1");
  const std::string two = sweep(dir, "two", "2");
  for (const char* name : kAnalysisFiles) {
    INFO(name);
    CHECK(read_text(one + "/" + name) == read_text(two + "/" + name));
  }
  const std::string html = read_text(one + "/report.html");
  CHECK_THAT(html, Contains("Regret against the exact optimum"));
  CHECK_THAT(html, Contains("synthetic"));
  CHECK(html.find(one) == std::string::npos);  // the page does not depend on where it lies
  CHECK_THAT(read_text(one + "/summary.csv"), Contains(",regret_12_mean,regret_200_mean\n"));
  CHECK_THAT(read_text(one + "/summary.md"),
             Contains("| regret, 12 epochs | regret, 200 epochs |"));
  CHECK_THAT(read_text(one + "/regret.csv"), Contains("optimizer,run,regret_12,percentile_12,"
                                                      "regret_200,percentile_200,proxy_gap_200"));
}

TEST_CASE("nhb2 report rebuilds report.html and the analysis byte for byte", "[report]") {
  TempDir dir;
  const std::string out = sweep(dir, "out");
  std::vector<std::string> before;
  for (const char* name : kAnalysisFiles) before.push_back(read_text(out + "/" + name));
  for (const char* name : kAnalysisFiles) {
    if (std::string(name) != "space.csv") fs::remove(out + "/" + name);
  }
  const auto result = run_cli("report " + q(out) + " --no-plots");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Contains("report.html"));
  for (std::size_t i = 0; i < before.size(); ++i) {
    INFO(kAnalysisFiles[i]);
    CHECK(read_text(out + "/" + kAnalysisFiles[i]) == before[i]);
  }
}

TEST_CASE("nhb2 report on truncated or edited CSVs exits 2 naming file and line, no report",
          "[report]") {
  TempDir dir;
  const std::string out = sweep(dir, "out");
  SECTION("a truncated trajectories.csv") {
    const std::string path = out + "/trajectories.csv";
    const std::string text = read_text(path);
    std::ofstream(path, std::ios::trunc) << text.substr(0, text.size() - 40);
  }
  SECTION("an edited number in runs.csv") {
    edit(out + "/runs.csv", "\nrs,1,", "\nrs,one,");
  }
  SECTION("an edited space.csv") {
    edit(out + "/space.csv", "12,50,", "12,5o,");
  }
  SECTION("a space.csv of other data") {
    edit(out + "/space.csv", "# checksum: ", "# checksum: 0");
  }
  fs::remove(out + "/report.html");
  const auto result = run_cli("report " + q(out) + " --no-plots");
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Contains(".csv:"));
  CHECK_FALSE(fs::exists(out + "/report.html"));
}
