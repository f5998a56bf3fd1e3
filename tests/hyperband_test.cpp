// Hyperband (algorithms/hyperband.hpp): its brackets and synchronous successive halving, exactly,
// on a hand-made objective; pending trials; bad options; a paired comparison with random search.

#include <nhb2/algorithms/hyperband.hpp>

#include "paired_comparison.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

using namespace nhb2;

namespace {

// The hand-made objective: a score of the config alone (distinct for nearby configs), plus a
// hundredth per epoch, so a config ranks the same at every budget.
double score(const Config& config) {
  return static_cast<double>((config.index() * 7919) % 1009);
}
Observation objective(const Trial& trial) {
  return Observation{score(trial.config) + trial.epochs / 100.0, 1.0};
}

// The best `keep` of `configs` by score, best first (ties: the earlier one).
std::vector<Config> best_of(std::vector<Config> configs, int keep) {
  std::stable_sort(configs.begin(), configs.end(),
                   [](const Config& a, const Config& b) { return score(a) > score(b); });
  configs.resize(keep);
  return configs;
}

Trial ask_and_tell(Optimizer& optimizer) {
  const Trial trial = optimizer.ask();
  optimizer.tell(trial, objective(trial));
  return trial;
}

}  // namespace

TEST_CASE("hyperband runs hpbandster's brackets with successive halving, best first",
          "[hyperband]") {
  Hyperband hyperband;
  hyperband.reset(SearchSpace(), make_rng(7));
  for (int round = 0; round < 2; ++round) {
    // Bracket s = 2: 9 configs at 1 epoch, the best 3 at 4 epochs, the best of those at 12.
    std::vector<Config> stage0;
    for (int i = 0; i < 9; ++i) {
      const Trial trial = ask_and_tell(hyperband);
      CHECK(trial.epochs == 1);
      stage0.push_back(trial.config);
    }
    const std::vector<Config> top3 = best_of(stage0, 3);
    for (int i = 0; i < 3; ++i) {
      const Trial trial = ask_and_tell(hyperband);
      CHECK(trial.epochs == 4);
      CHECK(trial.config == top3[i]);
    }
    Trial trial = ask_and_tell(hyperband);
    CHECK(trial.epochs == 12);
    CHECK(trial.config == top3[0]);
    // Bracket s = 1: 3 new configs at 4 epochs, the best at 12.
    std::vector<Config> stage1;
    for (int i = 0; i < 3; ++i) {
      trial = ask_and_tell(hyperband);
      CHECK(trial.epochs == 4);
      CHECK(std::find(stage0.begin(), stage0.end(), trial.config) == stage0.end());
      stage1.push_back(trial.config);
    }
    trial = ask_and_tell(hyperband);
    CHECK(trial.epochs == 12);
    CHECK(trial.config == best_of(stage1, 1)[0]);
    // Bracket s = 0: 3 new configs at 12 epochs.
    for (int i = 0; i < 3; ++i) CHECK(ask_and_tell(hyperband).epochs == 12);
    CHECK(hyperband.iterations_started() == 3 * (round + 1));
  }
  CHECK_FALSE(hyperband.finished());
}

TEST_CASE(
    "hyperband promotes only when a stage's results are all in, and starts the next "
    "bracket meanwhile",
    "[hyperband]") {
  Hyperband hyperband;
  hyperband.reset(SearchSpace(), make_rng(3));
  std::vector<Trial> stage0;
  for (int i = 0; i < 9; ++i) stage0.push_back(hyperband.ask());
  // Told in reverse order, all but the first.
  for (int i = 8; i >= 1; --i) hyperband.tell(stage0[i], objective(stage0[i]));
  // One result missing: no promotion; bracket s = 1 starts with a new config at 4 epochs.
  const Trial waiting = hyperband.ask();
  CHECK(waiting.epochs == 4);
  CHECK(hyperband.iterations_started() == 2);
  std::vector<Config> configs;
  for (const Trial& trial : stage0) {
    configs.push_back(trial.config);
    CHECK(trial.config != waiting.config);
  }
  hyperband.tell(stage0[0], objective(stage0[0]));
  // Now the oldest bracket goes first: its best 3, best first, at 4 epochs.
  const std::vector<Config> top3 = best_of(configs, 3);
  for (int i = 0; i < 3; ++i) {
    const Trial trial = hyperband.ask();
    CHECK(trial.epochs == 4);
    CHECK(trial.config == top3[i]);
  }
  // Bracket 0 waits for those 3: bracket 1 gets its remaining 2 configs, then bracket 2 starts.
  CHECK(hyperband.ask().epochs == 4);
  CHECK(hyperband.ask().epochs == 4);
  CHECK(hyperband.iterations_started() == 2);
  CHECK(hyperband.ask().epochs == 12);
  CHECK(hyperband.iterations_started() == 3);
}

