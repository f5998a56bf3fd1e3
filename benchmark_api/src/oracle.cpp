#include <nhb2/benchmark_api/oracle.hpp>

#include <nhb2/core/constants.hpp>
#include <nhb2/core/error.hpp>

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>

namespace nhb2 {

namespace {

// An unsigned key with the order of the double (finite values; -0 sorts before +0).
std::uint64_t order_key(double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return (bits >> 63) ? ~bits : bits | (std::uint64_t{1} << 63);
}

// Buffers of radix_sort, kept across the measures of one oracle (fresh memory is slow to touch).
struct SortScratch {
  std::vector<std::uint64_t> keys, keys_out;
  std::vector<std::pair<double, std::uint32_t>> items_out;
};

// Sorts by value with a byte-wise LSD radix sort: several times faster than std::sort on the
// 48,528 rows of a measure, which keeps `nhb2 oracle` within its time budget without a cache.
void radix_sort(std::vector<std::pair<double, std::uint32_t>>& items, SortScratch& scratch) {
  auto& keys = scratch.keys;
  auto& keys_out = scratch.keys_out;
  auto& items_out = scratch.items_out;
  keys.resize(items.size());
  keys_out.resize(items.size());
  items_out.resize(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) keys[i] = order_key(items[i].first);
  for (int shift = 0; shift < 64; shift += 8) {
    std::size_t count[257] = {};
    for (std::uint64_t k : keys) ++count[((k >> shift) & 0xff) + 1];
    if (count[((keys.empty() ? 0 : keys[0]) >> shift & 0xff) + 1] == keys.size()) continue;
    for (int b = 0; b < 256; ++b) count[b + 1] += count[b];
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const std::size_t to = count[(keys[i] >> shift) & 0xff]++;
      keys_out[to] = keys[i];
      items_out[to] = items[i];
    }
    keys.swap(keys_out);
    items.swap(items_out);
  }
}

}  // namespace

SpaceValues::SpaceValues(std::vector<std::pair<double, std::uint32_t>> weighted) {
  SortScratch scratch;
  radix_sort(weighted, scratch);
  *this = SpaceValues(weighted, Sorted{});
}

SpaceValues::SpaceValues(const std::vector<std::pair<double, std::uint32_t>>& weighted, Sorted) {
  values_.reserve(weighted.size());
  cumulative_.reserve(weighted.size());
  std::uint64_t total = 0;
  for (const auto& [value, weight] : weighted) {
    total += weight;
    if (!values_.empty() && values_.back() == value) {
      cumulative_.back() = total;
    } else {
      values_.push_back(value);
      cumulative_.push_back(total);
    }
  }
}

double SpaceValues::at(std::uint64_t expanded_index) const {
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), expanded_index);
  return values_[static_cast<std::size_t>(it - cumulative_.begin())];
}

double SpaceValues::quantile(double p) const {
  assert(size() > 0 && p >= 0.0 && p <= 1.0);
  const double h = static_cast<double>(size() - 1) * p;
  const auto lo = static_cast<std::uint64_t>(std::floor(h));
  const double x_lo = at(lo);
  if (lo + 1 >= size()) return x_lo;
  return x_lo + (h - static_cast<double>(lo)) * (at(lo + 1) - x_lo);
}

double SpaceValues::percentile_of(double value) const {
  const auto it = std::upper_bound(values_.begin(), values_.end(), value);
  if (it == values_.begin()) return 0.0;
  const std::uint64_t at_or_below = cumulative_[static_cast<std::size_t>(it - values_.begin()) - 1];
  return 100.0 * static_cast<double>(at_or_below) / static_cast<double>(size());
}

const OracleMeasure& Oracle::find(const std::string& measure, const std::string& seed) const {
  std::string available;
  for (const auto& m : measures) {
    if (m.measure == measure && m.seed == seed) return m;
    available += (available.empty() ? "" : ", ") + m.measure + (m.seed.empty() ? "" : "@" + m.seed);
  }
  throw InvalidArgument("no oracle measure " + measure + (seed.empty() ? "" : "@" + seed) +
                        " (available: " + available + ")");
}

const std::vector<double>& oracle_report_percentiles() {
  static const std::vector<double> percentiles = {0, 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 100};
  return percentiles;
}

