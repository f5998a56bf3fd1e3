// `nhb2 report` on a multi-objective sweep folder: it rebuilds the fronts, hypervolume curves and
// multi-objective summary byte for byte, and refuses data other than the sweep's.

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
    "name: mo_rebuilt\n"
    "budget: 3000\n"
    "runs: 3\n"
    "master_seed: 4\n"
    "curve_points: 10\n"
    "objectives: [valid_acc, flops]\n"
    "optimizers:\n"
    "  - optimizer: mo_random_search\n"
    "  - optimizer: parego\n"
    "    params: {n_initial: 3, n_candidates: 50}\n";

const char* const kMoFiles[] = {"exact_front.csv", "fronts.csv",    "hypervolume_curves.csv",
                                "mo_summary.csv",  "mo_summary.md", "report.html"};

std::string q(const std::string& path) {
  return "'" + path + "'";
}

std::string mo_sweep(const TempDir& dir) {
  const std::string config = dir.file("config.yaml");
  std::ofstream(config) << kConfig;
  const std::string out = dir.file("out");
  const auto result = run_cli("sweep " + q(config) + " --no-plots --quiet --out " + q(out));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return out;
}

}  // namespace

TEST_CASE("nhb2 report rebuilds a multi-objective sweep's outputs byte for byte", "[report][mo]") {
  TempDir dir;
  const std::string out = mo_sweep(dir);
  std::vector<std::string> before;
  for (const char* name : kMoFiles) before.push_back(read_text(out + "/" + name));
  for (const char* name : kMoFiles) fs::remove(out + "/" + name);
  const auto result = run_cli("report " + q(out) + " --no-plots");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Contains("# Multi-objective summary: mo_rebuilt") &&
                             Contains("| parego |") && Contains("fronts.csv"));
  for (std::size_t i = 0; i < before.size(); ++i) {
    INFO(kMoFiles[i]);
    CHECK(read_text(out + "/" + kMoFiles[i]) == before[i]);
  }
  // report.html shows the multi-objective results.
  const std::string html = read_text(out + "/report.html");
  CHECK_THAT(html, Contains("<h2 id=\"multi-objective\">") &&
                       Contains("<a href=\"#multi-objective\">") &&
                       Contains("final fronts against the exact front") &&
                       Contains("hypervolume of the queries so far") &&
                       Contains("flops (MFLOPs)") && Contains("<td>parego</td>"));
}

TEST_CASE("nhb2 report refuses a malformed fronts.csv naming file and line, before writing",
          "[report][mo]") {
  TempDir dir;
  const std::string out = mo_sweep(dir);
  std::string text = read_text(out + "/hypervolume_curves.csv");
  const auto at = text.find("\nparego,");
  REQUIRE(at != std::string::npos);
  text.replace(at, 8, "\nparego,x");
  std::ofstream(out + "/hypervolume_curves.csv", std::ios::trunc) << text;
  // The curves file is rebuilt from the records before the page reads it: the page is fine.
  CHECK(run_cli("report " + q(out) + " --no-plots").exit_code == 0);
  // A single-objective folder with multi-objective files of its own is read as they are.
  std::string resolved = read_text(out + "/resolved.yaml");
  resolved.replace(resolved.find("objectives: [valid_acc, flops]\n"), 31, "");
  std::ofstream(out + "/resolved.yaml", std::ios::trunc) << resolved;
  std::string fronts = read_text(out + "/fronts.csv");
  fronts.replace(fronts.find("\nparego,0,"), 10, "\nparego,zero,");
  std::ofstream(out + "/fronts.csv", std::ios::trunc) << fronts;
  fs::remove(out + "/report.html");
  const auto result = run_cli("report " + q(out) + " --no-plots");
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Contains("fronts.csv:") && Contains("'zero' is not a number"));
  CHECK_FALSE(fs::exists(out + "/report.html"));
}

TEST_CASE("nhb2 report refuses a multi-objective folder whose resolved.yaml names other data",
          "[report][mo]") {
  TempDir dir;
  const std::string out = mo_sweep(dir);
  const std::string resolved = out + "/resolved.yaml";
  std::string text = read_text(resolved);
  const std::string from = "data: {synthetic: {seed: 1}}";
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), "data: {synthetic: {seed: 2}}");
  std::ofstream(resolved, std::ios::trunc) << text;
  fs::remove(out + "/fronts.csv");
  fs::remove(out + "/report.html");
  const auto result = run_cli("report " + q(out) + " --no-plots");
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err,
             Contains("resolved.yaml") && Contains("is not the data the sweep ran on (checksum "));
  // Refused before anything was written.
  CHECK_FALSE(fs::exists(out + "/fronts.csv"));
  CHECK_FALSE(fs::exists(out + "/report.html"));
}
