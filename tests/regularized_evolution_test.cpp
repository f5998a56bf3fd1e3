#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/algorithms/random_search.hpp>
#include <nhb2/algorithms/regularized_evolution.hpp>
#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/experiments/driver.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>

using namespace nhb2;

namespace {

int num_differences(const Config& a, const Config& b) {
  int n = 0;
  for (int d = 0; d < kNumDims; ++d) n += a.values[d] != b.values[d];
  return n;
}

// Generated once for all the tests of this file.
const Benchmark& synthetic_benchmark() {
  static const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  return benchmark;
}

Trial trial_of(const Config& config) {
  return Trial{config, kMaxEpochs, 0};
}

// Three configs that differ in every element, so a child names its parent unambiguously.
Config far_config(int k) {
  Config config;
  for (int d = 0; d < kNumDims; ++d) config.values[d] = static_cast<std::uint8_t>(k);
  return config;
}

}  // namespace

TEST_CASE("regularized evolution proposes random configs until the population is told", "[rea]") {
  const SearchSpace space;
  RegularizedEvolution rea(3, 2);
  rea.reset(space, make_rng(11));
  Rng expected = make_rng(11);
  // Nothing told: every ask, even beyond population_size, is a plain uniform sample.
  for (int i = 0; i < 6; ++i) CHECK(rea.ask().config == space.sample(expected));
  CHECK(rea.population().empty());
}

TEST_CASE("regularized evolution appends in tell order and removes the oldest member", "[rea]") {
  RegularizedEvolution rea(3, 2);
  rea.reset(SearchSpace(), make_rng(1));
  const Config a = Config::from_index(10), b = Config::from_index(20), c = Config::from_index(30),
               d = Config::from_index(40), e = Config::from_index(50);
  rea.tell(trial_of(a), {90.0, 100.0});  // the best member is still removed when oldest
  rea.tell(trial_of(b), {50.0, 100.0});
  rea.tell(trial_of(c), {60.0, 100.0});
  REQUIRE(rea.population().size() == 3);
  rea.tell(trial_of(d), {10.0, 100.0});
  REQUIRE(rea.population().size() == 3);
  CHECK(rea.population()[0].config == b);
  CHECK(rea.population()[1].config == c);
  CHECK(rea.population()[2].config == d);
  CHECK(rea.population()[2].valid_acc == 10.0);
  rea.tell(trial_of(e), {70.0, 100.0});
  CHECK(rea.population()[0].config == c);
  CHECK(rea.population()[2].config == e);
}

TEST_CASE("regularized evolution mutates the first best of a sample drawn with replacement",
          "[rea]") {
  const SearchSpace space;
  RegularizedEvolution rea(4, 3);
  rea.reset(space, make_rng(3));
  // Ties on purpose: the first maximum in draw order must win.
  const std::vector<double> accs = {50.0, 70.0, 70.0, 60.0};
  for (int k = 0; k < 4; ++k) rea.tell(trial_of(far_config(k)), {accs[k], 100.0});
  Rng expected = make_rng(3);
  for (int step = 0; step < 200; ++step) {
    int parent = uniform_index(expected, 4);
    for (int i = 1; i < 3; ++i) {
      const int candidate = uniform_index(expected, 4);
      if (accs[candidate] > accs[parent]) parent = candidate;
    }
    const Config child = rea.ask().config;
    CHECK(child == space.mutate(far_config(parent), expected));
  }
}

TEST_CASE("regularized evolution picks parents with the tournament's probabilities", "[rea]") {
  const SearchSpace space;
  RegularizedEvolution rea(3, 3);
  rea.reset(space, make_rng(5));
  const std::vector<double> accs = {40.0, 80.0, 60.0};
  for (int k = 0; k < 3; ++k) rea.tell(trial_of(far_config(k)), {accs[k], 100.0});
  std::map<int, int> parents;
  const int n = 27000;
  for (int i = 0; i < n; ++i) {
    const Config child = rea.ask().config;
    int parent = -1;
    for (int k = 0; k < 3; ++k) {
      if (num_differences(child, far_config(k)) == 1) parent = k;
    }
    REQUIRE(parent >= 0);  // one element changed, relative to a member
    ++parents[parent];
  }
  // 3 draws with replacement from 3: P(best) = 1 − (2/3)^3 = 19/27, P(middle) = 7/27,
  // P(worst) = 1/27. Tolerance ≈ 5 binomial standard deviations.
  CHECK(std::abs(parents[1] - 19000) < 400);
  CHECK(std::abs(parents[2] - 7000) < 360);
  CHECK(std::abs(parents[0] - 1000) < 160);
}

TEST_CASE("regularized evolution stays inside a restricted space", "[rea]") {
  SearchSpace space;
  space.fix(kLrDim, 4).fix(kBatchSizeDim, 2);
  RegularizedEvolution rea(5, 2);
  rea.reset(space, make_rng(9));
  for (int i = 0; i < 300; ++i) {
    const Trial trial = rea.ask();
    REQUIRE(space.contains(trial.config));
    CHECK(trial.epochs == kMaxEpochs);
    rea.tell(trial, {static_cast<double>(trial.config.cell_index() % 97), 100.0});
  }
}

TEST_CASE("regularized evolution rejects a sample larger than the population", "[rea]") {
  CHECK_THROWS_AS(RegularizedEvolution(1, 1), ConfigError);
  CHECK_THROWS_AS(RegularizedEvolution(5, 0), ConfigError);
  CHECK_THROWS_WITH(builtin_optimizers().create("regularized_evolution",
                                                {{"population_size", "4"}, {"sample_size", "6"}}),
                    Catch::Contains("sample_size 6") && Catch::Contains("population_size 4"));
  CHECK(builtin_optimizers().create("regularized_evolution", {{"population_size", "20"}}));
}

TEST_CASE("regularized evolution replays a run bit for bit from its seed", "[rea]") {
  const Benchmark& benchmark = synthetic_benchmark();
  RegularizedEvolution first(10, 3), second(10, 3);
  RunSpec spec;
  spec.run_seed = run_seed(7, 3);
  const RunOutcome a = run_optimizer(benchmark, first, SearchSpace(), spec);
  const RunOutcome b = run_optimizer(benchmark, second, SearchSpace(), spec);
  CHECK(a.session.key_trans() == b.session.key_trans());
  CHECK(a.session.acc_trans() == b.session.acc_trans());
}

TEST_CASE("regularized evolution beats random search at 20,000 s on the synthetic benchmark",
          "[rea][statistical]") {
  const Benchmark& benchmark = synthetic_benchmark();
  const int runs = 200;
  RegularizedEvolution rea(10, 3);
  RandomSearch random_search;
  double sum_diff = 0.0, sum_diff_sq = 0.0;
  for (int i = 0; i < runs; ++i) {
    RunSpec spec;
    spec.budget_seconds = 20000.0;
    spec.run_seed = run_seed(2021, static_cast<std::uint64_t>(i));
    const double rea_acc = run_optimizer(benchmark, rea, SearchSpace(), spec).session.best_acc();
    const double rs_acc =
        run_optimizer(benchmark, random_search, SearchSpace(), spec).session.best_acc();
    sum_diff += rea_acc - rs_acc;
    sum_diff_sq += (rea_acc - rs_acc) * (rea_acc - rs_acc);
  }
  const double mean_diff = sum_diff / runs;
  const double sd = std::sqrt((sum_diff_sq - runs * mean_diff * mean_diff) / (runs - 1));
  INFO("paired mean difference REA − RS " << mean_diff << " ± " << sd / std::sqrt(runs));
  CHECK(mean_diff > 0.0);
}
