// Tests of the built-in synthetic benchmark against facts of the real NAS-HPO-Bench-II data
// (see docs/synthetic.md). Statistics count every one of the 4096 × 48 cellcode configurations
// (each looked up through class_of_cell, so a class weighs as much as its number of cellcodes);
// "with a path" means Cell::has_path() of the cellcode. Single-seed statistics use seed index 0
// (seed 222), the reference API's default; "final" means epoch index 11.

#include <nhb2/benchmark_api/synthetic.hpp>

#include <nhb2/core/canonical.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <vector>

namespace {

using nhb2::Table;

const Table& default_table() {
  static const Table table = nhb2::make_synthetic_table();
  return table;
}

const nhb2::ColumnValues& values(const char* name) {
  return default_table().at(name).values;
}

// Nearest-rank quantile, q in [0, 1].
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(std::lround(q * static_cast<double>(v.size() - 1)))];
}

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double ma = mean(a), mb = mean(b);
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) * (a[i] - ma);
    bb += (b[i] - mb) * (b[i] - mb);
  }
  return ab / std::sqrt(aa * bb);
}

// Ranks with ties sharing their mean rank.
std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&v](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = 0.5 * static_cast<double>(i + j);
    i = j + 1;
  }
  return r;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  return pearson(ranks(a), ranks(b));
}

// One entry per cellcode configuration (cell × 48 + hp), seed index 0.
struct ConfigRow {
  int cell = 0;
  int cls = 0;
  int hp = 0;
  bool has_path = false;
};

const std::vector<ConfigRow>& config_rows() {
  static const std::vector<ConfigRow> rows = [] {
    std::vector<ConfigRow> out;
    out.reserve(nhb2::kNumConfigs);
    const Table& table = default_table();
    for (int cell = 0; cell < nhb2::kNumCells; ++cell) {
      const bool has_path = nhb2::Cell::from_index(cell).has_path();
      for (int hp = 0; hp < nhb2::kNumHyperparameterPairs; ++hp) {
        out.push_back(ConfigRow{cell, table.class_of_cell()[cell], hp, has_path});
      }
    }
    return out;
  }();
  return rows;
}

double epoch_value(const char* column, const ConfigRow& row, int epoch, int seed_index = 0) {
  return values(column)[default_table().epoch_row(row.cls, row.hp, seed_index, epoch)];
}
double final_valid(const ConfigRow& row, int seed_index = 0) {
  return epoch_value(nhb2::columns::kValidAcc, row, 11, seed_index);
}
double trainval_cost(const ConfigRow& row) {
  return values(nhb2::columns::kTotalTrainvalTime)[default_table().run_row(row.cls, row.hp, 0)];
}

std::vector<double> final_valid_with_path() {
  std::vector<double> out;
  for (const auto& row : config_rows()) {
    if (row.has_path) out.push_back(final_valid(row));
  }
  return out;
}

bool is_good(const ConfigRow& row) {
  return row.has_path && final_valid(row) >= 80.0;
}

}  // namespace

TEST_CASE("synthetic table: shape, source label, classes and hashes", "[synthetic]") {
  const Table& table = default_table();
  REQUIRE_NOTHROW(table.validate());
  CHECK(table.source().kind == "synthetic");
  CHECK(table.source().description == "synthetic (generator v1, seed 1)");
  CHECK(table.num_classes() == nhb2::kNumCellClasses);
  CHECK(table.seeds() == std::vector<int>{222, 555, 888});

  std::vector<std::string> names;
  for (const auto& column : table.columns()) names.push_back(column.name);
  CHECK(names.size() == 10);

  const auto& classes = nhb2::CellClasses::get();
  std::map<int, std::string> hash_of_class;
  for (int cell = 0; cell < nhb2::kNumCells; ++cell) {
    const int c = table.class_of_cell()[cell];
    REQUIRE(c == classes.class_of(cell));
    const std::string& hash = table.cell_hash()[cell];
    REQUIRE(hash.size() == 36);
    REQUIRE(hash.rfind("syn-", 0) == 0);
    for (std::size_t i = 4; i < hash.size(); ++i) {
      REQUIRE(std::isxdigit(static_cast<unsigned char>(hash[i])));
    }
    auto [it, inserted] = hash_of_class.emplace(c, hash);
    REQUIRE(it->second == hash);  // one hash per class
  }
  std::set<std::string> distinct;
  for (const auto& [c, hash] : hash_of_class) distinct.insert(hash);
  CHECK(distinct.size() == static_cast<std::size_t>(nhb2::kNumCellClasses));
}

