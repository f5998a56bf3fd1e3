#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/algorithms/local_search.hpp>
#include <nhb2/algorithms/random_search.hpp>
#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/experiments/driver.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <set>

using namespace nhb2;

namespace {

int num_differences(const Config& a, const Config& b) {
  int n = 0;
  for (int d = 0; d < kNumDims; ++d) n += a.values[d] != b.values[d];
  return n;
}

// A unimodal fake objective: 10 points per element equal to the target's, so its only local
// optimum is the target (80) and a neighbour improves iff it sets one more element right.
const Config kTarget = Config::make(parse_cellcode("0|12|301"), 5, 2);
double matches_target(const Config& config) {
  return 10.0 * (kNumDims - num_differences(config, kTarget));
}

// Generated once for all the tests of this file.
const Benchmark& synthetic_benchmark() {
  static const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  return benchmark;
}

// Asks, answers with objective and returns the trial.
Trial step(LocalSearch& search, const std::function<double(const Config&)>& objective) {
  const Trial trial = search.ask();
  search.tell(trial, {objective(trial.config), 100.0});
  return trial;
}

}  // namespace

TEST_CASE("local search moves to the first improving neighbour", "[local_search]") {
  const SearchSpace space;
  LocalSearch search(LocalSearch::Move::first);
  search.reset(space, make_rng(21));
  const Config start = search.ask().config;
  search.tell(Trial{start, kMaxEpochs, 0}, {50.0, 100.0});
  // Make the 10th neighbour visited the only improving one.
  std::set<int> visited;
  Config better;
  for (int i = 0; i < 10; ++i) {
    const Trial trial = search.ask();
    REQUIRE(num_differences(trial.config, start) == 1);
    REQUIRE(visited.insert(trial.config.index()).second);
    REQUIRE(search.current() == start);
    const double acc = i == 9 ? 60.0 : 40.0 + i;
    if (i == 9) better = trial.config;
    search.tell(trial, {acc, 100.0});
  }
  const Config next = search.ask().config;
  CHECK(search.current() == better);
  CHECK(search.current_acc() == 60.0);
  CHECK(num_differences(next, better) == 1);
  CHECK(next != start);
}

TEST_CASE("local search with move=best evaluates the whole neighbourhood, then takes its best",
          "[local_search]") {
  const SearchSpace space;
  LocalSearch search(LocalSearch::Move::best);
  search.reset(space, make_rng(22));
  const Config start = search.ask().config;
  search.tell(Trial{start, kMaxEpochs, 0}, {50.0, 100.0});
  std::set<int> asked;
  Config best;
  for (int i = 0; i < 30; ++i) {
    const Trial trial = search.ask();
    REQUIRE(num_differences(trial.config, start) == 1);
    asked.insert(trial.config.index());
    // Two improving neighbours: 55 (the 3rd) and 70 (the 20th).
    double acc = 30.0 + 0.5 * i;
    if (i == 2) acc = 55.0;
    if (i == 19) {
      acc = 70.0;
      best = trial.config;
    }
    search.tell(trial, {acc, 100.0});
    CHECK(search.current() == start);
  }
  std::set<int> neighbours;
  for (const Config& n : space.neighbours(start)) neighbours.insert(n.index());
  CHECK(asked == neighbours);
  const Config next = search.ask().config;
  CHECK(search.current() == best);
  CHECK(search.current_acc() == 70.0);
  CHECK(num_differences(next, best) == 1);
}

TEST_CASE("local search restarts from a random config at a local optimum", "[local_search]") {
  const SearchSpace space;
  LocalSearch search;
  search.reset(space, make_rng(23));
  const Config start = search.ask().config;
  search.tell(Trial{start, kMaxEpochs, 0}, {50.0, 100.0});
  CHECK(search.num_starts() == 0);  // the start's result was not looked at yet
  for (int i = 0; i < 30; ++i) {
    const Trial trial = search.ask();
    REQUIRE(num_differences(trial.config, start) == 1);
    CHECK(search.num_starts() == 1);
    // Equal accuracy is no improvement.
    search.tell(trial, {i == 0 ? 50.0 : 50.0 - 0.1 * i, 100.0});
  }
  const Config restart = search.ask().config;
  CHECK_FALSE(search.current().has_value());
  CHECK(num_differences(restart, start) > 1);
  search.tell(Trial{restart, kMaxEpochs, 0}, {10.0, 100.0});
  const Config next = search.ask().config;
  CHECK(search.num_starts() == 2);
  CHECK(search.current() == restart);
  CHECK(num_differences(next, restart) == 1);
}

