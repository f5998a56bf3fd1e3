// BOHB (algorithms/bohb.hpp): Hyperband's plan, successive halving, the KDE model, stopping,
// pending trials, and a paired comparison with random search on the synthetic benchmark.

#include <nhb2/algorithms/bohb.hpp>
#include <nhb2/algorithms/bohb/kde.hpp>
#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/experiments/driver.hpp>

#include "paired_comparison.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace nhb2;

namespace {

const Benchmark& synthetic_benchmark() {
  static const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  return benchmark;
}

// A fake objective: depends on the config only, distinct for nearby configs.
double fake_acc(const Config& config) {
  return static_cast<double>((config.index() * 7919) % 1009);
}

Config with_lr(int lr_index) {
  Config config;
  config.values[kLrDim] = static_cast<std::uint8_t>(lr_index);
  return config;
}

}  // namespace

TEST_CASE("hyperband plans hpbandster's brackets for eta 3 over 1..12 epochs", "[bohb]") {
  CHECK(hyperband_s_max(3, 1, 12) == 2);
  const BracketPlan b0 = hyperband_bracket(0, 3, 1, 12);
  CHECK(b0.s == 2);
  CHECK(b0.num_configs == std::vector<int>{9, 3, 1});
  CHECK(b0.epochs == std::vector<int>{1, 4, 12});  // 12·3^-2 = 1.33 → 1 epoch
  const BracketPlan b1 = hyperband_bracket(1, 3, 1, 12);
  CHECK(b1.s == 1);
  CHECK(b1.num_configs == std::vector<int>{3, 1});  // floor(3/2)·3, not the paper's ceil: 5
  CHECK(b1.epochs == std::vector<int>{4, 12});
  const BracketPlan b2 = hyperband_bracket(2, 3, 1, 12);
  CHECK(b2.s == 0);
  CHECK(b2.num_configs == std::vector<int>{3});
  CHECK(b2.epochs == std::vector<int>{12});
  const BracketPlan b3 = hyperband_bracket(3, 3, 1, 12);
  CHECK(b3.num_configs == b0.num_configs);
  CHECK(b3.epochs == b0.epochs);
}

TEST_CASE("hyperband handles other etas and exact powers", "[bohb]") {
  CHECK(hyperband_s_max(2, 1, 12) == 3);
  const BracketPlan b = hyperband_bracket(0, 2, 1, 12);
  CHECK(b.num_configs == std::vector<int>{8, 4, 2, 1});
  CHECK(b.epochs == std::vector<int>{1, 3, 6, 12});
  CHECK(hyperband_s_max(3, 1, 9) == 2);  // log_3(9) exactly
  CHECK(hyperband_s_max(3, 12, 12) == 0);
  CHECK(hyperband_bracket(5, 3, 12, 12).num_configs == std::vector<int>{1});
}

TEST_CASE("bohb asks hyperband's trials in order, one bracket after another", "[bohb]") {
  Bohb bohb;
  bohb.reset(SearchSpace(), make_rng(1));
  std::vector<int> epochs;
  for (int i = 0; i < 13 + 4 + 3 + 13; ++i) {
    const Trial trial = bohb.ask();
    epochs.push_back(trial.epochs);
    bohb.tell(trial, Observation{fake_acc(trial.config), 1.0});
  }
  const std::vector<int> expected = {1,  1,  1,  1,  1, 1, 1, 1, 1, 4, 4, 4, 12,  // s = 2
                                     4,  4,  4,  12,                              // s = 1
                                     12, 12, 12,                                  // s = 0
                                     1,  1,  1,  1,  1, 1, 1, 1, 1, 4, 4, 4, 12};
  CHECK(epochs == expected);
  CHECK(bohb.iterations_started() == 4);
}

