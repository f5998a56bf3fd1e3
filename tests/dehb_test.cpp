// DEHB (algorithms/dehb.hpp): encoding, subpopulation sizes, the vanilla-Hyperband first round,
// DE's targets, parent pools and selection; pending trials; bad options; a paired comparison with
// random search.

#include <nhb2/algorithms/dehb.hpp>

#include "paired_comparison.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

using namespace nhb2;

namespace {

double score(const Config& config) {
  return static_cast<double>((config.index() * 7919) % 1009);
}
Observation objective(const Trial& trial) {
  return Observation{score(trial.config) + trial.epochs / 100.0, 1.0};
}
Trial ask_and_tell(Optimizer& optimizer) {
  const Trial trial = optimizer.ask();
  optimizer.tell(trial, objective(trial));
  return trial;
}
bool contains(const std::vector<Config>& configs, const Config& config) {
  return std::find(configs.begin(), configs.end(), config) != configs.end();
}
std::vector<Config> configs_of(const std::vector<Dehb::Member>& members) {
  std::vector<Config> configs;
  for (const auto& member : members) configs.push_back(member.config);
  return configs;
}
// Runs the first Hyperband round (3 brackets, 9+3+1 + 3+1 + 3 = 20 trials) sequentially.
void first_round(Dehb& dehb) {
  for (int i = 0; i < 20; ++i) ask_and_tell(dehb);
  REQUIRE(dehb.iterations_started() == 3);
}

}  // namespace

TEST_CASE("dehb decodes a vector by binning each coordinate", "[dehb]") {
  const Dehb::Vector vector = {0.0, 0.24, 0.25, 0.5, 0.99, 1.0, 0.999, 0.5};
  const Config config = Dehb::decode(vector, SearchSpace());
  CHECK(config.values == std::array<std::uint8_t, kNumDims>{0, 0, 1, 2, 3, 3, 7, 3});
  SearchSpace space;
  space.fix(kLrDim, 2);
  CHECK(Dehb::decode(vector, space).lr_index() == 2);
}

TEST_CASE("dehb keeps one subpopulation per budget, as large as any bracket's stage", "[dehb]") {
  const Dehb dehb;
  CHECK(dehb.budgets() == std::vector<int>{1, 4, 12});
  CHECK(dehb.population_sizes() == std::vector<int>{9, 3, 3});
  const Dehb eta2(DehbOptions{2, 1, 12, 0.5, 0.5});
  CHECK(eta2.budgets() == std::vector<int>{1, 3, 6, 12});
  CHECK(eta2.population_sizes() == std::vector<int>{8, 4, 4, 4});
}

TEST_CASE("dehb's first round is vanilla Hyperband and fills the subpopulations", "[dehb]") {
  Dehb dehb;
  dehb.reset(SearchSpace(), make_rng(9));
  std::vector<Config> stage0;
  for (int i = 0; i < 9; ++i) {
    const Trial trial = ask_and_tell(dehb);
    CHECK(trial.epochs == 1);
    stage0.push_back(trial.config);
  }
  CHECK(configs_of(dehb.population(0)) == stage0);
  std::vector<Config> ranked = stage0;
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const Config& a, const Config& b) { return score(a) > score(b); });
  for (int i = 0; i < 3; ++i) {
    const Trial trial = ask_and_tell(dehb);
    CHECK(trial.epochs == 4);
    CHECK(trial.config == ranked[i]);
  }
  const Trial top = ask_and_tell(dehb);
  CHECK(top.epochs == 12);
  CHECK(top.config == ranked[0]);
  CHECK(configs_of(dehb.population(1)) == std::vector<Config>(ranked.begin(), ranked.begin() + 3));
  CHECK(configs_of(dehb.population(2)) == std::vector<Config>{ranked[0]});
  // Brackets s = 1 and s = 0 complete the round: 3 @ 4, 1 @ 12, then 3 @ 12.
  std::vector<int> epochs;
  for (int i = 0; i < 7; ++i) epochs.push_back(ask_and_tell(dehb).epochs);
  CHECK(epochs == std::vector<int>{4, 4, 4, 12, 12, 12, 12});
  CHECK(dehb.population(1).size() == 3);
  CHECK(dehb.population(2).size() == 3);
}