TEST_CASE("synthetic table: deterministic in its seed", "[synthetic]") {
  const std::string checksum = default_table().checksum();
  CHECK(nhb2::make_synthetic_table(nhb2::kDefaultSyntheticSeed).checksum() == checksum);
  const Table other = nhb2::make_synthetic_table(2);
  CHECK(other.checksum() != checksum);
  CHECK(other.source().description == "synthetic (generator v1, seed 2)");
  // Only the values differ: the classes are the same.
  CHECK(other.class_of_cell() == default_table().class_of_cell());
}

TEST_CASE("synthetic table: every value finite and in range", "[synthetic]") {
  for (const auto& column : default_table().columns()) {
    INFO(column.name);
    const bool accuracy = column.name.find("acc") != std::string::npos;
    bool ok = true;
    for (double v : column.values) {
      ok = ok && std::isfinite(v) && (accuracy ? (v >= 0.0 && v <= 100.0) : v > 0.0);
    }
    CHECK(ok);
  }
  for (double v : values(nhb2::columns::kAvgAcc200)) REQUIRE(v < 97.0);
}

TEST_CASE("synthetic table: per-run totals are the sums of the per-epoch times", "[synthetic]") {
  const Table& table = default_table();
  const auto& train = values(nhb2::columns::kTrainTime);
  const auto& valid = values(nhb2::columns::kValidTime);
  const auto& test = values(nhb2::columns::kTestTime);
  const auto& total_train = values(nhb2::columns::kTotalTrainTime);
  const auto& total_trainval = values(nhb2::columns::kTotalTrainvalTime);
  const auto& total_test = values(nhb2::columns::kTotalTestTime);
  double worst = 0;
  for (int c = 0; c < table.num_classes(); ++c) {
    for (int hp = 0; hp < nhb2::kNumHyperparameterPairs; ++hp) {
      for (int s = 0; s < table.num_seeds(); ++s) {
        double sum_train = 0, sum_valid = 0, sum_test = 0;
        for (int e = 0; e < nhb2::kEpochsPerRun; ++e) {
          const std::size_t row = table.epoch_row(c, hp, s, e);
          sum_train += train[row];
          sum_valid += valid[row];
          sum_test += test[row];
        }
        const std::size_t run = table.run_row(c, hp, s);
        worst = std::max({worst, std::abs(total_train[run] - sum_train) / sum_train,
                          std::abs(total_trainval[run] - (sum_train + sum_valid)) / sum_train,
                          std::abs(total_test[run] - sum_test) / sum_test});
      }
    }
  }
  CHECK(worst < 1e-12);
}

TEST_CASE("synthetic: 12-epoch valid accuracy distribution matches the real data", "[synthetic]") {
  // Real (seed 222, configs with a path): best 86.23, p10 ≈ 44, median ≈ 65, p90 ≈ 78.
  const std::vector<double> acc = final_valid_with_path();
  const double best = *std::max_element(acc.begin(), acc.end());
  INFO("best " << best << " p10 " << quantile(acc, 0.1) << " median " << quantile(acc, 0.5)
               << " p90 " << quantile(acc, 0.9));
  CHECK(best >= 85.0);
  CHECK(best <= 88.0);
  CHECK(quantile(acc, 0.5) >= 58.0);
  CHECK(quantile(acc, 0.5) <= 72.0);
  CHECK(quantile(acc, 0.1) >= 35.0);
  CHECK(quantile(acc, 0.1) <= 52.0);
  CHECK(quantile(acc, 0.9) >= 74.0);
  CHECK(quantile(acc, 0.9) <= 82.0);
}