TEST_CASE("local search climbs a unimodal objective to its optimum, then restarts",
          "[local_search]") {
  LocalSearch search;
  search.reset(SearchSpace(), make_rng(24));
  int asks = 0;
  bool reached = false;
  while (search.num_starts() < 2 && asks < 1000) {
    reached |= step(search, matches_target).config == kTarget;
    ++asks;
  }
  REQUIRE(search.num_starts() == 2);
  // The first walk can only end at the unique local optimum.
  CHECK(reached);
  // Start, at most 8 moves + the optimum with at most 30 neighbours each, the restart and the
  // ask that stands on it.
  CHECK(asks <= 1 + 9 * 30 + 2);
}

TEST_CASE("local search never evaluates a config twice in a run", "[local_search]") {
  for (const auto move : {LocalSearch::Move::first, LocalSearch::Move::best}) {
    LocalSearch search(move);
    search.reset(SearchSpace(), make_rng(25));
    std::set<int> seen;
    for (int i = 0; i < 3000; ++i) {
      // A bumpy objective with many local optima, so the walk restarts often.
      const Trial trial = step(
          search, [](const Config& c) { return static_cast<double>((c.index() * 7919LL) % 101); });
      REQUIRE(seen.insert(trial.config.index()).second);
    }
    CHECK(search.num_starts() > 5);
  }
}

TEST_CASE("local search uses known results instead of asking again", "[local_search]") {
  // One free edge: 4 configs, accuracy rising with the op digit. Every config is evaluated once;
  // the walk then compares known neighbours without asking and ends at op 3.
  SearchSpace space;
  for (int dim = 1; dim < kNumDims; ++dim) space.fix(dim, 0);
  LocalSearch search;
  search.reset(space, make_rng(26));
  std::set<int> seen;
  for (int i = 0; i < 4; ++i) {
    const Trial trial = step(search, [](const Config& c) { return 10.0 * (c.values[0] + 1); });
    CHECK(seen.insert(trial.config.index()).second);
  }
  CHECK(seen.size() == 4);
  // The space is exhausted now: asks still return valid configs instead of looping.
  for (int i = 0; i < 10; ++i)
    CHECK(space.contains(step(search, [](const Config&) { return 1.0; }).config));
}

TEST_CASE("local search keeps proposing new configs while results are pending", "[local_search]") {
  LocalSearch search;
  search.reset(SearchSpace(), make_rng(27));
  std::vector<Trial> pending;
  std::set<int> seen;
  for (int round = 0; round < 200; ++round) {
    // Four workers: four asks, then the four tells in reverse order.
    for (int w = 0; w < 4; ++w) {
      pending.push_back(search.ask());
      REQUIRE(seen.insert(pending.back().config.index()).second);
    }
    while (!pending.empty()) {
      search.tell(pending.back(), {matches_target(pending.back().config), 100.0});
      pending.pop_back();
    }
  }
  CHECK(seen.count(kTarget.index()) == 1);
}

TEST_CASE("local search is registered with its move parameter", "[local_search]") {
  CHECK(builtin_optimizers().create("local_search", {{"move", "best"}}));
  CHECK_THROWS(builtin_optimizers().create("local_search", {{"move", "steepest"}}));
}

TEST_CASE("local search beats random search at 200,000 s on the synthetic benchmark",
          "[local_search][statistical][slow]") {
  const Benchmark& benchmark = synthetic_benchmark();
  const int runs = 100;
  LocalSearch local_search;
  RandomSearch random_search;
  double sum_diff = 0.0, sum_diff_sq = 0.0;
  for (int i = 0; i < runs; ++i) {
    RunSpec spec;
    spec.budget_seconds = 200000.0;
    spec.run_seed = run_seed(2021, static_cast<std::uint64_t>(i));
    const double ls_acc =
        run_optimizer(benchmark, local_search, SearchSpace(), spec).session.best_acc();
    const double rs_acc =
        run_optimizer(benchmark, random_search, SearchSpace(), spec).session.best_acc();
    sum_diff += ls_acc - rs_acc;
    sum_diff_sq += (ls_acc - rs_acc) * (ls_acc - rs_acc);
  }
  const double mean_diff = sum_diff / runs;
  const double sd = std::sqrt((sum_diff_sq - runs * mean_diff * mean_diff) / (runs - 1));
  INFO("paired mean difference LS − RS " << mean_diff << " ± " << sd / std::sqrt(runs));
  CHECK(mean_diff > 0.0);
}
