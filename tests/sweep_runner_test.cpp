// The sweep runner through its API: paired seeds, determinism across thread counts, resume
// after an interruption, refusal of a changed config.

#include "test_support.hpp"

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/rng.hpp>
#include <nhb2/experiments/aggregate.hpp>
#include <nhb2/experiments/sweep_runner.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

using namespace nhb2;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using nhb2::test::read_text;
using nhb2::test::TempDir;

namespace {

const char* const kOutputs[] = {"trajectories.csv", "runs.csv", "curves.csv", "summary.csv",
                                "summary.md"};

SweepConfig small_config(const std::string& output, const std::string& budget = "3000") {
  std::string yaml = "name: small\nbudget: " + budget +
                     "\nruns: 4\nmaster_seed: 5\ncurve_points: 20\noptimizers:\n"
                     "  - optimizer: random_search\n    label: rs\n";
  // Optimizers other engineers add; used when present.
  if (builtin_optimizers().contains("regularized_evolution")) {
    yaml += "  - optimizer: regularized_evolution\n    label: rea\n";
  }
  if (builtin_optimizers().contains("bohb")) yaml += "  - optimizer: bohb\n";
  SweepConfig config = parse_sweep_config(yaml, "small.yaml", builtin_optimizers());
  config.output = output;
  config.output_location = "test";
  return config;
}

// Generated once for the whole file.
const Benchmark& synthetic() {
  static const Benchmark benchmark = Benchmark::synthetic(1);
  return benchmark;
}

SweepRunOptions quiet_options(int jobs) {
  SweepRunOptions options;
  options.jobs = jobs;
  options.report.plots = false;
  return options;
}

}  // namespace

TEST_CASE("a sweep gives every optimizer the same paired run seeds", "[sweep]") {
  TempDir dir;
  const SweepConfig config = small_config(dir.path());
  const Benchmark& benchmark = synthetic();
  const SweepOutcome outcome = run_sweep(config, benchmark, builtin_optimizers(), quiet_options(2));
  REQUIRE(outcome.complete);
  const SweepData data = read_sweep_results(dir.path());
  REQUIRE(data.runs.size() == config.optimizers.size() * 4);
  for (const RunRecord& r : data.runs) {
    CHECK(r.run_seed == run_seed(5, static_cast<std::uint64_t>(r.run)));
    REQUIRE_FALSE(r.queries.empty());
    CHECK(r.queries.back().total_cost >= 3000.0);
  }
  CHECK(data.header.data_kind == "synthetic");
  CHECK_THAT(read_text(dir.file("runs.csv")), StartsWith("# data: synthetic\n"));
}

TEST_CASE("a sweep's files are byte-identical with 1 and 3 threads", "[sweep]") {
  TempDir one, three;
  const Benchmark& benchmark = synthetic();
  run_sweep(small_config(one.path()), benchmark, builtin_optimizers(), quiet_options(1));
  run_sweep(small_config(three.path()), benchmark, builtin_optimizers(), quiet_options(3));
  for (const char* name : kOutputs) {
    INFO(name);
    CHECK(read_text(one.file(name)) == read_text(three.file(name)));
  }
}

TEST_CASE("an interrupted sweep resumes to the same files as an uninterrupted one", "[sweep]") {
  TempDir full, resumed;
  const Benchmark& benchmark = synthetic();
  run_sweep(small_config(full.path()), benchmark, builtin_optimizers(), quiet_options(2));

  SweepRunOptions interrupted = quiet_options(2);
  interrupted.max_new_runs = 3;
  const SweepOutcome first =
      run_sweep(small_config(resumed.path()), benchmark, builtin_optimizers(), interrupted);
  CHECK_FALSE(first.complete);
  CHECK(first.runs_done == 3);
  CHECK_FALSE(std::filesystem::exists(resumed.file("runs.csv")));

  SweepRunOptions resume = quiet_options(1);
  resume.resume = true;
  const SweepOutcome second =
      run_sweep(small_config(resumed.path()), benchmark, builtin_optimizers(), resume);
  CHECK(second.complete);
  CHECK(second.runs_resumed == 3);
  for (const char* name : kOutputs) {
    INFO(name);
    CHECK(read_text(full.file(name)) == read_text(resumed.file(name)));
  }
}

