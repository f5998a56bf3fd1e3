// The exact oracle: best values, the configurations that reach them and the distribution over the
// whole space, checked against a brute-force pass over every configuration.

#include <nhb2/benchmark_api/oracle.hpp>
#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/experiments/sweep_config.hpp>
#include <nhb2/experiments/sweep_runner.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

using nhb2::Benchmark;
using nhb2::Config;
using nhb2::kNumConfigs;

namespace {

const Benchmark& bench() {
  static const Benchmark b = Benchmark::synthetic(1);
  return b;
}

const nhb2::Oracle& oracle() {
  static const nhb2::Oracle o = nhb2::compute_oracle(bench());
  return o;
}

}  // namespace

TEST_CASE("SpaceValues gives type-7 quantiles and at-or-below percentiles of weighted values",
          "[oracle]") {
  // Expanded: 1 1 1 2 5 5  (six configurations)
  const nhb2::SpaceValues v({{5.0, 2}, {1.0, 3}, {2.0, 1}});
  CHECK(v.size() == 6);
  CHECK(v.min() == 1.0);
  CHECK(v.max() == 5.0);
  CHECK(v.quantile(0.0) == 1.0);
  CHECK(v.quantile(1.0) == 5.0);
  CHECK(v.quantile(0.5) == Approx(1.5));  // h = 2.5 between x[2] = 1 and x[3] = 2
  CHECK(v.quantile(0.7) == Approx(3.5));  // h = 3.5 between 2 and 5
  CHECK(v.percentile_of(0.5) == 0.0);
  CHECK(v.percentile_of(1.0) == Approx(50.0));
  CHECK(v.percentile_of(4.0) == Approx(400.0 / 6.0));
  CHECK(v.percentile_of(5.0) == 100.0);
}

TEST_CASE("the oracle's best test accuracy and its configurations match a brute-force scan",
          "[oracle]") {
  const auto& m = oracle().find("test_acc_12", "222");
  const int seed = bench().seed_index(222);
  double best = -1.0;
  std::vector<int> argmax;
  for (int i = 0; i < kNumConfigs; ++i) {
    const double v = bench().accuracy(Config::from_index(i), nhb2::Mode::test, 12, seed);
    if (v > best) {
      best = v;
      argmax.clear();
    }
    if (v == best) argmax.push_back(i);
  }
  CHECK(m.best == best);
  REQUIRE(m.best_configs.size() == argmax.size());
  for (std::size_t i = 0; i < argmax.size(); ++i) CHECK(m.best_configs[i].index() == argmax[i]);
  CHECK(m.values.size() == static_cast<std::uint64_t>(kNumConfigs));
  CHECK(m.values.quantile(1.0) == best);
  CHECK(m.values.percentile_of(best) == 100.0);
}

TEST_CASE("the oracle's median of avg_acc_200 is the median over all 196,608 configurations",
          "[oracle]") {
  std::vector<double> all;
  for (int i = 0; i < kNumConfigs; ++i) all.push_back(bench().avg_acc_200(Config::from_index(i)));
  std::sort(all.begin(), all.end());
  const auto& m = oracle().find("avg_acc_200", "");
  CHECK(m.values.quantile(0.5) == Approx(0.5 * (all[kNumConfigs / 2 - 1] + all[kNumConfigs / 2])));
  CHECK(m.values.quantile(0.0) == all.front());
  CHECK(m.best == all.back());
  const double v = all[150000];
  const auto at_or_below = std::upper_bound(all.begin(), all.end(), v) - all.begin();
  CHECK(m.values.percentile_of(v) == Approx(100.0 * at_or_below / kNumConfigs));
}

TEST_CASE("the oracle's mean-seed optimum is the sweep header's best under the mean policy",
          "[oracle]") {
  nhb2::SweepConfig config;
  config.name = "x";
  config.report_epochs = {12, 200};
  config.seed_policy = nhb2::SeedPolicy::mean;
  const nhb2::SweepHeader header = nhb2::make_sweep_header(config, bench());
  CHECK(header.best_test_accs[0] == oracle().find("test_acc_12", "mean").best);
  CHECK(header.best_test_accs[1] == oracle().find("avg_acc_200", "").best);
}

TEST_CASE("the proxy gap is the 200-epoch optimum minus what the best-valid choice reaches",
          "[oracle]") {
  for (const auto& p : oracle().proxies) {
    INFO(p.seed);
    CHECK(p.best_valid_acc_12 == oracle().find("valid_acc_12", p.seed).best);
    CHECK(p.proxy_gap_200 >= 0.0);
    CHECK(p.proxy_gap_200 == oracle().find("avg_acc_200", "").best - p.chosen_avg_acc_200);
    double chosen = -1.0;
    for (const Config& c : p.chosen) chosen = std::max(chosen, bench().avg_acc_200(c));
    CHECK(p.chosen_avg_acc_200 == chosen);
  }
}

TEST_CASE("an unknown oracle measure is refused naming the available ones", "[oracle]") {
  CHECK_THROWS_WITH(oracle().find("test_acc_12", "999"),
                    Catch::Matchers::Contains("test_acc_12@222"));
}
