#pragma once
// The exact optimum of a table: a tabular benchmark knows every configuration, so the best
// achievable result and the distribution of every measure over the whole space are exact.
//
// Measures (over all kNumConfigs = 196,608 configurations; equivalent cellcodes share their class's
// values and each counts once, as an optimizer searching the space sees them):
//   valid_acc_12, test_acc_12  per recorded seed ("222", ...) and "mean" (mean over the seeds, in
//                              seed order, as the mean seed policy computes it)
//   avg_acc_200                the surrogate's expected 200-epoch test accuracy (seed "")
// A sweep's test accuracy (sweep_runner.hpp) is test_acc_12 at the smallest seed under the fixed
// policy, at "mean" under the mean and sampled policies, and avg_acc_200 at epoch 200.
//
// Percentiles: quantile(p) is Hyndman & Fan type 7 over the 196,608 values (as
// experiments/statistics.hpp and NumPy); percentile_of(v) = 100 · #{values <= v} / 196,608, so the
// optimum is at 100.
// Proxy: for each seed, the configurations with the best valid_acc_12 and what they reach at 12
// (test) and 200 epochs; proxy_gap_200 = best avg_acc_200 − the best avg_acc_200 among them.

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/core/config.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace nhb2 {

// The values of one measure over the whole space, sorted, with multiplicities.
class SpaceValues {
 public:
  SpaceValues() = default;
  // (value, number of configurations that have it); precondition: values finite, weights > 0.
  explicit SpaceValues(std::vector<std::pair<double, std::uint32_t>> weighted);
  // The same from pairs already sorted by value (no copy, no sort).
  struct Sorted {};
  SpaceValues(const std::vector<std::pair<double, std::uint32_t>>& sorted, Sorted);

  std::uint64_t size() const { return cumulative_.empty() ? 0 : cumulative_.back(); }
  double min() const { return values_.front(); }
  double max() const { return values_.back(); }
  double quantile(double p) const;  // 0 <= p <= 1
  double percentile_of(double value) const;

 private:
  double at(std::uint64_t expanded_index) const;
  std::vector<double> values_;             // distinct, ascending
  std::vector<std::uint64_t> cumulative_;  // #configurations with a value <= values_[i]
};

struct OracleMeasure {
  std::string measure;  // valid_acc_12 | test_acc_12 | avg_acc_200
  std::string seed;     // "222", ..., "mean"; "" for avg_acc_200
  double best = 0.0;
  std::vector<Config> best_configs;  // every configuration reaching best, by config index
  SpaceValues values;
};

struct OracleProxy {
  std::string seed;
  double best_valid_acc_12 = 0.0;
  std::vector<Config> chosen;       // the configurations with that validation accuracy
  double chosen_test_acc_12 = 0.0;  // their best test_acc_12 at the same seed
  double chosen_avg_acc_200 = 0.0;  // their best avg_acc_200
  double proxy_gap_200 = 0.0;       // best avg_acc_200 in the space − chosen_avg_acc_200
};

struct Oracle {
  std::string data_kind;
  std::string data_description;
  std::string data_checksum;
  std::vector<OracleMeasure> measures;  // per seed: valid, test; then mean; then avg_acc_200
  std::vector<OracleProxy> proxies;     // per seed, then mean

  // Throws InvalidArgument naming the measure/seed and the ones available.
  const OracleMeasure& find(const std::string& measure, const std::string& seed) const;
};

Oracle compute_oracle(const Benchmark& benchmark);

// The percentiles `nhb2 oracle` prints: 0, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 100.
const std::vector<double>& oracle_report_percentiles();

}  // namespace nhb2