TEST_CASE("resume reruns runs whose checkpoints are missing", "[sweep]") {
  TempDir dir;
  const Benchmark& benchmark = synthetic();
  run_sweep(small_config(dir.path()), benchmark, builtin_optimizers(), quiet_options(2));
  const std::string before = read_text(dir.file("trajectories.csv"));
  std::filesystem::remove(dir.file(checkpoint_path("rs", 1)));
  std::filesystem::remove(dir.file(checkpoint_path("rs", 3)));
  std::filesystem::remove(dir.file("trajectories.csv"));
  SweepRunOptions resume = quiet_options(2);
  resume.resume = true;
  const SweepOutcome outcome =
      run_sweep(small_config(dir.path()), benchmark, builtin_optimizers(), resume);
  CHECK(outcome.runs_resumed == outcome.runs_total - 2);
  CHECK(read_text(dir.file("trajectories.csv")) == before);
}

TEST_CASE("a stop request starts no new run", "[sweep]") {
  TempDir dir;
  std::atomic<bool> stop{true};
  SweepRunOptions options = quiet_options(2);
  options.stop = &stop;
  const SweepOutcome outcome =
      run_sweep(small_config(dir.path()), synthetic(), builtin_optimizers(), options);
  CHECK_FALSE(outcome.complete);
  CHECK(outcome.runs_done == 0);
}

TEST_CASE("resume refuses a changed config and names the key", "[sweep]") {
  TempDir dir;
  const Benchmark& benchmark = synthetic();
  SweepRunOptions interrupted = quiet_options(1);
  interrupted.max_new_runs = 1;
  run_sweep(small_config(dir.path()), benchmark, builtin_optimizers(), interrupted);
  SweepRunOptions resume = quiet_options(1);
  resume.resume = true;
  CHECK_THROWS_WITH(
      run_sweep(small_config(dir.path(), "4000"), benchmark, builtin_optimizers(), resume),
      Contains("--resume refuses a changed config") && Contains("budget: 3000 → 4000"));
  // Without --resume an existing sweep folder is refused too.
  CHECK_THROWS_WITH(
      run_sweep(small_config(dir.path()), benchmark, builtin_optimizers(), quiet_options(1)),
      Contains("already holds a sweep") && Contains("--resume"));
}

TEST_CASE("report files are recomputed identically from the CSVs", "[sweep]") {
  TempDir dir;
  run_sweep(small_config(dir.path()), synthetic(), builtin_optimizers(), quiet_options(2));
  const SweepData data = read_sweep_results(dir.path());
  CHECK(curves_csv(data) == read_text(dir.file("curves.csv")));
  CHECK(summary_csv(data) == read_text(dir.file("summary.csv")));
  CHECK(summary_md(data) == read_text(dir.file("summary.md")));
  CHECK(trajectories_csv(data) == read_text(dir.file("trajectories.csv")));
  CHECK(runs_csv(data) == read_text(dir.file("runs.csv")));
}

TEST_CASE("the last curve point equals every run's final incumbent", "[sweep]") {
  TempDir dir;
  run_sweep(small_config(dir.path()), synthetic(), builtin_optimizers(), quiet_options(2));
  const SweepData data = read_sweep_results(dir.path());
  const auto curves = compute_curves(data);
  REQUIRE(curves.size() == data.header.labels.size());
  for (const auto& curve : curves) {
    const CurvePoint& last = curve.points.back();
    CHECK(last.n == 4);
    std::vector<double> finals;
    for (const RunRecord* r : runs_of(data, curve.label)) {
      finals.push_back(r->queries.back().incumbent_test_accs[0]);
      // Fixed seed policy: the curve's accuracy is the driver's final 12-epoch test accuracy.
      CHECK(r->queries.back().incumbent_test_accs[0] == r->test_accs[0]);
    }
    CHECK(last.test_acc[0].mean == mean(finals));
    CHECK(last.regret[0].mean == Approx(data.header.best_test_accs[0] - mean(finals)));
  }
}
