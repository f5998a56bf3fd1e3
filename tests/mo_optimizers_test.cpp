// The multi-objective optimizers' selection rules on small hand-made cases
// (algorithms/mo_selection.hpp, nsga2.hpp, mo_regularized_evolution.hpp, mo_random_search.hpp)
// and the observation the driver fills for them.

#include "test_support.hpp"

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/algorithms/mo_random_search.hpp>
#include <nhb2/algorithms/mo_regularized_evolution.hpp>
#include <nhb2/algorithms/nsga2.hpp>
#include <nhb2/benchmark_api/objective_table.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/experiments/driver.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <set>

using namespace nhb2;

namespace {

MoMember member(int config_index, double valid_acc, double value) {
  return MoMember{Config::from_index(config_index), valid_acc, value};
}

const Benchmark& shared_benchmark() {
  static const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  return benchmark;
}

// Records every observation told.
class Recorder : public Optimizer {
 public:
  void reset(const SearchSpace& space, Rng rng) override {
    space_ = space;
    rng_ = rng;
  }
  Trial ask() override { return Trial{space_.sample(rng_), kMaxEpochs, next_id_++}; }
  void tell(const Trial& trial, const Observation& observation) override {
    told.emplace_back(trial, observation);
  }
  std::vector<std::pair<Trial, Observation>> told;

 private:
  SearchSpace space_;
  Rng rng_;
  std::uint64_t next_id_ = 0;
};

}  // namespace

TEST_CASE("NSGA-II keeps whole fronts, then cuts the last one by crowding", "[mo]") {
  // Accuracy maximised, value minimised. Front 0: a (90, 5), b (80, 2), c (70, 1), d (85, 3);
  // e (75, 4) is dominated by b and d; f (60, 10) also by e.
  const std::vector<MoMember> members = {member(0, 90, 5), member(1, 80, 2), member(2, 70, 1),
                                         member(3, 85, 3), member(4, 75, 4), member(5, 60, 10)};
  const RankCrowding order = rank_and_crowd(members);
  CHECK(order.rank == std::vector<int>{0, 0, 0, 0, 1, 2});
  // Keeping 4: the whole first front. Keeping 3: the extremes a and c (infinite crowding), then
  // d or b by crowding: d's neighbours (a, b) span accuracy 10/20 and value 3/4 -> 1.25; b's
  // (d, c) span 15/20 and 2/4 -> 1.25; equal, so the lower index (b) wins.
  const std::vector<std::size_t> four = survivors(members, 4);
  CHECK(std::vector<std::size_t>(four.begin(), four.begin() + 2) == std::vector<std::size_t>{0, 2});
  CHECK(std::set<std::size_t>(four.begin(), four.end()) == std::set<std::size_t>{0, 1, 2, 3});
  CHECK(survivors(members, 3) == std::vector<std::size_t>{0, 2, 1});
  CHECK(survivors(members, 5).back() == 4);
}

TEST_CASE("crowded comparison: lower rank wins, then larger crowding distance", "[mo]") {
  RankCrowding order;
  order.rank = {0, 1, 0};
  order.crowding = {0.5, 9.0, 2.0};
  CHECK(crowded_better(order, 0, 1));
  CHECK_FALSE(crowded_better(order, 1, 0));
  CHECK(crowded_better(order, 2, 0));
  CHECK_FALSE(crowded_better(order, 0, 0));
}

TEST_CASE("MO-REA's tournament picks the crowded-comparison best, the first drawn on ties",
          "[mo]") {
  // (80, 5) and (70, 1) are non-dominated extremes; (60, 6) is dominated.
  const std::vector<MoMember> population = {member(0, 80, 5), member(1, 60, 6), member(2, 70, 1)};
  CHECK(MoRegularizedEvolution::tournament_winner(population, {1, 2}) == 2);
  CHECK(MoRegularizedEvolution::tournament_winner(population, {1, 1, 0}) == 0);
  // Both extremes: equal rank and infinite crowding -> the first drawn.
  CHECK(MoRegularizedEvolution::tournament_winner(population, {2, 0}) == 2);
  CHECK(MoRegularizedEvolution::tournament_winner(population, {0, 2}) == 0);
}