TEST_CASE("successive halving promotes the best third by valid accuracy", "[bohb]") {
  Bohb bohb;
  bohb.reset(SearchSpace(), make_rng(7));
  std::vector<Config> first_stage, second_stage;
  for (int i = 0; i < 9; ++i) {
    const Trial trial = bohb.ask();
    REQUIRE(trial.epochs == 1);
    first_stage.push_back(trial.config);
    bohb.tell(trial, Observation{fake_acc(trial.config), 1.0});
  }
  std::vector<Config> expected = first_stage;
  std::sort(expected.begin(), expected.end(),
            [](const Config& a, const Config& b) { return fake_acc(a) > fake_acc(b); });
  expected.resize(3);
  for (int i = 0; i < 3; ++i) {
    const Trial trial = bohb.ask();
    REQUIRE(trial.epochs == 4);
    second_stage.push_back(trial.config);
    // At 4 epochs the order is reversed: the worst of the three must win the last stage.
    bohb.tell(trial, Observation{1000.0 - fake_acc(trial.config), 4.0});
  }
  std::vector<Config> sorted_second = second_stage;
  std::sort(sorted_second.begin(), sorted_second.end());
  std::sort(expected.begin(), expected.end());
  CHECK(sorted_second == expected);
  const Trial last = bohb.ask();
  CHECK(last.epochs == 12);
  const Config worst_of_three =
      *std::min_element(expected.begin(), expected.end(),
                        [](const Config& a, const Config& b) { return fake_acc(a) < fake_acc(b); });
  CHECK(last.config == worst_of_three);
}

TEST_CASE("the KDE's bandwidths follow the normal reference rule within [min_bandwidth, 1]",
          "[bohb]") {
  // One dimension (lr), indices {0, 2}: std 1, so λ = 1.06 · 2^(-1/5).
  const CategoricalKde spread({with_lr(0), with_lr(2)}, {kLrDim}, 0.3);
  CHECK(spread.bandwidths()[0] == Approx(1.06 * std::pow(2.0, -0.2)).epsilon(1e-12));
  // All data on one value: std 0, floored at min_bandwidth.
  const CategoricalKde concentrated({with_lr(5), with_lr(5), with_lr(5)}, {kLrDim}, 0.3);
  CHECK(concentrated.bandwidths()[0] == 0.3);
  const CategoricalKde floored({with_lr(0), with_lr(2)}, {kLrDim}, 0.95);
  CHECK(floored.bandwidths()[0] == 0.95);
  // Widely spread: capped at 1.
  const CategoricalKde wide({with_lr(0), with_lr(7)}, {kLrDim}, 0.3);
  CHECK(wide.bandwidths()[0] == 1.0);
}

TEST_CASE("the KDE's density is a product of Aitchison-Aitken kernels", "[bohb]") {
  const CategoricalKde kde({with_lr(5)}, {kLrDim}, 0.3);
  CHECK(kde.pdf(with_lr(5)) == Approx(0.7));
  CHECK(kde.pdf(with_lr(0)) == Approx(0.3 / 7));
  double total = 0.0;
  for (int lr = 0; lr < kNumLearningRates; ++lr) total += kde.pdf(with_lr(lr));
  CHECK(total == Approx(1.0));
  // A dimension whose bandwidth exceeds (c−1)/c is uniform, never negative.
  const CategoricalKde wide({with_lr(0), with_lr(7)}, {kLrDim}, 0.3);
  CHECK(wide.pdf(with_lr(3)) == Approx(1.0 / 8));
}

TEST_CASE("the KDE's tabulated density equals the direct product formula bit for bit", "[bohb]") {
  // pdf() adds tabulated products (kde.hpp); this is the formula it must reproduce exactly.
  Rng rng(20261201);
  const std::vector<std::vector<int>> dim_sets = {
      {0, 1, 2, 3, 4, 5, 6, 7}, {kLrDim}, {0, 3, 7}, {7, 2, 0, 5}};
  for (const auto& dims : dim_sets) {
    for (int n : {1, 2, 17, 300}) {
      std::vector<Config> data;
      for (int i = 0; i < n; ++i) data.push_back(Config::from_index(uniform_index(rng, 9000)));
      const CategoricalKde kde(data, dims, 0.2);
      std::vector<double> same, different;
      for (std::size_t d = 0; d < dims.size(); ++d) {
        const int levels = kDimSizes[dims[d]];
        const double lambda = std::min(kde.bandwidths()[d], (levels - 1.0) / levels);
        same.push_back(1.0 - lambda);
        different.push_back(lambda / (levels - 1.0));
      }
      for (int probe = 0; probe < 50; ++probe) {
        const Config x = probe % 2 ? data[static_cast<std::size_t>(probe) % data.size()]
                                   : Config::from_index(uniform_index(rng, kNumConfigs));
        double sum = 0.0;
        for (const Config& datum : data) {
          double product = 1.0;
          for (std::size_t d = 0; d < dims.size(); ++d) {
            product *= datum.values[dims[d]] == x.values[dims[d]] ? same[d] : different[d];
          }
          sum += product;
        }
        CHECK(kde.pdf(x) == sum / n);
      }
    }
  }
}

