// Sweep configs: defaults, resolution of optimizer parameters, and one clear message (file, line,
// key) for each kind of bad input.

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/experiments/sweep_config.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace nhb2;
using Catch::Matchers::Contains;

namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_sweep_config(yaml, "bad.yaml", builtin_optimizers());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

const Benchmark& synthetic() {
  static const Benchmark benchmark = Benchmark::synthetic(1);
  return benchmark;
}

const char* const kMinimal = "optimizers:\n  - optimizer: random_search\n";

}  // namespace

TEST_CASE("a minimal sweep config gets every default", "[sweep]") {
  const SweepConfig c = parse_sweep_config(kMinimal, "configs/minimal.yaml", builtin_optimizers());
  CHECK(c.name == "minimal");
  CHECK(c.data.synthetic);
  CHECK(c.data.synthetic_seed == 1);
  CHECK(c.budget_seconds == 20000.0);
  CHECK(c.runs == 10);
  CHECK(c.master_seed == 0);
  CHECK(c.seed_policy == SeedPolicy::fixed);
  CHECK(c.report_epochs == std::vector<int>{12, 200});
  CHECK(c.curve_points == 100);
  CHECK(c.output == "results/minimal");
  REQUIRE(c.optimizers.size() == 1);
  CHECK(c.optimizers[0].label == "random_search");
}

TEST_CASE("optimizer parameters are resolved with every declared default", "[sweep]") {
  const SweepConfig c = parse_sweep_config(
      "name: t\n"
      "data: {synthetic: {seed: 7}}\n"
      "budget: 500.5\n"
      "runs: 3\n"
      "master_seed: 42\n"
      "seed_policy: mean\n"
      "report_epochs: [200]\n"
      "optimizers:\n"
      "  - optimizer: regularized_evolution\n"
      "    label: rea\n"
      "    params: {population_size: 20}\n",
      "t.yaml", builtin_optimizers());
  CHECK(c.data.synthetic_seed == 7);
  CHECK(c.budget_seconds == 500.5);
  CHECK(c.master_seed == 42);
  CHECK(c.seed_policy == SeedPolicy::mean);
  CHECK(c.report_epochs == std::vector<int>{200});
  REQUIRE(c.optimizers.size() == 1);
  const ParamAssignments expected = {{"population_size", "20"}, {"sample_size", "3"}};
  CHECK(c.optimizers[0].params == expected);
}

TEST_CASE("resolved.yaml reads back as the same config", "[sweep]") {
  const SweepConfig c = parse_sweep_config(
      "name: t\nbudget: 1234.5\nruns: 2\noptimizers:\n  - optimizer: random_search\n    label: "
      "rs\n",
      "t.yaml", builtin_optimizers());
  const Benchmark& benchmark = synthetic();
  const std::string text = resolved_yaml(c, benchmark, "test");
  CHECK_THAT(text, Contains("data_checksum: " + benchmark.checksum()));
  CHECK_THAT(text, Contains("nhb2_version: test"));
  CHECK_THAT(text, Contains("synthetic"));
  const SweepConfig back = parse_sweep_config(text, "resolved.yaml", builtin_optimizers());
  CHECK(describe_fingerprint_changes(sweep_fingerprint(c, benchmark),
                                     sweep_fingerprint(back, benchmark)) == "");
}

TEST_CASE("malformed YAML is reported with file and line", "[sweep]") {
  const std::string message = error_of("name: t\noptimizers: [\n  {optimizer: random_search\n");
  CHECK_THAT(message, Contains("bad.yaml:"));
  CHECK_THAT(message, Contains("malformed YAML"));
}

TEST_CASE("an unknown key gets its line and a did-you-mean", "[sweep]") {
  const std::string message = error_of("name: t\nbudgett: 100\noptimizers: []\n");
  CHECK_THAT(message, Contains("bad.yaml:2:1"));
  CHECK_THAT(message, Contains("unknown key 'budgett'"));
  CHECK_THAT(message, Contains("did you mean 'budget'"));
}

TEST_CASE("an unknown key inside an optimizer entry is named with its path", "[sweep]") {
  const std::string message =
      error_of("optimizers:\n  - optimizer: random_search\n    lable: rs\n");
  CHECK_THAT(message, Contains("bad.yaml:3:5"));
  CHECK_THAT(message, Contains("optimizers[0].lable"));
  CHECK_THAT(message, Contains("did you mean 'label'"));
}

