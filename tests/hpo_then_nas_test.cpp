// The two-stage baselines rs_then_rea and bohb_then_rea (algorithms/hpo_then_nas.hpp).

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/algorithms/hpo_then_nas.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/experiments/driver.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <vector>

using namespace nhb2;

namespace {

const Benchmark& synthetic_benchmark() {
  static const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  return benchmark;
}

RunOutcome run(const std::string& name, std::uint64_t seed) {
  auto optimizer = builtin_optimizers().create(name, {});
  RunSpec spec;
  spec.run_seed = seed;
  return run_optimizer(synthetic_benchmark(), *optimizer, SearchSpace(), spec);
}

bool same_cell(const Config& a, const Config& b) {
  return a.cell_index() == b.cell_index();
}

// Checks stage 2 after `stage1_queries` queries: lr/bs fixed to stage 1's incumbent, only edges
// change, all at 12 epochs.
void check_stage2(const Session& session, std::size_t stage1_queries) {
  const auto& log = session.log();
  REQUIRE(log.size() > stage1_queries + 10);
  const Config best1 = log[stage1_queries - 1].best_key;
  bool cells_vary = false;
  for (std::size_t i = stage1_queries; i < log.size(); ++i) {
    CHECK(log[i].key.lr_index() == best1.lr_index());
    CHECK(log[i].key.bs_index() == best1.bs_index());
    CHECK(log[i].epochs == 12);
    cells_vary |= !same_cell(log[i].key, log[stage1_queries].key);
  }
  CHECK(cells_vary);
}

}  // namespace

TEST_CASE("both two-stage baselines are registered", "[hpo_then_nas]") {
  CHECK(builtin_optimizers().contains("rs_then_rea"));
  CHECK(builtin_optimizers().contains("bohb_then_rea"));
}

TEST_CASE("rs_then_rea tunes lr/bs of one cell for 5,000 s, then evolves only the edges",
          "[hpo_then_nas]") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const RunOutcome outcome = run("rs_then_rea", seed);
    const Session& session = outcome.session;
    const std::vector<Config> keys = session.key_trans();
    const std::vector<double> totals = session.total_cost_trans();
    // Stage 1 queries while its cost is below 5,000 s.
    std::size_t stage1 = 0;
    while (stage1 < totals.size() && (stage1 == 0 || totals[stage1 - 1] < 5000.0)) ++stage1;
    REQUIRE(totals[stage1 - 1] >= 5000.0);
    bool hps_vary = false;
    for (std::size_t i = 0; i < stage1; ++i) {
      CHECK(same_cell(keys[i], keys[0]));
      CHECK(session.log()[i].epochs == 12);
      hps_vary |= keys[i].hp_index() != keys[0].hp_index();
    }
    CHECK(hps_vary);
    // The first stage-2 config is a fresh random cell.
    check_stage2(session, stage1);
  }
}

TEST_CASE("bohb_then_rea runs 4 hyperband iterations on one cell, then evolves only the edges",
          "[hpo_then_nas]") {
  const RunOutcome outcome = run("bohb_then_rea", 4);
  const Session& session = outcome.session;
  const std::size_t stage1 = 13 + 4 + 3 + 13;
  const std::vector<int> expected_epochs = {1,  1,  1,  1, 1, 1, 1, 1, 1, 4, 4, 4, 12, 4, 4, 4, 12,
                                            12, 12, 12, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4,  4, 4, 12};
  const std::vector<int> all_epochs = session.epochs_trans();
  const std::vector<int> epochs(all_epochs.begin(), all_epochs.begin() + stage1);
  CHECK(epochs == expected_epochs);
  for (std::size_t i = 0; i < stage1; ++i) {
    CHECK(same_cell(session.log()[i].key, session.log()[0].key));
  }
  check_stage2(session, stage1);
}

TEST_CASE("hpo_then_nas switches stage once the told stage-1 cost reaches hpo_budget",
          "[hpo_then_nas]") {
  HpoThenNasOptions options;
  options.hpo_budget = 100.0;
  HpoThenNas optimizer(options);
  optimizer.reset(SearchSpace(), make_rng(1));
  CHECK(optimizer.stage() == 1);
  const Trial first = optimizer.ask();
  optimizer.tell(first, Observation{50.0, 60.0});
  const Trial second = optimizer.ask();
  CHECK(optimizer.stage() == 1);
  CHECK(second.config.cell_index() == first.config.cell_index());
  optimizer.tell(second, Observation{55.0, 60.0});  // the stage-1 incumbent
  CHECK(optimizer.stage1_cost() == 120.0);
  const Trial third = optimizer.ask();
  CHECK(optimizer.stage() == 2);
  CHECK(third.epochs == 12);
  CHECK(third.config.hp_index() == second.config.hp_index());
}

namespace {

struct Summary {
  double mean = 0.0;
  double se = 0.0;
};

Summary summarize(const std::vector<double>& v) {
  Summary s;
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  double var = 0.0;
  for (double x : v) var += (x - s.mean) * (x - s.mean);
  s.se = std::sqrt(var / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
  return s;
}

}  // namespace

// Not part of the normal suite: prints the table and the timings for the report.
TEST_CASE("report: final accuracies and timings of the model-based and two-stage optimizers",
          "[.report]") {
  const std::uint64_t master = 0;
  synthetic_benchmark();  // generated once, outside the timings
  for (const char* name :
       {"random_search", "regularized_evolution", "bohb", "rs_then_rea", "bohb_then_rea"}) {
    std::vector<double> logged, valid12, test12, test200, queries;
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    for (int i = 0; i < 500; ++i) {
      auto optimizer = builtin_optimizers().create(name, {});
      RunSpec spec;
      spec.run_seed = run_seed(master, static_cast<std::uint64_t>(i));
      RunOutcome outcome = run_optimizer(synthetic_benchmark(), *optimizer, SearchSpace(), spec);
      logged.push_back(outcome.session.best_acc());
      valid12.push_back(outcome.session.evaluate(*outcome.session.best_key()).accuracy);
      test12.push_back(outcome.results.final_accs[0]);
      test200.push_back(outcome.results.final_accs[1]);
      queries.push_back(static_cast<double>(outcome.session.num_queries()));
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    auto f = [](const Summary& s) {
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "%.3f ± %.3f", s.mean, s.se);
      return std::string(buffer);
    };
    std::cout << name << "\tlogged_valid " << f(summarize(logged)) << "\tvalid12 "
              << f(summarize(valid12)) << "\ttest12 " << f(summarize(test12)) << "\ttest200 "
              << f(summarize(test200)) << "\tqueries " << summarize(queries).mean << "\t500 runs "
              << seconds << " s wall, " << cpu_seconds << " s cpu\n";
  }
}