TEST_CASE("sampling a KDE concentrated on one value keeps it with probability 1 - bw + bw/c",
          "[bohb]") {
  Config base;
  base.values[0] = 3;  // a fixed dimension: must be copied from base
  Config datum = base;
  datum.values[kLrDim] = 5;
  const CategoricalKde kde({datum, datum}, {kLrDim}, 0.3);
  Rng rng = make_rng(3);
  const int n = 40000;
  int kept = 0;
  for (int i = 0; i < n; ++i) {
    const Config x = kde.sample(base, rng);
    REQUIRE(x.values[0] == 3);
    kept += x.values[kLrDim] == 5;
  }
  // p = 0.7 + 0.3/8 = 0.7375; sd of the frequency ≈ 0.0022, tolerance ≈ 4.5 sd.
  CHECK(static_cast<double>(kept) / n == Approx(0.7375).margin(0.01));
}

TEST_CASE("the l/g ratio prefers the good region", "[bohb]") {
  const CategoricalKde good({with_lr(5), with_lr(5), with_lr(4)}, {kLrDim}, 0.3);
  const CategoricalKde bad({with_lr(0), with_lr(1), with_lr(2), with_lr(5)}, {kLrDim}, 0.3);
  const double at_good = good.pdf(with_lr(5)) / bad.pdf(with_lr(5));
  const double at_bad = good.pdf(with_lr(0)) / bad.pdf(with_lr(0));
  CHECK(at_good > 3.0 * at_bad);
}

TEST_CASE("bohb's proposals concentrate on the good region of a toy objective", "[bohb]") {
  // Only lr matters: index 5 is best. After the models exist, far more than 1/8 of the
  // proposals should use it.
  Bohb bohb;
  bohb.reset(SearchSpace(), make_rng(11));
  int late = 0, late_good = 0;
  for (int i = 0; i < 400; ++i) {
    const Trial trial = bohb.ask();
    const double acc = 50.0 + (trial.config.lr_index() == 5 ? 20.0 : 0.0) +
                       0.1 * trial.config.values[0] + trial.epochs;
    bohb.tell(trial, Observation{acc, 1.0});
    if (i >= 200) {
      ++late;
      late_good += trial.config.lr_index() == 5;
    }
  }
  CHECK(bohb.largest_model_epochs() > 0);
  CHECK(static_cast<double>(late_good) / late > 0.4);
}

TEST_CASE("a model needs more than d points in each of the good and bad groups", "[bohb]") {
  // Full space: d = 8, min_points = 9, so the first model (at 1 epoch) needs 18 results there.
  Bohb bohb;
  bohb.reset(SearchSpace(), make_rng(5));
  int told_at_one = 0;
  while (told_at_one < 18) {
    const Trial trial = bohb.ask();
    bohb.tell(trial, Observation{fake_acc(trial.config), 1.0});
    if (trial.epochs == 1) {
      ++told_at_one;
      CHECK((bohb.good_model(1) != nullptr) == (told_at_one >= 18));
    }
  }
  REQUIRE(bohb.good_model(1) != nullptr);
  CHECK(bohb.good_model(1)->data().size() == 9);
  CHECK(bohb.bad_model(1)->data().size() == 9);
  CHECK(bohb.good_model(1)->bandwidths().size() == 8);
  for (double bw : bohb.good_model(1)->bandwidths()) CHECK(bw >= 0.3);
}

TEST_CASE("n_iterations ends the run after that many hyperband iterations", "[bohb]") {
  BohbOptions options;
  options.n_iterations = 2;
  Bohb bohb(options);
  RunSpec spec;
  spec.budget_seconds = 1e12;
  spec.run_seed = 3;
  const RunOutcome outcome = run_optimizer(synthetic_benchmark(), bohb, SearchSpace(), spec);
  CHECK(outcome.stop_reason == StopReason::optimizer_finished);
  CHECK(outcome.session.num_queries() == 13 + 4);
  CHECK(bohb.finished());
}