TEST_CASE("dehb evolves each target in turn and keeps a trial only when at least as good",
          "[dehb]") {
  // crossover_prob 0: a trial is its target with exactly one coordinate from the mutant.
  Dehb dehb(DehbOptions{3, 1, 12, 0.5, 0.0});
  dehb.reset(SearchSpace(), make_rng(21));
  first_round(dehb);
  for (int i = 0; i < 9; ++i) {
    const Dehb::Member target = dehb.population(0)[i];
    const Trial trial = dehb.ask();
    CHECK(trial.epochs == 1);
    int differing = 0;
    for (int dim = 0; dim < kNumDims; ++dim)
      differing += trial.config.values[dim] != target.config.values[dim];
    CHECK(differing <= 1);
    const Observation observation = objective(trial);
    dehb.tell(trial, observation);
    const Dehb::Member& now = dehb.population(0)[i];
    if (observation.valid_acc >= target.valid_acc) {
      CHECK(now.config == trial.config);
      CHECK(now.valid_acc == observation.valid_acc);
    } else {
      CHECK(now.config == target.config);
    }
  }
}

TEST_CASE("dehb draws a budget's parents from the lower budget's promoted individuals", "[dehb]") {
  // mutation_factor 0 and crossover_prob 1: a trial is a member of its parent pool.
  Dehb dehb(DehbOptions{3, 1, 12, 0.0, 1.0});
  dehb.reset(SearchSpace(), make_rng(33));
  first_round(dehb);
  const std::vector<Config> population0 = configs_of(dehb.population(0));
  std::vector<Config> stage0;
  for (int i = 0; i < 9; ++i) {
    const Trial trial = ask_and_tell(dehb);
    CHECK(trial.epochs == 1);
    CHECK(contains(population0, trial.config));  // stage 0: the subpopulation itself
    stage0.push_back(trial.config);
  }
  std::vector<Config> ranked = stage0;
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const Config& a, const Config& b) { return score(a) > score(b); });
  const std::vector<Config> promoted(ranked.begin(), ranked.begin() + 3);
  for (int i = 0; i < 3; ++i) {
    const Trial trial = ask_and_tell(dehb);
    CHECK(trial.epochs == 4);
    CHECK(contains(promoted, trial.config));  // stage 1: the 3 promoted of stage 0
  }
}

TEST_CASE("dehb gives valid trials when asked before anything is told", "[dehb]") {
  Dehb dehb;
  dehb.reset(SearchSpace(), make_rng(2));
  std::vector<Trial> trials;
  for (int i = 0; i < 40; ++i) trials.push_back(dehb.ask());  // evolving brackets start too
  CHECK(dehb.iterations_started() > 3);
  std::reverse(trials.begin(), trials.end());
  for (const Trial& trial : trials) dehb.tell(trial, objective(trial));
  for (int i = 0; i < 50; ++i) CHECK(SearchSpace().contains(ask_and_tell(dehb).config));
}

TEST_CASE("dehb refuses each bad option by name, value and what is allowed", "[dehb]") {
  using Catch::Contains;
  CHECK_THROWS_WITH(Dehb(DehbOptions{1, 1, 12, 0.5, 0.5}),
                    Contains("dehb: eta 1") && Contains("integer in [2, 12]"));
  CHECK_THROWS_WITH(Dehb(DehbOptions{3, 0, 12, 0.5, 0.5}), Contains("min_budget 0"));
  CHECK_THROWS_WITH(Dehb(DehbOptions{3, 1, 13, 0.5, 0.5}), Contains("max_budget 13"));
  CHECK_THROWS_WITH(Dehb(DehbOptions{3, 5, 4, 0.5, 0.5}),
                    Contains("min_budget 5") && Contains("max_budget (4)"));
  CHECK_THROWS_WITH(Dehb(DehbOptions{3, 1, 12, 2.5, 0.5}),
                    Contains("mutation_factor 2.5") && Contains("real in [0, 2]"));
  CHECK_THROWS_WITH(Dehb(DehbOptions{3, 1, 12, 0.5, -0.1}),
                    Contains("crossover_prob -0.1") && Contains("real in [0, 1]"));
}

TEST_CASE("dehb beats random search on the synthetic benchmark over 100 paired runs",
          "[dehb][statistical]") {
  const test::PairedComparison c = test::compare_with_random_search("dehb", 100, 2029);
  INFO("dehb " << c.optimizer_mean << ", random_search " << c.random_search_mean
               << ", paired difference " << c.mean_difference << " ± " << c.standard_error);
  CHECK(c.mean_difference > 0.0);
}

TEST_CASE(
    "dehb with 4 workers beats random search with 4 workers on the wall clock over 100 "
    "paired runs",
    "[dehb][workers][statistical]") {
  // configs/evidence_workers.yaml's runs (master seed 0): the numbers of docs/parallel.md.
  const test::PairedComparison c =
      test::compare_with_random_search("dehb", 100, 0, test::four_workers_on_the_wall_clock());
  INFO("dehb " << c.optimizer_mean << ", random_search " << c.random_search_mean
               << ", paired difference " << c.mean_difference << " ± " << c.standard_error);
  CHECK(c.mean_difference > 2.0 * c.standard_error);
}
