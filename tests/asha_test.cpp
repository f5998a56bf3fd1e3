// ASHA (algorithms/asha.hpp): its rungs, and its promotion rule checked step by step on a
// hand-made objective; pending trials; bad options; a paired comparison with random search.

#include <nhb2/algorithms/asha.hpp>

#include "paired_comparison.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <utility>
#include <vector>

using namespace nhb2;

namespace {

// The hand-made objective: the n-th new config gets scores[n] (plus a hundredth per epoch, so it
// ranks the same in every rung). Steps are recorded as (n, epochs).
struct Scripted {
  std::vector<double> scores;
  std::map<Config, int> label;

  int label_of(const Config& config) {
    const auto it = label.find(config);
    if (it != label.end()) return it->second;
    const int n = static_cast<int>(label.size());
    label.emplace(config, n);
    return n;
  }
  Observation observe(const Trial& trial) {
    return Observation{scores.at(label_of(trial.config)) + trial.epochs / 100.0, 1.0};
  }
  std::vector<std::pair<int, int>> run_sequentially(Optimizer& optimizer, int steps) {
    std::vector<std::pair<int, int>> steps_taken;
    for (int i = 0; i < steps; ++i) {
      const Trial trial = optimizer.ask();
      steps_taken.emplace_back(label_of(trial.config), trial.epochs);
      optimizer.tell(trial, observe(trial));
    }
    return steps_taken;
  }
};

}  // namespace

TEST_CASE("asha's rungs are min_budget * eta^k below max_budget, then max_budget", "[asha]") {
  CHECK(Asha::rungs_for(AshaOptions{3, 1, 12}) == std::vector<int>{1, 3, 9, 12});
  CHECK(Asha::rungs_for(AshaOptions{2, 1, 12}) == std::vector<int>{1, 2, 4, 8, 12});
  CHECK(Asha::rungs_for(AshaOptions{3, 4, 12}) == std::vector<int>{4, 12});
  CHECK(Asha::rungs_for(AshaOptions{3, 1, 9}) == std::vector<int>{1, 3, 9});
  CHECK(Asha::rungs_for(AshaOptions{3, 5, 5}) == std::vector<int>{5});
  CHECK(Asha::rungs_for(AshaOptions{12, 1, 12}) == std::vector<int>{1, 12});
}

TEST_CASE("asha promotes from the highest rung with a top-1/eta config not yet promoted",
          "[asha]") {
  Asha asha;  // eta 3, rungs 1, 3, 9, 12
  asha.reset(SearchSpace(), make_rng(11));
  Scripted objective{{10, 30, 20, 50, 40, 60, 5, 15, 25, 35}, {}};
  const std::vector<std::pair<int, int>> expected = {
      {0, 1}, {1, 1}, {2, 1},  // n_0 < 3: nothing to promote
      {1, 3},                  // n_0 = 3: the best of rung 0 (c1) goes to 3 epochs
      {3, 1},                  // c1 already promoted
      {3, 3},                  // c3 is now the top 1 of 4
      {4, 1}, {5, 1},          // top 1 of 5 is c3, promoted
      {5, 3},                  // n_0 = 6: top 2 = c5, c3; c5 not yet promoted
      {5, 9},                  // n_1 = 3: top 1 of rung 1 is c5: the higher rung goes first
      {6, 1}, {7, 1}, {8, 1},  // n_0 = 7, 8: top 2 promoted already
      {4, 3},                  // n_0 = 9: top 3 = c5, c3, c4
      {9, 1}};
  CHECK(objective.run_sequentially(asha, 15) == expected);
  CHECK(asha.rung(0).size() == 10);
  CHECK(asha.rung(1).size() == 4);
  CHECK(asha.rung(2).size() == 1);
  CHECK(asha.rung(0).front().valid_acc == Approx(60.01));  // best first
}