TEST_CASE("a value of the wrong type names the key and what was expected", "[sweep]") {
  CHECK_THAT(error_of("budget: lots\noptimizers:\n  - optimizer: random_search\n"),
             Contains("bad.yaml:1:9: key 'budget': expected a number, got 'lots'"));
  CHECK_THAT(error_of("runs: 2.5\noptimizers:\n  - optimizer: random_search\n"),
             Contains("bad.yaml:1:7: key 'runs': expected an integer"));
  CHECK_THAT(error_of("runs: [1]\noptimizers:\n  - optimizer: random_search\n"),
             Contains("key 'runs': expected an integer, got a list"));
  CHECK_THAT(error_of("optimizers: random_search\n"),
             Contains("bad.yaml:1:13: key 'optimizers': expected a non-empty list"));
}

TEST_CASE("a budget <= 0 and runs <= 0 are refused", "[sweep]") {
  CHECK_THAT(error_of("budget: 0\noptimizers:\n  - optimizer: random_search\n"),
             Contains("bad.yaml:1:9: key 'budget': must be a positive number"));
  CHECK_THAT(error_of("budget: -5\noptimizers:\n  - optimizer: random_search\n"),
             Contains("key 'budget'"));
  CHECK_THAT(error_of("runs: 0\noptimizers:\n  - optimizer: random_search\n"),
             Contains("bad.yaml:1:7: key 'runs': must be an integer in [1, 1000000]"));
}

TEST_CASE("an unknown optimizer gets the known names and a did-you-mean", "[sweep]") {
  const std::string message = error_of("optimizers:\n  - optimizer: random_serch\n");
  CHECK_THAT(message, Contains("bad.yaml:2:16: key 'optimizers[0].optimizer'"));
  CHECK_THAT(message, Contains("unknown optimizer 'random_serch'"));
  CHECK_THAT(message, Contains("did you mean 'random_search'"));
}

TEST_CASE("an unknown or invalid optimizer parameter points at its own line", "[sweep]") {
  const std::string unknown = error_of(
      "optimizers:\n  - optimizer: random_search\n  - optimizer: regularized_evolution\n"
      "    params:\n      population_size: 10\n      sample_sise: 3\n");
  CHECK_THAT(unknown, Contains("bad.yaml:6:7: key 'optimizers[1].params.sample_sise'"));
  CHECK_THAT(unknown, Contains("did you mean 'sample_size'"));
  const std::string out_of_range = error_of(
      "optimizers:\n  - optimizer: regularized_evolution\n    params: {population_size: 1}\n");
  CHECK_THAT(out_of_range, Contains("bad.yaml:3:14: key 'optimizers[0].params.population_size'"));
}

TEST_CASE("a missing data file is named", "[sweep]") {
  const std::string message =
      error_of("data: /nonexistent/bench.nhb2\noptimizers:\n  - optimizer: random_search\n");
  CHECK_THAT(message, Contains("bad.yaml:1:7: key 'data'"));
  CHECK_THAT(message, Contains("/nonexistent/bench.nhb2"));
  CHECK_THAT(message, Contains("does not exist"));
}

TEST_CASE("bad seed policies, report epochs and duplicate labels are refused", "[sweep]") {
  CHECK_THAT(error_of("seed_policy: fixd\noptimizers:\n  - optimizer: random_search\n"),
             Contains("key 'seed_policy': 'fixd' is not allowed (did you mean 'fixed'?)"));
  CHECK_THAT(error_of("report_epochs: [12, 100]\noptimizers:\n  - optimizer: random_search\n"),
             Contains("bad.yaml:1:21: key 'report_epochs': epoch 100 is not allowed"));
  CHECK_THAT(
      error_of("optimizers:\n  - optimizer: random_search\n  - optimizer: random_search\n"),
      Contains("bad.yaml:3:5: key 'optimizers[1].label': label 'random_search' is used twice"));
  CHECK_THAT(error_of("name: t\n"), Contains("key 'optimizers' is missing"));
}

TEST_CASE("a fingerprint change names each changed key", "[sweep]") {
  const Benchmark& benchmark = synthetic();
  const SweepConfig a = parse_sweep_config(
      "budget: 100\noptimizers:\n  - optimizer: random_search\n", "a.yaml", builtin_optimizers());
  const SweepConfig b = parse_sweep_config(
      "budget: 200\noptimizers:\n  - optimizer: random_search\n", "a.yaml", builtin_optimizers());
  const Fingerprint before = parse_fingerprint(format_fingerprint(sweep_fingerprint(a, benchmark)));
  CHECK(describe_fingerprint_changes(before, sweep_fingerprint(a, benchmark)) == "");
  CHECK(describe_fingerprint_changes(before, sweep_fingerprint(b, benchmark)) ==
        "budget: 100 → 200");
}