TEST_CASE("MO-REA mutates tournament winners and the oldest member dies", "[mo]") {
  MoRegularizedEvolution rea(3, 2);
  rea.reset(SearchSpace(), make_rng(5));
  for (int i = 0; i < 3; ++i) {
    const Trial trial = rea.ask();
    rea.tell(trial, Observation{50.0 + i, 10.0, 100.0 - i});
  }
  const Config oldest = rea.population().front().config;
  const Trial child = rea.ask();
  int differing = 0;
  bool from_member = false;
  for (const MoMember& m : rea.population()) {
    differing = 0;
    for (int d = 0; d < kNumDims; ++d) differing += m.config.values[d] != child.config.values[d];
    from_member = from_member || differing == 1;
  }
  CHECK(from_member);
  rea.tell(child, Observation{99.0, 10.0, 1.0});
  CHECK(rea.population().size() == 3);
  CHECK(rea.population().front().config != oldest);
  CHECK(rea.population().back().valid_acc == 99.0);
  CHECK_THROWS_AS(MoRegularizedEvolution(2, 3), ConfigError);
  CHECK_THROWS_AS(MoRegularizedEvolution(1, 1), ConfigError);
}

TEST_CASE("NSGA-II selects a new parent population every population_size tells", "[mo]") {
  Nsga2 nsga2(4);
  nsga2.reset(SearchSpace(), make_rng(9));
  auto tell_next = [&](double acc, double value) {
    const Trial trial = nsga2.ask();
    nsga2.tell(trial, Observation{acc, 1.0, value});
  };
  for (int i = 0; i < 4; ++i) tell_next(50.0 + i, 10.0 + i);  // the first parents
  REQUIRE(nsga2.generations() == 1);
  CHECK(nsga2.parents().size() == 4);
  // Four dominating offspring replace every parent.
  for (int i = 0; i < 4; ++i) tell_next(90.0 + i, 1.0 - 0.1 * i);
  CHECK(nsga2.generations() == 2);
  for (const MoMember& parent : nsga2.parents()) CHECK(parent.valid_acc >= 90.0);
  CHECK(nsga2.pool().empty());
  CHECK_THROWS_AS(Nsga2(1), ConfigError);
}

TEST_CASE("a member's second objective falls back to the cost when the driver left it NaN",
          "[mo]") {
  const Trial trial{Config::from_index(3), kMaxEpochs, 0};
  CHECK(mo_member(trial, Observation{70.0, 123.0}).value == 123.0);
  CHECK(mo_member(trial, Observation{70.0, 123.0, 5.0}).value == 5.0);
  MoRandomSearch search;
  search.reset(SearchSpace(), make_rng(1));
  search.tell(search.ask(), Observation{70.0, 1.0, 5.0});
  search.tell(search.ask(), Observation{80.0, 1.0, 6.0});
  search.tell(search.ask(), Observation{60.0, 1.0, 7.0});
  CHECK(search.front().size() == 2);
}

TEST_CASE("the driver tells each trial's value of the run's minimised objective", "[mo]") {
  const Benchmark& benchmark = shared_benchmark();
  for (ObjectiveKind objective :
       {ObjectiveKind::cost, ObjectiveKind::params, ObjectiveKind::flops}) {
    for (SeedPolicy policy : {SeedPolicy::fixed, SeedPolicy::mean}) {
      Recorder recorder;
      RunSpec spec;
      spec.budget_seconds = 3000.0;
      spec.run_seed = 4;
      spec.seed_policy = policy;
      spec.objectives.minimised = objective;
      run_optimizer(benchmark, recorder, SearchSpace(), spec);
      REQUIRE_FALSE(recorder.told.empty());
      const int seed_index = policy == SeedPolicy::fixed ? 0 : kMeanOverSeeds;
      for (const auto& [trial, observation] : recorder.told) {
        CHECK(observation.objective_value ==
              objective_value(benchmark, objective, trial.config, seed_index));
      }
    }
  }
}

TEST_CASE("the multi-objective optimizers replay bit for bit from the same seed", "[mo]") {
  for (const char* name : {"mo_random_search", "nsga2", "mo_regularized_evolution"}) {
    INFO(name);
    RunSpec spec;
    spec.budget_seconds = 20000.0;
    spec.run_seed = 17;
    spec.objectives.minimised = ObjectiveKind::params;
    auto first = builtin_optimizers().create(name, {});
    auto second = builtin_optimizers().create(name, {});
    const RunOutcome a = run_optimizer(shared_benchmark(), *first, SearchSpace(), spec);
    const RunOutcome b = run_optimizer(shared_benchmark(), *second, SearchSpace(), spec);
    REQUIRE(a.session.num_queries() == b.session.num_queries());
    for (std::size_t i = 0; i < a.session.log().size(); ++i) {
      CHECK(a.session.log()[i].key == b.session.log()[i].key);
    }
  }
}

TEST_CASE("nhb2 run takes the objectives of a multi-objective optimizer", "[cli][mo]") {
  const auto ok = test::run_cli(
      "run --optimizer nsga2 --objectives valid_acc,params --runs 2 --budget 3000 --quiet");
  CHECK(ok.exit_code == 0);
  const auto bad = test::run_cli("run --optimizer nsga2 --objectives valid_acc,valid_acc --runs 1");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--objectives: objective 'valid_acc' is given twice"));
}
