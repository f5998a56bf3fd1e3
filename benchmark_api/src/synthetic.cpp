#include <nhb2/benchmark_api/synthetic.hpp>

#include <nhb2/core/canonical.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/core/rng.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>

// The model, and the real fact each constant was calibrated against, is described in
// docs/synthetic.md. Scales: accuracies in percent; z a logit-like latent quality; times in
// seconds; "ratio" = log2(lr / batch size).

namespace nhb2 {

namespace {

// ---- accuracy --------------------------------------------------------------------------------
constexpr double kChance = 10.0;        // the 10,000-image test set is balanced
constexpr double kTop12 = 87.5;         // 12-epoch accuracy as z → ∞
constexpr double kTop200 = 95.5;        // 200-epoch accuracy as z → ∞
constexpr double kPeakRatio = -9.4;     // preferred log2(lr/bs) of an average cell
constexpr double kPeakSlope = 0.12;     // linear part of the hyperparameter penalty, per unit ratio
constexpr double kWidthHigh = 2.9;      // quadratic fall-off above the preferred ratio (steep)
constexpr double kWidthLow = 13.0;      // quadratic fall-off below it (gentle)
constexpr double kBatchPenalty = 0.08;  // × (doublings of bs above 64)²: too few SGD steps
constexpr double kConfigNoise = 0.22;   // config-specific quality nothing else explains

// Divergence (NaN loss → chance) happens only at the largest ratios.
constexpr double kDivergeRatio = -5.0;
constexpr double kDivergeScale = 0.5;
constexpr double kDivergeSeedSd = 0.4;  // the seed's share of the decision

// Class counts of the 25,000/25,000 train/valid split of CIFAR-10's 50,000 training images:
// hypergeometric, sd √(25000·0.1·0.9·0.5) ≈ 33.5 images = 0.134 points.
constexpr double kSplitShareSd = 0.134;

// ---- cost ----------------------------------------------------------------------------------
// Train+valid seconds over 12 epochs ≈ (kCostFixed + kCostPerStep / bs) · exp(cell effects):
// per-image work plus per-step overhead.
constexpr double kCostFixed = 80.0;
constexpr double kCostPerStep = 7860.0;
// ln-cost per op edge of the trained representative, dead or not (the network has it). The
// representatives put convs on dead edges (digit 0 sorts first), so these are chosen such that
// the regression on the *queried* cellcode's counts gives the real +0.055 conv, -0.13 pool,
// -0.12 skip (see docs/synthetic.md).
constexpr double kCostConv = 0.23;
constexpr double kCostPool = 0.01;
constexpr double kCostSkip = 0.0;
// Mean op counts of the representative over all cellcodes: effects are centred on them.
constexpr double kMeanConv = 2.16, kMeanPool = 1.32, kMeanSkip = 1.21;
constexpr double kValidOverTrain = 0.30;  // forward only, over as many images
constexpr double kTestOverValid = 0.40;   // 10,000 test vs 25,000 valid images
constexpr double kSlowRunRate = 0.03;     // runs that landed on a slow or busy machine

double logistic(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}
double clamp(double x, double lo, double hi) {
  return std::min(hi, std::max(lo, x));
}
double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

struct CellFeatures {
  int conv = 0, pool = 0, skip = 0;  // all edges
  int live_conv = 0, live_pool = 0;  // edges on some input→output path
  int depth = 0;                     // most convs on one input→output path
  bool clean_conv_path = false;      // a path with a conv and no pool
  bool identity_path = false;        // a path of skips only: a residual shortcut
  bool pool_everywhere = false;      // every path has a pool
};

CellFeatures features_of(const Cell& cell) {
  // The four input→output paths as edge lists: 0→3, 0→1→3, 0→2→3, 0→1→2→3.
  static constexpr int kPaths[4][3] = {{3, -1, -1}, {0, 4, -1}, {1, 5, -1}, {0, 2, 5}};
  CellFeatures f;
  f.conv = cell.count(Op::conv3x3);
  f.pool = cell.count(Op::avg_pool3x3);
  f.skip = cell.count(Op::skip);
  std::array<bool, kNumEdges> live{};
  bool any_path = false, clean_path = false;
  for (const auto& path : kPaths) {
    int conv = 0, pool = 0;
    bool open = true;
    for (int e : path) {
      if (e < 0) break;
      const Op op = cell.edges[e];
      open = open && op != Op::zero;
      conv += op == Op::conv3x3;
      pool += op == Op::avg_pool3x3;
    }
    if (!open) continue;
    any_path = true;
    for (int e : path) {
      if (e >= 0) live[e] = true;
    }
    f.depth = std::max(f.depth, conv);
    f.clean_conv_path = f.clean_conv_path || (conv > 0 && pool == 0);
    f.identity_path = f.identity_path || (conv == 0 && pool == 0);
    clean_path = clean_path || pool == 0;
  }
  f.pool_everywhere = any_path && !clean_path;
  for (int e = 0; e < kNumEdges; ++e) {
    if (!live[e]) continue;
    f.live_conv += cell.edges[e] == Op::conv3x3;
    f.live_pool += cell.edges[e] == Op::avg_pool3x3;
  }
  return f;
}

// Per-class latent traits, drawn once from the class's own stream.
struct ClassTraits {
  double z_arch = 0;       // architecture quality
  double ratio_shift = 0;  // preferred ratio relative to kPeakRatio
  double sensitivity = 1;  // how sharply accuracy falls off away from the preferred ratio
  double z200_shift = 0;   // the cell's 200-epoch potential is logistic(z_arch + z200_shift)
  double catch_up = 0;     // logit of the share of the way to that potential 200 epochs cover
  double diverge_shift = 0;
  double cost_log = 0;   // ln multiplier of all times
  double train_gap = 0;  // train − valid accuracy at the end, for a good config
};

ClassTraits draw_traits(const CellFeatures& f, Rng& rng) {
  ClassTraits t;
  // Main effects: a conv lets the cells learn; a second one helps, more than three hurt in
  // 12 epochs; pooling blurs the signal, worst when no path avoids it.
  double z = 0.95;
  if (f.live_conv >= 1) z += 0.85;
  if (f.live_conv >= 2) z += 0.25;
  z -= 0.2 * std::max(f.live_conv - 3, 0);
  if (f.depth >= 2) z += 0.2;
  z -= 0.25 * f.live_pool;
  if (f.clean_conv_path) z += 0.45;
  if (f.pool_everywhere) z -= 0.25;
  // Interactions: a residual shortcut helps deep cells; a plain deep chain trains slowly.
  if (f.depth >= 2 && f.identity_path) z += 0.25;
  if (f.depth == 3 && !f.identity_path) z -= 0.25;
  t.z_arch = z + 0.28 * standard_normal(rng);

  // Cell × hyperparameter interactions: shortcuts and parameter-free cells want larger steps,
  // plain deep chains smaller ones.
  double shift = 0.4 * standard_normal(rng);
  if (f.identity_path) shift += 0.4;
  if (!f.identity_path) shift -= 0.25 * std::max(f.depth - 1, 0);
  if (f.live_conv == 0) shift += 0.5;
  t.ratio_shift = shift;
  t.sensitivity = std::exp(0.2 * standard_normal(rng)) * (f.live_conv == 0 ? 0.6 : 1.0);

  // Long training rewards capacity: convs and depth gain more than in 12 epochs.
  t.z200_shift = 0.9 + 0.15 * (f.live_conv - 2) + 0.1 * f.depth + 0.45 * standard_normal(rng);
  t.catch_up = 0.4 * standard_normal(rng);
  t.diverge_shift = 0.4 * standard_normal(rng) + (f.identity_path ? 0.3 : 0.0) - 0.15 * f.depth;
  t.cost_log = kCostConv * (f.conv - kMeanConv) + kCostPool * (f.pool - kMeanPool) +
               kCostSkip * (f.skip - kMeanSkip) + 0.06 * standard_normal(rng);
  t.train_gap = 3.0 * std::exp(0.3 * standard_normal(rng)) + 0.5 * f.live_conv;
  return t;
}

struct Columns {
  double* train_acc;
  double* valid_acc;
  double* test_acc;
  double* train_time;
  double* valid_time;
  double* test_time;
  double* total_train;
  double* total_trainval;
  double* total_test;
  double* avg_acc_200;
};

// What a network that always predicts one class scores: the class's share of each split.
struct ChanceLevels {
  double train_class0 = kChance, valid_class0 = kChance;      // NaN outputs: argmax is class 0
  double train_majority = kChance, valid_majority = kChance;  // a constant learnt predictor
};

ChanceLevels draw_chance_levels(Rng& rng) {
  // Each class has 5,000 training images: what the train split has more of, valid has less of.
  std::array<double, 10> excess{};
  double mean = 0;
  for (double& x : excess) {
    x = kSplitShareSd * standard_normal(rng);
    mean += x / 10.0;
  }
  for (double& x : excess) x -= mean;
  const double majority = *std::max_element(excess.begin(), excess.end());
  ChanceLevels levels;
  levels.train_class0 = kChance + excess[0];
  levels.valid_class0 = kChance - excess[0];
  levels.train_majority = kChance + majority;
  levels.valid_majority = kChance - majority;
  return levels;
}

void write_times(const Table& table, const Columns& out, int cls, int hp, int seed_index,
                 double log_trainval, double valid_ratio, Rng& rng) {
  double log_run = log_trainval + 0.10 * standard_normal(rng);
  if (uniform_real(rng) < kSlowRunRate) log_run += 0.25 + 0.65 * uniform_real(rng);
  const double train_total = std::exp(log_run) / (1.0 + valid_ratio);
  std::array<double, kEpochsPerRun> weight{};
  double weight_sum = 0;
  for (int e = 0; e < kEpochsPerRun; ++e) {
    // The first epoch pays for warm-up (cuDNN autotuning, data-loader start).
    weight[e] = (e == 0 ? 1.08 : 1.0) * (1.0 + 0.02 * standard_normal(rng));
    weight_sum += weight[e];
  }
  double sum_train = 0, sum_valid = 0, sum_test = 0;
  for (int e = 0; e < kEpochsPerRun; ++e) {
    const std::size_t row = table.epoch_row(cls, hp, seed_index, e);
    const double train = train_total * weight[e] / weight_sum;
    const double valid = train * valid_ratio * (1.0 + 0.03 * standard_normal(rng));
    const double test = valid * kTestOverValid * (1.0 + 0.03 * standard_normal(rng));
    out.train_time[row] = train;
    out.valid_time[row] = valid;
    out.test_time[row] = test;
    sum_train += train;
    sum_valid += valid;
    sum_test += test;
  }
  // Stored totals are the per-epoch sums, so cost queries agree at every iepoch.
  const std::size_t run = table.run_row(cls, hp, seed_index);
  out.total_train[run] = sum_train;
  out.total_trainval[run] = sum_train + sum_valid;
  out.total_test[run] = sum_test;
}

void write_chance_epoch(const Columns& out, std::size_t row, double train, double valid, Rng& rng) {
  out.train_acc[row] = train + 0.05 * standard_normal(rng);  // a running average: a bit noisy
  out.valid_acc[row] = valid;
  out.test_acc[row] = kChance;
}

void generate_class(const Table& table, const Columns& out, int cls, bool no_path,
                    const CellFeatures& f, const ChanceLevels& chance, Rng& rng) {
  const ClassTraits t = draw_traits(f, rng);
  const double potential200 = kChance + (kTop200 - kChance) * logistic(t.z_arch + t.z200_shift);
  for (int lr_index = 0; lr_index < kNumLearningRates; ++lr_index) {
    for (int bs_index = 0; bs_index < kNumBatchSizes; ++bs_index) {
      const int hp = lr_index * kNumBatchSizes + bs_index;
      const double log2_bs = std::log2(static_cast<double>(kBatchSizes[bs_index]));
      const double ratio = std::log2(kLearningRates[lr_index]) - log2_bs;
      const double delta = ratio - (kPeakRatio + t.ratio_shift);

      // Latent quality and expected 12-epoch accuracy. The linear part of the penalty makes the
      // optimum a peak rather than a plateau.
      const double distance = delta > 0 ? delta / kWidthHigh : -delta / kWidthLow;
      const double doublings = std::max(0.0, log2_bs - 6.0);
      const double batch = kBatchPenalty * doublings * doublings;
      const double config_effect = kConfigNoise * standard_normal(rng);
      const double z = t.z_arch -
                       t.sensitivity * (kPeakSlope * std::abs(delta) + distance * distance) -
                       batch + config_effect;
      const double acc = kChance + (kTop12 - kChance) * logistic(z);

      // Divergence: mostly a property of the configuration, a little of the seed.
      const double diverge_base =
          (ratio - kDivergeRatio - t.diverge_shift) / kDivergeScale + 1.5 * standard_normal(rng);
      const double p_diverge = normal_cdf(diverge_base / kDivergeSeedSd);

      // 200 epochs cover part of the way from this config's 12-epoch accuracy to the cell's
      // 200-epoch potential: more for small learning rates and large batches (they were only
      // slow), less above the preferred ratio; the surrogate adds its own error.
      // avg_acc_200 is the expectation over divergence.
      const double catch_up = t.catch_up + 0.2 * std::max(0.0, -delta) + 0.15 * doublings -
                              0.3 * std::max(0.0, delta) + 0.2 * standard_normal(rng);
      const double acc200 = acc + std::max(potential200 - acc, 1.0) * logistic(catch_up);
      out.avg_acc_200[table.config_row(cls, hp)] =
          no_path ? kChance + 0.05 * standard_normal(rng)
                  : (1.0 - p_diverge) * acc200 + p_diverge * kChance;

      // Learning-curve shape: the share of the final gain reached after epoch 1, and how fast
      // the rest comes (fast near the preferred ratio and with many steps per epoch).
      const double first =
          clamp(0.55 - 0.06 * (log2_bs - 4.0) - 0.05 * std::max(0.0, -delta), 0.08, 0.7);
      const double kappa = 1.6 + 0.1 * (log2_bs - 4.0);
      const double fluctuation = 1.5 + 2.5 * logistic((delta - 1.5) / 0.6);
      const double q = (acc - kChance) / (kTop12 - kChance);
      const double seed_sd =
          0.25 + 0.45 * std::sqrt(4.0 * q * (1.0 - q)) + 0.9 * logistic((delta - 2.0) / 0.6);
      const double test_offset = -0.2 + 0.3 * standard_normal(rng);
      const double gap = t.train_gap * q * q * (1.0 + 0.1 * (6.0 - log2_bs));

      const double log_trainval =
          std::log(kCostFixed + kCostPerStep / kBatchSizes[bs_index]) + t.cost_log;
      const double valid_ratio = kValidOverTrain * std::exp(0.05 * standard_normal(rng));

      for (int s = 0; s < table.num_seeds(); ++s) {
        write_times(table, out, cls, hp, s, log_trainval, valid_ratio, rng);
        if (no_path) {
          // The cells output zero, so the network learns to predict the majority class of its
          // train split, which is a minority class of the valid split.
          for (int e = 0; e < kEpochsPerRun; ++e) {
            write_chance_epoch(out, table.epoch_row(cls, hp, s, e), chance.train_majority,
                               chance.valid_majority, rng);
          }
          continue;
        }
        const bool diverged = diverge_base + kDivergeSeedSd * standard_normal(rng) > 0;
        const double final_valid = clamp(acc + seed_sd * standard_normal(rng), kChance + 0.3, 99.0);
        const double final_train = std::min(final_valid + gap, 99.8);
        const int diverge_epoch =
            !diverged ? kEpochsPerRun : (uniform_real(rng) < 0.6 ? 0 : 1 + uniform_index(rng, 4));
        for (int e = 0; e < kEpochsPerRun; ++e) {
          const std::size_t row = table.epoch_row(cls, hp, s, e);
          if (e >= diverge_epoch) {
            write_chance_epoch(out, row, chance.train_class0, chance.valid_class0, rng);
            continue;
          }
          const double x = e / static_cast<double>(kEpochsPerRun - 1);
          const double progress = 1.0 - (1.0 - first) * std::pow(1.0 - x, kappa);
          // Epoch-to-epoch wobble shrinks as the cosine schedule anneals the learning rate.
          const double wobble = fluctuation * (1.0 - x) * standard_normal(rng);
          const double valid =
              clamp(kChance + (final_valid - kChance) * progress + wobble, 8.0, 99.5);
          const double test = clamp(valid + test_offset + 0.3 * standard_normal(rng), 8.0, 99.5);
          // Train accuracy is a running average over the epoch: it lags early, then overtakes.
          const double train_progress = progress * (0.75 + 0.25 * x);
          const double train =
              clamp(kChance + (final_train - kChance) * train_progress + 0.3 * wobble, 8.0, 99.9);
          out.train_acc[row] = train;
          out.valid_acc[row] = valid;
          out.test_acc[row] = test;
        }
      }
    }
  }
}

}  // namespace

std::string make_synthetic_description(std::uint64_t seed) {
  return "synthetic (generator v" + std::to_string(kSyntheticGeneratorVersion) + ", seed " +
         std::to_string(seed) + ")";
}

Table make_synthetic_table(std::uint64_t seed) {
  const CellClasses& classes = CellClasses::get();
  const int num_classes = classes.num_classes();
  Table table(num_classes, std::vector<int>(kReferenceSeeds.begin(), kReferenceSeeds.end()));
  table.source() = DataSource{"synthetic", make_synthetic_description(seed)};

  const std::uint64_t base = stream_seed(seed, Stream::synthetic);
  std::vector<std::string> class_hash(num_classes);
  for (int c = 0; c < num_classes; ++c) {
    const auto rep = static_cast<std::uint64_t>(classes.representative(c));
    const std::uint64_t high = splitmix64(base ^ 0x6861736800000000ULL, rep);
    class_hash[c] = "syn-" + to_hex(high) + to_hex(splitmix64(high, 1));
  }
  for (int cell = 0; cell < kNumCells; ++cell) {
    const int c = classes.class_of(cell);
    table.class_of_cell()[cell] = static_cast<std::int16_t>(c);
    table.cell_hash()[cell] = class_hash[c];
  }

  auto data = [&table](const char* name) { return table.find(name)->values.data(); };
  const Columns out{data(columns::kTrainAcc),       data(columns::kValidAcc),
                    data(columns::kTestAcc),        data(columns::kTrainTime),
                    data(columns::kValidTime),      data(columns::kTestTime),
                    data(columns::kTotalTrainTime), data(columns::kTotalTrainvalTime),
                    data(columns::kTotalTestTime),  data(columns::kAvgAcc200)};

  // Stream index kNumCells (beyond every class index) holds the table-wide draws.
  Rng global = make_rng(splitmix64(base, kNumCells));
  const ChanceLevels chance = draw_chance_levels(global);

  // One independent stream per class: the values do not depend on the generation order, so
  // classes could be generated in parallel.
  for (int c = 0; c < num_classes; ++c) {
    Rng rng = make_rng(splitmix64(base, static_cast<std::uint64_t>(c)));
    const Cell rep = Cell::from_index(classes.representative(c));
    generate_class(table, out, c, c == classes.no_path_class(), features_of(rep), chance, rng);
  }
  return table;
}

}  // namespace nhb2