TEST_CASE("bohb never blocks on pending trials and accepts results in any order", "[bohb]") {
  BohbOptions options;
  options.n_iterations = 1;
  Bohb bohb(options);
  bohb.reset(SearchSpace(), make_rng(9));
  std::vector<Trial> pending;
  for (int i = 0; i < 30; ++i) pending.push_back(bohb.ask());  // no tell yet
  CHECK(pending[0].epochs == 1);
  CHECK(pending.back().epochs == 12);  // beyond the bracket's 9 slots: extra full-budget trials
  std::reverse(pending.begin(), pending.end());
  for (const Trial& trial : pending) bohb.tell(trial, Observation{fake_acc(trial.config), 1.0});
  CHECK_FALSE(bohb.finished());
  for (int i = 0; i < 4; ++i) {
    const Trial trial = bohb.ask();
    CHECK(trial.epochs == (i < 3 ? 4 : 12));
    bohb.tell(trial, Observation{fake_acc(trial.config), 1.0});
  }
  CHECK(bohb.finished());
}

TEST_CASE("bohb refuses min_budget above max_budget", "[bohb]") {
  CHECK_THROWS_WITH(builtin_optimizers().create("bohb", {{"min_budget", "5"}, {"max_budget", "4"}}),
                    Catch::Contains("min_budget 5") && Catch::Contains("max_budget 4"));
}

TEST_CASE("bohb beats random search on the synthetic benchmark over 100 paired runs",
          "[bohb][statistical]") {
  // The incumbent is the best logged valid accuracy at any fidelity (the reference's definition);
  // compared here by that incumbent's 12-epoch valid accuracy, and by the logged value itself.
  const int runs = 100;
  const std::uint64_t master = 2026;
  double rs_sum = 0.0, bohb_sum = 0.0, bohb_logged_sum = 0.0;
  std::vector<double> differences;
  for (int i = 0; i < runs; ++i) {
    RunSpec spec;
    spec.run_seed = run_seed(master, static_cast<std::uint64_t>(i));
    auto rs = builtin_optimizers().create("random_search", {});
    auto bohb = builtin_optimizers().create("bohb", {});
    RunOutcome a = run_optimizer(synthetic_benchmark(), *rs, SearchSpace(), spec);
    RunOutcome b = run_optimizer(synthetic_benchmark(), *bohb, SearchSpace(), spec);
    QueryOptions valid12;  // epoch 12, valid, iepoch 12
    const double rs_acc = a.session.evaluate(*a.session.best_key(), valid12).accuracy;
    const double bohb_acc = b.session.evaluate(*b.session.best_key(), valid12).accuracy;
    rs_sum += rs_acc;
    bohb_sum += bohb_acc;
    bohb_logged_sum += b.session.best_acc();
    differences.push_back(bohb_acc - rs_acc);
  }
  double mean_diff = 0.0;
  for (double d : differences) mean_diff += d;
  mean_diff /= runs;
  double var = 0.0;
  for (double d : differences) var += (d - mean_diff) * (d - mean_diff);
  const double se = std::sqrt(var / (runs - 1) / runs);
  INFO("random_search " << rs_sum / runs << ", bohb " << bohb_sum / runs << " (logged "
                        << bohb_logged_sum / runs << "), paired difference " << mean_diff << " ± "
                        << se);
  CHECK(bohb_sum > rs_sum);
  CHECK(bohb_logged_sum / runs > rs_sum / runs);
}

TEST_CASE(
    "bohb with 4 workers beats random search with 4 workers on the wall clock over 100 "
    "paired runs",
    "[bohb][workers][statistical]") {
  // configs/evidence_workers.yaml's runs (master seed 0): the numbers of docs/parallel.md.
  const test::PairedComparison c =
      test::compare_with_random_search("bohb", 100, 0, test::four_workers_on_the_wall_clock());
  INFO("bohb " << c.optimizer_mean << ", random_search " << c.random_search_mean
               << ", paired difference " << c.mean_difference << " ± " << c.standard_error);
  CHECK(c.mean_difference > 2.0 * c.standard_error);
}