namespace {

// One measure from its values per (class, hp) row, each row weighted by its class's cellcodes.
OracleMeasure make_measure(const std::string& name, const std::string& seed,
                           const std::vector<double>& by_row,
                           const std::vector<std::uint32_t>& class_size,
                           const std::array<std::int16_t, kNumCells>& class_of_cell,
                           std::vector<std::pair<double, std::uint32_t>>& weighted,
                           SortScratch& scratch) {
  OracleMeasure m;
  m.measure = name;
  m.seed = seed;
  weighted.clear();
  double best = -std::numeric_limits<double>::infinity();
  for (std::size_t row = 0; row < by_row.size(); ++row) {
    const std::uint32_t weight = class_size[row / kNumHyperparameterPairs];
    if (weight == 0) continue;
    weighted.emplace_back(by_row[row], weight);
    best = std::max(best, by_row[row]);
  }
  m.best = best;
  for (int cell = 0; cell < kNumCells; ++cell) {
    const std::size_t base =
        static_cast<std::size_t>(class_of_cell[cell]) * kNumHyperparameterPairs;
    for (int hp = 0; hp < kNumHyperparameterPairs; ++hp) {
      if (by_row[base + hp] == best) {
        m.best_configs.push_back(Config::from_index(cell * kNumHyperparameterPairs + hp));
      }
    }
  }
  radix_sort(weighted, scratch);
  m.values = SpaceValues(weighted, SpaceValues::Sorted{});
  return m;
}

}  // namespace

Oracle compute_oracle(const Benchmark& benchmark) {
  const Table& table = benchmark.table();
  Oracle oracle;
  oracle.data_kind = benchmark.source().kind;
  oracle.data_description = benchmark.source().description;
  oracle.data_checksum = benchmark.checksum();

  const auto& class_of_cell = table.class_of_cell();
  std::vector<std::uint32_t> class_size(static_cast<std::size_t>(table.num_classes()), 0);
  for (int cell = 0; cell < kNumCells; ++cell) ++class_size[class_of_cell[cell]];

  const std::size_t rows = static_cast<std::size_t>(table.num_classes()) * kNumHyperparameterPairs;
  const int num_seeds = table.num_seeds();
  const ColumnValues& avg200 = table.at(columns::kAvgAcc200).values;
  std::vector<double> avg_acc_200(avg200.begin(), avg200.begin() + static_cast<long>(rows));

  // Final-epoch accuracy of each row at seed s, or (s == num_seeds) the mean in seed order; one
  // reused buffer, since fresh memory is what costs most here.
  auto final_epoch = [&](const ColumnValues& values, int s, std::size_t row) {
    auto at = [&](int seed) {
      return values[(row * num_seeds + seed) * kEpochsPerRun + kEpochsPerRun - 1];
    };
    if (s < num_seeds) return at(s);
    double sum = 0.0;
    for (int seed = 0; seed < num_seeds; ++seed) sum += at(seed);
    return sum / num_seeds;
  };
  const ColumnValues& valid = table.at(columns::kValidAcc).values;
  const ColumnValues& test = table.at(columns::kTestAcc).values;
  std::vector<double> by_row(rows);

  std::vector<std::pair<double, std::uint32_t>> weighted;
  weighted.reserve(rows);
  SortScratch scratch;
  OracleMeasure best_200 =
      make_measure("avg_acc_200", "", avg_acc_200, class_size, class_of_cell, weighted, scratch);
  for (int s = 0; s <= num_seeds; ++s) {
    const std::string seed = s < num_seeds ? std::to_string(table.seeds()[s]) : "mean";
    for (std::size_t row = 0; row < rows; ++row) by_row[row] = final_epoch(valid, s, row);
    oracle.measures.push_back(
        make_measure("valid_acc_12", seed, by_row, class_size, class_of_cell, weighted, scratch));
    for (std::size_t row = 0; row < rows; ++row) by_row[row] = final_epoch(test, s, row);
    oracle.measures.push_back(
        make_measure("test_acc_12", seed, by_row, class_size, class_of_cell, weighted, scratch));
    const OracleMeasure& v = oracle.measures[oracle.measures.size() - 2];
    OracleProxy proxy;
    proxy.seed = seed;
    proxy.best_valid_acc_12 = v.best;
    proxy.chosen = v.best_configs;
    proxy.chosen_test_acc_12 = -std::numeric_limits<double>::infinity();
    proxy.chosen_avg_acc_200 = -std::numeric_limits<double>::infinity();
    for (const Config& c : v.best_configs) {
      const std::size_t row = table.config_row(class_of_cell[c.cell_index()], c.hp_index());
      proxy.chosen_test_acc_12 = std::max(proxy.chosen_test_acc_12, final_epoch(test, s, row));
      proxy.chosen_avg_acc_200 = std::max(proxy.chosen_avg_acc_200, avg_acc_200[row]);
    }
    proxy.proxy_gap_200 = best_200.best - proxy.chosen_avg_acc_200;
    oracle.proxies.push_back(std::move(proxy));
  }
  oracle.measures.push_back(std::move(best_200));
  return oracle;
}

}  // namespace nhb2