TEST_CASE("hyperband with n_iterations finishes, and gives extra trials while it waits",
          "[hyperband]") {
  Hyperband hyperband(HyperbandOptions{3, 1, 12, 1});
  hyperband.reset(SearchSpace(), make_rng(5));
  std::vector<Trial> stage0;
  for (int i = 0; i < 9; ++i) stage0.push_back(hyperband.ask());
  const Trial extra = hyperband.ask();  // the only bracket waits and no other may start
  CHECK(extra.epochs == 12);
  CHECK(hyperband.iterations_started() == 1);
  for (const Trial& trial : stage0) hyperband.tell(trial, objective(trial));
  hyperband.tell(extra, objective(extra));
  for (int i = 0; i < 4; ++i) {
    CHECK_FALSE(hyperband.finished());
    ask_and_tell(hyperband);
  }
  CHECK(hyperband.finished());
}

TEST_CASE("hyperband with min_budget == max_budget is random search at that budget",
          "[hyperband]") {
  Hyperband hyperband(HyperbandOptions{3, 5, 5, 0});
  hyperband.reset(SearchSpace(), make_rng(1));
  for (int i = 0; i < 5; ++i) {
    CHECK(ask_and_tell(hyperband).epochs == 5);
    CHECK(hyperband.iterations_started() == i + 1);
  }
}

TEST_CASE("hyperband refuses each bad option by name, value and what is allowed", "[hyperband]") {
  using Catch::Contains;
  CHECK_THROWS_WITH(Hyperband(HyperbandOptions{1, 1, 12, 0}),
                    Contains("hyperband: eta 1") && Contains("integer in [2, 12]"));
  CHECK_THROWS_WITH(Hyperband(HyperbandOptions{13, 1, 12, 0}), Contains("eta 13"));
  CHECK_THROWS_WITH(Hyperband(HyperbandOptions{3, 0, 12, 0}),
                    Contains("min_budget 0") && Contains("[1, 12]"));
  CHECK_THROWS_WITH(Hyperband(HyperbandOptions{3, 1, 13, 0}), Contains("max_budget 13"));
  CHECK_THROWS_WITH(Hyperband(HyperbandOptions{3, 5, 4, 0}),
                    Contains("min_budget 5") && Contains("max_budget (4)"));
  CHECK_THROWS_WITH(Hyperband(HyperbandOptions{3, 1, 12, -1}),
                    Contains("n_iterations -1") && Contains(">= 0"));
}

TEST_CASE("hyperband beats random search on the synthetic benchmark over 100 paired runs",
          "[hyperband][statistical]") {
  const test::PairedComparison c = test::compare_with_random_search("hyperband", 100, 2027);
  INFO("hyperband " << c.optimizer_mean << ", random_search " << c.random_search_mean
                    << ", paired difference " << c.mean_difference << " ± " << c.standard_error);
  CHECK(c.mean_difference > 0.0);
}

TEST_CASE(
    "hyperband with 1 worker in the driver is synchronous successive halving on the "
    "synthetic benchmark",
    "[hyperband][workers]") {
  // Each iteration: brackets 9 @ 1 -> 3 @ 4 -> 1 @ 12, then 3 @ 4 -> 1 @ 12, then 3 @ 12; every
  // promoted stage is the previous stage's best, best first, by the accuracy the driver answered.
  struct Stage {
    int size, epochs;
    bool promoted;
  };
  const std::vector<Stage> iteration = {{9, 1, false}, {3, 4, true},  {1, 12, true},
                                        {3, 4, false}, {1, 12, true}, {3, 12, false}};
  static const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    RunSpec spec;
    spec.workers = 1;
    spec.budget_kind = BudgetKind::wallclock;
    spec.run_seed = run_seed(0, seed);
    Hyperband hyperband;
    const RunOutcome outcome = run_optimizer(benchmark, hyperband, SearchSpace(), spec);
    const std::vector<LogRecord>& log = outcome.session.log();
    std::size_t begin = 0;
    std::vector<LogRecord> previous;
    int complete_stages = 0;
    for (std::size_t k = 0; begin + iteration[k % 6].size <= log.size(); ++k) {
      const Stage& stage = iteration[k % 6];
      const std::vector<LogRecord> records(log.begin() + begin, log.begin() + begin + stage.size);
      for (const LogRecord& r : records) CHECK(r.epochs == stage.epochs);
      if (stage.promoted) {
        std::vector<LogRecord> best = previous;
        std::stable_sort(best.begin(), best.end(),
                         [](const LogRecord& a, const LogRecord& b) { return a.acc > b.acc; });
        for (int i = 0; i < stage.size; ++i) CHECK(records[i].key == best[i].key);
      }
      previous = records;
      begin += stage.size;
      ++complete_stages;
    }
    CHECK(complete_stages >= 18);  // at least three iterations fit in 20,000 s
  }
}