TEST_CASE("synthetic: the no-path class is at chance for every lr, bs, seed and epoch",
          "[synthetic]") {
  const Table& table = default_table();
  const int no_path = nhb2::CellClasses::get().no_path_class();
  for (const char* column :
       {nhb2::columns::kTrainAcc, nhb2::columns::kValidAcc, nhb2::columns::kTestAcc}) {
    double lo = 100, hi = 0;
    for (int hp = 0; hp < nhb2::kNumHyperparameterPairs; ++hp) {
      for (int s = 0; s < table.num_seeds(); ++s) {
        for (int e = 0; e < nhb2::kEpochsPerRun; ++e) {
          const double v = values(column)[table.epoch_row(no_path, hp, s, e)];
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
      }
    }
    INFO(column << " in " << lo << " .. " << hi);
    CHECK(lo >= 9.0);
    CHECK(hi <= 11.0);
  }
}

TEST_CASE("synthetic: lr 0.4 with batch size 16 is poor", "[synthetic]") {
  std::vector<double> acc;
  for (const auto& row : config_rows()) {
    if (row.has_path && row.hp == 7 * nhb2::kNumBatchSizes + 0) acc.push_back(final_valid(row));
  }
  INFO("mean " << mean(acc));
  CHECK(mean(acc) < 40.0);
}

TEST_CASE("synthetic: the best learning rate grows with the batch size", "[synthetic]") {
  std::vector<double> sum(nhb2::kNumHyperparameterPairs, 0.0);
  std::vector<int> count(nhb2::kNumHyperparameterPairs, 0);
  for (const auto& row : config_rows()) {
    if (!row.has_path) continue;
    sum[row.hp] += final_valid(row);
    ++count[row.hp];
  }
  std::vector<int> best_lr;
  for (int bs = 0; bs < nhb2::kNumBatchSizes; ++bs) {
    int best = 0;
    for (int lr = 1; lr < nhb2::kNumLearningRates; ++lr) {
      const int hp = lr * nhb2::kNumBatchSizes + bs, top = best * nhb2::kNumBatchSizes + bs;
      if (sum[hp] / count[hp] > sum[top] / count[top]) best = lr;
    }
    best_lr.push_back(best);
  }
  INFO("argmax lr index by bs 16..512: " << best_lr[0] << best_lr[1] << best_lr[2] << best_lr[3]
                                         << best_lr[4] << best_lr[5]);
  CHECK(std::is_sorted(best_lr.begin(), best_lr.end()));
  CHECK(best_lr.back() > best_lr.front());
}

TEST_CASE("synthetic: train+valid cost matches the real data", "[synthetic]") {
  // Real: min ≈ 45-54 s, max seen ≈ 2,740 s, median ≈ 172 s, bs 16 median ≈ 6× bs 512 median.
  std::vector<double> cost;
  std::vector<std::vector<double>> by_bs(nhb2::kNumBatchSizes);
  std::map<int, std::vector<double>> by_conv;
  for (const auto& row : config_rows()) {
    const double c = trainval_cost(row);
    cost.push_back(c);
    by_bs[row.hp % nhb2::kNumBatchSizes].push_back(c);
    by_conv[nhb2::Cell::from_index(row.cell).count(nhb2::Op::conv3x3)].push_back(c);
  }
  const double cheapest = *std::min_element(cost.begin(), cost.end());
  const double dearest = *std::max_element(cost.begin(), cost.end());
  INFO("min " << cheapest << " max " << dearest << " median " << quantile(cost, 0.5));
  CHECK(cheapest >= 35.0);
  CHECK(cheapest <= 60.0);
  CHECK(dearest >= 1500.0);
  CHECK(dearest <= 4000.0);
  CHECK(quantile(cost, 0.5) >= 120.0);
  CHECK(quantile(cost, 0.5) <= 250.0);
  CHECK(quantile(by_bs.front(), 0.5) >= 4.0 * quantile(by_bs.back(), 0.5));
  for (int conv = 1; conv <= nhb2::kNumEdges; ++conv) {
    INFO("#conv " << conv);
    CHECK(mean(by_conv[conv]) > mean(by_conv[conv - 1]));
  }
}

TEST_CASE("synthetic: valid accuracy rises over the epochs for good configurations",
          "[synthetic]") {
  std::vector<double> first, middle, last;
  int rising = 0, smooth = 0;
  for (const auto& row : config_rows()) {
    if (!is_good(row)) continue;
    std::vector<double> curve;
    for (int e = 0; e < nhb2::kEpochsPerRun; ++e) {
      curve.push_back(epoch_value(nhb2::columns::kValidAcc, row, e));
    }
    first.push_back(curve[0]);
    middle.push_back(curve[5]);
    last.push_back(curve[11]);
    rising += curve[0] < curve[5] && curve[5] < curve[11];
    int drops = 0;  // epoch-to-epoch falls of more than one point
    for (int e = 1; e < nhb2::kEpochsPerRun; ++e) drops += curve[e] < curve[e - 1] - 1.0;
    smooth += drops <= 1;
  }
  REQUIRE(first.size() > 1000);
  const double n = static_cast<double>(first.size());
  INFO("epochs 1/6/12: " << mean(first) << " / " << mean(middle) << " / " << mean(last));
  CHECK(mean(first) < mean(middle));
  CHECK(mean(middle) < mean(last));
  CHECK(rising / n >= 0.95);
  CHECK(smooth / n >= 0.9);
}

TEST_CASE("synthetic: seed noise of the final valid accuracy", "[synthetic]") {
  std::vector<double> stds;
  for (const auto& row : config_rows()) {
    if (!row.has_path) continue;
    const double a = final_valid(row, 0), b = final_valid(row, 1), c = final_valid(row, 2);
    const double m = (a + b + c) / 3.0;
    stds.push_back(std::sqrt(((a - m) * (a - m) + (b - m) * (b - m) + (c - m) * (c - m)) / 2.0));
  }
  INFO("median std " << quantile(stds, 0.5));
  CHECK(quantile(stds, 0.5) >= 0.2);
  CHECK(quantile(stds, 0.5) <= 1.0);
}

TEST_CASE("synthetic: test accuracy tracks valid accuracy", "[synthetic]") {
  std::vector<double> valid, test, diff;
  for (const auto& row : config_rows()) {
    if (!row.has_path) continue;
    valid.push_back(final_valid(row));
    test.push_back(epoch_value(nhb2::columns::kTestAcc, row, 11));
    diff.push_back(test.back() - valid.back());
  }
  INFO("mean(test - valid) " << mean(diff) << " pearson " << pearson(valid, test));
  CHECK(std::abs(mean(diff)) < 1.5);
  CHECK(pearson(valid, test) > 0.97);
}

TEST_CASE("synthetic: train accuracy ends above valid for good configurations", "[synthetic]") {
  int good = 0, above = 0;
  for (const auto& row : config_rows()) {
    if (!is_good(row)) continue;
    ++good;
    above += epoch_value(nhb2::columns::kTrainAcc, row, 11) >= final_valid(row);
  }
  REQUIRE(good > 0);
  CHECK(above / static_cast<double>(good) >= 0.95);
}

TEST_CASE("synthetic: avg_acc_200 improves on 12 epochs and ranks like them", "[synthetic]") {
  const Table& table = default_table();
  const auto& acc200 = values(nhb2::columns::kAvgAcc200);
  int good = 0, improved = 0;
  std::vector<double> all200, all12;
  for (const auto& row : config_rows()) {
    const double a200 = acc200[table.config_row(row.cls, row.hp)];
    all200.push_back(a200);
    all12.push_back(final_valid(row));
    if (!is_good(row)) continue;
    ++good;
    improved += a200 > epoch_value(nhb2::columns::kTestAcc, row, 11);
  }
  REQUIRE(good > 0);
  const double rho = spearman(all200, all12);
  INFO("improved " << improved << " of " << good << ", spearman " << rho);
  CHECK(improved / static_cast<double>(good) >= 0.95);
  CHECK(rho >= 0.6);
  CHECK(rho <= 0.9);
}