TEST_CASE("asha's top rung is max_budget", "[asha]") {
  Asha asha(AshaOptions{2, 4, 12});  // rungs 4, 8, 12
  asha.reset(SearchSpace(), make_rng(2));
  Scripted objective{{10, 30, 20, 50}, {}};
  const std::vector<std::pair<int, int>> expected = {
      {0, 4}, {1, 4}, {1, 8},  // top 1 of 2
      {2, 4},                  // rung 1: 1 result, top 0; rung 0: c1 promoted
      {3, 4},                  // top 1 of 3 is c1
      {3, 8},                  // top 2 of 4: c3, c1
      {3, 12}};                // rung 1: top 1 of 2 is c3
  CHECK(objective.run_sequentially(asha, 7) == expected);
}

TEST_CASE("asha counts only told results and never promotes a pending config twice", "[asha]") {
  Asha asha;
  asha.reset(SearchSpace(), make_rng(4));
  Scripted objective{{10, 30, 20, 50}, {}};
  std::vector<Trial> trials;
  for (int i = 0; i < 3; ++i) trials.push_back(asha.ask());
  for (const Trial& trial : trials) {
    CHECK(trial.epochs == 1);  // nothing told yet: all new
    objective.label_of(trial.config);
  }
  const Trial fourth = asha.ask();
  CHECK(fourth.epochs == 1);
  // Told in reverse order; c1 (30) is the best of the first three.
  for (int i = 2; i >= 0; --i) asha.tell(trials[i], objective.observe(trials[i]));
  const Trial promoted = asha.ask();
  CHECK(promoted.epochs == 3);
  CHECK(promoted.config == trials[1].config);
  // Its 3-epoch result is pending: not promoted again.
  const Trial next = asha.ask();
  CHECK(next.epochs == 1);
  CHECK(next.config != trials[1].config);
  asha.tell(fourth, objective.observe(fourth));  // c3: 50, the top 1 of 4
  const Trial after = asha.ask();
  CHECK(after.epochs == 3);
  CHECK(after.config == fourth.config);
}

TEST_CASE("asha refuses each bad option by name, value and what is allowed", "[asha]") {
  using Catch::Contains;
  CHECK_THROWS_WITH(Asha(AshaOptions{1, 1, 12}),
                    Contains("asha: eta 1") && Contains("integer in [2, 12]"));
  CHECK_THROWS_WITH(Asha(AshaOptions{13, 1, 12}), Contains("eta 13"));
  CHECK_THROWS_WITH(Asha(AshaOptions{3, 0, 12}), Contains("min_budget 0") && Contains("[1, 12]"));
  CHECK_THROWS_WITH(Asha(AshaOptions{3, 1, 13}), Contains("max_budget 13"));
  CHECK_THROWS_WITH(Asha(AshaOptions{3, 5, 4}),
                    Contains("min_budget 5") && Contains("max_budget (4)"));
}

TEST_CASE("asha beats random search on the synthetic benchmark over 100 paired runs",
          "[asha][statistical]") {
  const test::PairedComparison c = test::compare_with_random_search("asha", 100, 2028);
  INFO("asha " << c.optimizer_mean << ", random_search " << c.random_search_mean
               << ", paired difference " << c.mean_difference << " ± " << c.standard_error);
  CHECK(c.mean_difference > 0.0);
}

TEST_CASE(
    "asha with 4 workers beats random search with 4 workers on the wall clock over 100 "
    "paired runs",
    "[asha][workers][statistical]") {
  // configs/evidence_workers.yaml's runs (master seed 0): the numbers of docs/parallel.md.
  const test::PairedComparison c =
      test::compare_with_random_search("asha", 100, 0, test::four_workers_on_the_wall_clock());
  INFO("asha " << c.optimizer_mean << ", random_search " << c.random_search_mean
               << ", paired difference " << c.mean_difference << " ± " << c.standard_error);
  CHECK(c.mean_difference > 2.0 * c.standard_error);
}
