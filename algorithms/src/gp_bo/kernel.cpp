#include "gp_bo/kernel.hpp"

#include <nhb2/core/error.hpp>
#include "gp_bo/encoding.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <optional>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace nhb2::gp_bo {

namespace {

const double kSqrt5 = std::sqrt(5.0);

// exp over arrays of non-positive arguments (kernels only need exp(−a), a ≥ 0), two lanes at a
// time with SSE2 where available; the scalar tail (and other targets) does the same arithmetic,
// so every element gets the same bits wherever it sits. x = n ln2 + f with n = round(x / ln2)
// (the 1.5·2⁵² shift rounds), |f| ≤ ln2 / 2, exp(f) by its Taylor polynomial of degree 13
// (truncation error < 2e-17 relative), 2ⁿ built in the exponent bits. Arguments are clamped to
// [−700, 0], so results stay normal numbers (≈ 1e-304 at the bottom instead of 0).
constexpr double kLog2e = 1.4426950408889634074;
constexpr double kLn2High = 6.93147180369123816490e-01;  // 32 significant bits: n · kLn2High exact
constexpr double kLn2Low = 1.90821492927058770002e-10;
constexpr double kRoundingShift = 6755399441055744.0;  // 1.5 · 2⁵²
constexpr double kMinExpArgument = -700.0;
constexpr std::uint64_t kExponentBias = 1023;
constexpr int kMantissaBits = 52;
// 1/k! for k = 13 down to 0.
constexpr double kExpTaylor[] = {1.0 / 6227020800.0,
                                 1.0 / 479001600.0,
                                 1.0 / 39916800.0,
                                 1.0 / 3628800.0,
                                 1.0 / 362880.0,
                                 1.0 / 40320.0,
                                 1.0 / 5040.0,
                                 1.0 / 720.0,
                                 1.0 / 120.0,
                                 1.0 / 24.0,
                                 1.0 / 6.0,
                                 0.5,
                                 1.0,
                                 1.0};

std::uint64_t bits_of(double value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

double from_bits(std::uint64_t bits) {
  double value = 0.0;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// 2⁵² · (1.5 · 2⁵² + n) minus the bias: subtracting it from the bits of the shifted value leaves
// n + 1023, the biased exponent of 2ⁿ.
const std::uint64_t kShiftBitsMinusBias = bits_of(kRoundingShift) - kExponentBias;

double exp_nonpositive(double x) {
  x = std::max(std::min(x, 0.0), kMinExpArgument);
  const double shifted = x * kLog2e + kRoundingShift;
  const double n = shifted - kRoundingShift;
  const double f = (x - n * kLn2High) - n * kLn2Low;
  double p = kExpTaylor[0];
  for (std::size_t k = 1; k < std::size(kExpTaylor); ++k) p = p * f + kExpTaylor[k];
  return p * from_bits((bits_of(shifted) - kShiftBitsMinusBias) << kMantissaBits);
}

#if defined(__SSE2__)
// exp_nonpositive on two lanes.
inline __m128d exp_nonpositive(__m128d x) {
  x = _mm_max_pd(_mm_min_pd(x, _mm_setzero_pd()), _mm_set1_pd(kMinExpArgument));
  const __m128d shift = _mm_set1_pd(kRoundingShift);
  const __m128d shifted = _mm_add_pd(_mm_mul_pd(x, _mm_set1_pd(kLog2e)), shift);
  const __m128d n = _mm_sub_pd(shifted, shift);
  const __m128d f = _mm_sub_pd(_mm_sub_pd(x, _mm_mul_pd(n, _mm_set1_pd(kLn2High))),
                               _mm_mul_pd(n, _mm_set1_pd(kLn2Low)));
  __m128d p = _mm_set1_pd(kExpTaylor[0]);
  for (std::size_t k = 1; k < std::size(kExpTaylor); ++k) {
    p = _mm_add_pd(_mm_mul_pd(p, f), _mm_set1_pd(kExpTaylor[k]));
  }
  const __m128i exponent =
      _mm_slli_epi64(_mm_sub_epi64(_mm_castpd_si128(shifted),
                                   _mm_set1_epi64x(static_cast<long long>(kShiftBitsMinusBias))),
                     kMantissaBits);
  return _mm_mul_pd(p, _mm_castsi128_pd(exponent));
}
#endif

// values[i] = exp(values[i]) for i < count (see exp_nonpositive).
void exp_nonpositive_in_place(double* values, Eigen::Index count) {
  Eigen::Index i = 0;
#if defined(__SSE2__)
  // Four independent polynomial chains per iteration keep the multipliers busy.
  for (; i + 8 <= count; i += 8) {
    const __m128d x0 = _mm_loadu_pd(values + i);
    const __m128d x1 = _mm_loadu_pd(values + i + 2);
    const __m128d x2 = _mm_loadu_pd(values + i + 4);
    const __m128d x3 = _mm_loadu_pd(values + i + 6);
    _mm_storeu_pd(values + i, exp_nonpositive(x0));
    _mm_storeu_pd(values + i + 2, exp_nonpositive(x1));
    _mm_storeu_pd(values + i + 4, exp_nonpositive(x2));
    _mm_storeu_pd(values + i + 6, exp_nonpositive(x3));
  }
  for (; i + 2 <= count; i += 2)
    _mm_storeu_pd(values + i, exp_nonpositive(_mm_loadu_pd(values + i)));
#endif
  for (; i < count; ++i) values[i] = exp_nonpositive(values[i]);
}

// The same scheme in single precision for the screening kernel: arguments clamped to [−87, 0],
// Taylor degree 7 (truncation error < 1e-8 relative), four lanes at a time.
constexpr float kLog2eSingle = 1.44269504088896341f;
constexpr float kLn2HighSingle = 0.693359375f;  // 9 significant bits: n · kLn2HighSingle exact
constexpr float kLn2LowSingle = -2.12194440e-4f;
constexpr float kRoundingShiftSingle = 12582912.0f;  // 1.5 · 2²³
constexpr float kMinExpArgumentSingle = -87.0f;
constexpr std::uint32_t kExponentBiasSingle = 127;
constexpr int kMantissaBitsSingle = 23;
constexpr float kExpTaylorSingle[] = {1.0f / 5040.0f, 1.0f / 720.0f, 1.0f / 120.0f, 1.0f / 24.0f,
                                      1.0f / 6.0f,    0.5f,          1.0f,          1.0f};

std::uint32_t bits_of(float value) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

float from_bits(std::uint32_t bits) {
  float value = 0.0f;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

const std::uint32_t kShiftBitsMinusBiasSingle = bits_of(kRoundingShiftSingle) - kExponentBiasSingle;

float exp_nonpositive(float x) {
  x = std::max(std::min(x, 0.0f), kMinExpArgumentSingle);
  const float shifted = x * kLog2eSingle + kRoundingShiftSingle;
  const float n = shifted - kRoundingShiftSingle;
  const float f = (x - n * kLn2HighSingle) - n * kLn2LowSingle;
  float p = kExpTaylorSingle[0];
  for (std::size_t k = 1; k < std::size(kExpTaylorSingle); ++k) p = p * f + kExpTaylorSingle[k];
  return p * from_bits((bits_of(shifted) - kShiftBitsMinusBiasSingle) << kMantissaBitsSingle);
}

#if defined(__SSE2__)
inline __m128 exp_nonpositive(__m128 x) {
  x = _mm_max_ps(_mm_min_ps(x, _mm_setzero_ps()), _mm_set1_ps(kMinExpArgumentSingle));
  const __m128 shift = _mm_set1_ps(kRoundingShiftSingle);
  const __m128 shifted = _mm_add_ps(_mm_mul_ps(x, _mm_set1_ps(kLog2eSingle)), shift);
  const __m128 n = _mm_sub_ps(shifted, shift);
  const __m128 f = _mm_sub_ps(_mm_sub_ps(x, _mm_mul_ps(n, _mm_set1_ps(kLn2HighSingle))),
                              _mm_mul_ps(n, _mm_set1_ps(kLn2LowSingle)));
  __m128 p = _mm_set1_ps(kExpTaylorSingle[0]);
  for (std::size_t k = 1; k < std::size(kExpTaylorSingle); ++k) {
    p = _mm_add_ps(_mm_mul_ps(p, f), _mm_set1_ps(kExpTaylorSingle[k]));
  }
  const __m128i exponent =
      _mm_slli_epi32(_mm_sub_epi32(_mm_castps_si128(shifted),
                                   _mm_set1_epi32(static_cast<int>(kShiftBitsMinusBiasSingle))),
                     kMantissaBitsSingle);
  return _mm_mul_ps(p, _mm_castsi128_ps(exponent));
}
#endif

void exp_nonpositive_in_place(float* values, Eigen::Index count) {
  Eigen::Index i = 0;
#if defined(__SSE2__)
  for (; i + 4 <= count; i += 4)
    _mm_storeu_ps(values + i, exp_nonpositive(_mm_loadu_ps(values + i)));
#endif
  for (; i < count; ++i) values[i] = exp_nonpositive(values[i]);
}

// profile_in_place in single precision (r² rounded to float first), without the signal
// variance; decay receives the decay argument t (see kernel.hpp).
void profile_single(KernelType type, const Eigen::Ref<const Eigen::ArrayXd>& r2_column,
                    Eigen::ArrayXf& k, Eigen::ArrayXf& decay) {
  k = r2_column.cast<float>();
  if (type == KernelType::rbf) {
    decay = 0.5f * k;
    k = -decay;
    exp_nonpositive_in_place(k.data(), k.size());
    return;
  }
  const float sqrt5 = static_cast<float>(kSqrt5);
  decay = sqrt5 * k.sqrt();
  k = 1.0f + decay + (5.0f / 3.0f) * k;
  thread_local Eigen::ArrayXf exp_decay;
  exp_decay = -decay;
  exp_nonpositive_in_place(exp_decay.data(), exp_decay.size());
  k *= exp_decay;
}

// In place over one column of squared distances r²: k(r²) for signal variance s².
void profile_in_place(KernelType type, double signal_variance, Eigen::Ref<Eigen::ArrayXd> column,
                      Eigen::ArrayXd& scratch) {
  if (type == KernelType::rbf) {
    column *= -0.5;
    exp_nonpositive_in_place(column.data(), column.size());
    column *= signal_variance;
    return;
  }
  // Matérn 5/2 with a = √5 r: s² (1 + a + 5r²/3) exp(−a).
  scratch = -kSqrt5 * column.sqrt();
  column = signal_variance * (1.0 - scratch + (5.0 / 3.0) * column);
  exp_nonpositive_in_place(scratch.data(), scratch.size());
  column *= scratch;
}

// Rows of x divided by the lengthscales, so plain squared distances are the scaled r².
Eigen::MatrixXd scaled(const KernelParams& params, const Eigen::Ref<const Eigen::MatrixXd>& x) {
  const Eigen::RowVectorXd inverse = (-params.log_lengthscales.array()).exp().matrix().transpose();
  return x.array().rowwise() * inverse.array();
}

// k(r²) for unit signal variance and, in factor, −2 ∂k/∂(r²): the h with
// ∂k/∂log ℓ_d = s² h(r²) (Δ_d/ℓ_d)². One exp serves both.
inline double profile_and_factor(KernelType type, double r2, double& factor) {
  if (type == KernelType::rbf) {
    factor = std::exp(-0.5 * r2);
    return factor;
  }
  const double r = std::sqrt(r2);
  const double decay = std::exp(-kSqrt5 * r);
  factor = (5.0 / 3.0) * (1.0 + kSqrt5 * r) * decay;
  return (1.0 + kSqrt5 * r + (5.0 / 3.0) * r2) * decay;
}

}  // namespace

const char* kernel_name(KernelType type) {
  return type == KernelType::rbf ? "rbf" : "matern52";
}

KernelType parse_kernel(const std::string& name) {
  if (name == "matern52") return KernelType::matern52;
  if (name == "rbf") return KernelType::rbf;
  throw ConfigError("unknown kernel '" + name + "' (allowed: matern52, rbf)");
}

double kernel_profile(KernelType type, double r2) {
  double factor = 0.0;
  return profile_and_factor(type, r2, factor);
}

void kernel_matrix(const KernelParams& params, const Eigen::Ref<const Eigen::MatrixXd>& a,
                   const Eigen::Ref<const Eigen::MatrixXd>& b, Eigen::MatrixXd& out) {
  out.resize(a.rows(), b.rows());
  kernel_matrix_into(params, a, b, out);
}

namespace {

// The rows of a feature matrix in gp_bo's encoding (gp_bo/encoding.hpp), compacted to one code
// each: bits 0-5 the ops of edges 0-2 (16 o0 + 4 o1 + o2), bits 6-11 those of edges 3-5, bits
// 12 and up the grid pair of lr and batch size (Config::hp_index()).
struct CompactRows {
  std::vector<std::uint32_t> code;
};

constexpr int kHighShift = 6;
constexpr int kPairShift = 12;
constexpr std::uint32_t kGroupMask = 63;

constexpr int kEdgesPerCode = kNumEdges / 2;
constexpr int kCodes = kNumOps * kNumOps * kNumOps;  // 64 per group of three edges
static_assert(kEdgesPerCode * 2 == kNumEdges && kEdgesPerCode == 3,
              "the lookup tables group the six edges in two threes");

// The values of features kLrFeature and kBatchSizeFeature on the grid, by index.
struct GridFeatures {
  std::array<double, kNumLearningRates> lr{};
  std::array<double, kNumBatchSizes> batch_size{};
};

const GridFeatures& grid_features() {
  static const GridFeatures grid = [] {
    GridFeatures result;
    double features[kNumFeatures];
    for (int i = 0; i < kNumLearningRates; ++i) {
      Config config;
      config.values[kLrDim] = static_cast<std::uint8_t>(i);
      encode(config, features);
      result.lr[static_cast<std::size_t>(i)] = features[kLrFeature];
    }
    for (int i = 0; i < kNumBatchSizes; ++i) {
      Config config;
      config.values[kBatchSizeDim] = static_cast<std::uint8_t>(i);
      encode(config, features);
      result.batch_size[static_cast<std::size_t>(i)] = features[kBatchSizeFeature];
    }
    return result;
  }();
  return grid;
}

// Compacts x when every row has gp_bo's layout (exactly one 1 and otherwise 0 in every group of
// kNumOps edge features, lr and batch size features on the grid); false, leaving rows
// unspecified, when a row does not.
bool compact(const Eigen::Ref<const Eigen::MatrixXd>& x, CompactRows& rows) {
  if (x.cols() != kNumFeatures) return false;
  const GridFeatures& grid = grid_features();
  const Eigen::Index n = x.rows();
  rows.code.resize(static_cast<std::size_t>(n));
  // Branch-free (the ops are random, so branching on them would mispredict on every edge).
  bool valid = true;
  for (Eigen::Index i = 0; i < n; ++i) {
    std::uint32_t code = 0;
    for (int edge = 0; edge < kNumEdges; ++edge) {
      int op = 0;
      int ones = 0;
      int zeros = 0;
      for (int o = 0; o < kNumOps; ++o) {
        const double value = x(i, edge * kNumOps + o);
        const int one = value == 1.0 ? 1 : 0;
        ones += one;
        zeros += value == 0.0 ? 1 : 0;
        op += one * o;
      }
      valid &= ones == 1 && zeros == kNumOps - 1;
      // Edges 0-2 end up in bits 0-5 (edge 2 lowest), edges 3-5 in bits 6-11.
      const int shift =
          (edge < kEdgesPerCode ? 0 : kHighShift) + 2 * (kEdgesPerCode - 1 - edge % kEdgesPerCode);
      code |= static_cast<std::uint32_t>(op) << shift;
    }
    int lr_index = 0;
    int lr_matches = 0;
    for (int k = 0; k < kNumLearningRates; ++k) {
      const int match = x(i, kLrFeature) == grid.lr[static_cast<std::size_t>(k)] ? 1 : 0;
      lr_matches += match;
      lr_index += match * k;
    }
    int batch_size_index = 0;
    int batch_size_matches = 0;
    for (int k = 0; k < kNumBatchSizes; ++k) {
      const int match =
          x(i, kBatchSizeFeature) == grid.batch_size[static_cast<std::size_t>(k)] ? 1 : 0;
      batch_size_matches += match;
      batch_size_index += match * k;
    }
    valid &= lr_matches == 1 && batch_size_matches == 1;
    code |= static_cast<std::uint32_t>(lr_index * kNumBatchSizes + batch_size_index) << kPairShift;
    rows.code[static_cast<std::size_t>(i)] = code;
  }
  return valid;
}

// r² = Σ_d (a_d − b_d)² / ℓ_d² for one-hot edges: two ops that differ on an edge contribute
// 1/ℓ² of both of their features, equal ops nothing. For a fixed b, the contribution of three
// edges is a table over the 64 op codes of a, so r² is two lookups plus the continuous terms:
// O(1) per entry instead of O(D), and without the cancellation of ‖a‖² + ‖b‖² − 2 a·b.
class CompactDistances {
 public:
  // all_tables: build the tables of every code of b at once (cheaper for 64 columns or more)
  // instead of one set per column. The tables live in per-thread storage: one CompactDistances
  // at a time per thread.
  CompactDistances(const KernelParams& params, bool all_tables) : all_tables_(all_tables) {
    std::array<double, kNumFeatures> inverse_squared{};
    for (int d = 0; d < kNumFeatures; ++d) {
      inverse_squared[static_cast<std::size_t>(d)] = std::exp(-2.0 * params.log_lengthscales[d]);
    }
    for (int edge = 0; edge < kNumEdges; ++edge) {
      for (int ob = 0; ob < kNumOps; ++ob) {
        for (int oa = 0; oa < kNumOps; ++oa) {
          pair_[static_cast<std::size_t>((edge * kNumOps + ob) * kNumOps + oa)] =
              ob == oa ? 0.0
                       : inverse_squared[static_cast<std::size_t>(edge * kNumOps + ob)] +
                             inverse_squared[static_cast<std::size_t>(edge * kNumOps + oa)];
        }
      }
    }
    lr_weight_ = inverse_squared[kLrFeature];
    batch_size_weight_ = inverse_squared[kBatchSizeFeature];
    thread_local std::vector<double> storage;
    storage.resize(all_tables ? kAllTablesSize : 2 * kCodes + kNumHyperparameterPairs);
    tables_ = storage.data();
    pair_tables_ = tables_ + (all_tables ? 2 * kCodes * kCodes : 2 * kCodes);
    if (all_tables) {
      for (int group = 0; group < 2; ++group) {
        for (int code = 0; code < kCodes; ++code) {
          fill_edges(group, code, tables_ + (group * kCodes + code) * kCodes);
        }
      }
      for (int code = 0; code < kNumHyperparameterPairs; ++code) {
        fill_pair(code, pair_tables_ + code * kNumHyperparameterPairs);
      }
    }
  }

  // values[i] = r² between row i of a and the row with code b_code.
  void column(const CompactRows& a, std::uint32_t b_code, double* values) {
    const int low_code = static_cast<int>(b_code & kGroupMask);
    const int high_code = static_cast<int>((b_code >> kHighShift) & kGroupMask);
    const int pair_code = static_cast<int>(b_code >> kPairShift);
    const double* low_table = tables_ + low_code * kCodes;
    const double* high_table = tables_ + (kCodes + high_code) * kCodes;
    const double* pair_table = pair_tables_ + pair_code * kNumHyperparameterPairs;
    if (!all_tables_) {
      fill_edges(0, low_code, tables_);
      fill_edges(1, high_code, tables_ + kCodes);
      fill_pair(pair_code, pair_tables_);
      low_table = tables_;
      high_table = tables_ + kCodes;
      pair_table = pair_tables_;
    }
    const std::uint32_t* a_code = a.code.data();
    const std::size_t n = a.code.size();
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t c = a_code[i];
      values[i] = low_table[c & kGroupMask] + high_table[(c >> kHighShift) & kGroupMask] +
                  pair_table[c >> kPairShift];
    }
  }

 private:
  static constexpr int kAllTablesSize =
      2 * kCodes * kCodes + kNumHyperparameterPairs * kNumHyperparameterPairs;

  // table[code_a] for one group of three edges and b's code there.
  void fill_edges(int group, int b_code, double* table) const {
    const auto edge_row = [this](int edge, int b_op) {
      return &pair_[static_cast<std::size_t>((edge * kNumOps + b_op) * kNumOps)];
    };
    const double* e0 = edge_row(kEdgesPerCode * group, b_code >> 4);
    const double* e1 = edge_row(kEdgesPerCode * group + 1, (b_code >> 2) & 3);
    const double* e2 = edge_row(kEdgesPerCode * group + 2, b_code & 3);
    for (int o0 = 0; o0 < kNumOps; ++o0) {
      for (int o1 = 0; o1 < kNumOps; ++o1) {
        const double partial = e0[o0] + e1[o1];
        for (int o2 = 0; o2 < kNumOps; ++o2) *table++ = partial + e2[o2];
      }
    }
  }

  // table[pair_a]: the lr and batch size terms for b's grid pair.
  void fill_pair(int b_pair, double* table) const {
    const GridFeatures& grid = grid_features();
    const double b_lr = grid.lr[static_cast<std::size_t>(b_pair / kNumBatchSizes)];
    const double b_batch_size = grid.batch_size[static_cast<std::size_t>(b_pair % kNumBatchSizes)];
    for (int lr = 0; lr < kNumLearningRates; ++lr) {
      const double lr_delta = grid.lr[static_cast<std::size_t>(lr)] - b_lr;
      const double lr_term = lr_weight_ * lr_delta * lr_delta;
      for (int bs = 0; bs < kNumBatchSizes; ++bs) {
        const double batch_size_delta =
            grid.batch_size[static_cast<std::size_t>(bs)] - b_batch_size;
        *table++ = lr_term + batch_size_weight_ * batch_size_delta * batch_size_delta;
      }
    }
  }

  bool all_tables_;
  // pair_[(e · kNumOps + o_b) · kNumOps + o_a]: edge e's contribution for ops o_b and o_a.
  std::array<double, kNumEdges * kNumOps * kNumOps> pair_{};
  double lr_weight_ = 0.0;
  double batch_size_weight_ = 0.0;
  double* tables_ = nullptr;
  double* pair_tables_ = nullptr;
};

constexpr Eigen::Index kAllTablesColumns = 64;

void squared_distances_compact(const KernelParams& params, const CompactRows& a,
                               const CompactRows& b, Eigen::Ref<Eigen::MatrixXd> out) {
  CompactDistances distances(params, out.cols() >= kAllTablesColumns);
  for (Eigen::Index j = 0; j < out.cols(); ++j) {
    distances.column(a, b.code[static_cast<std::size_t>(j)], out.col(j).data());
  }
}

// r² for any rows: ‖a‖² + ‖b‖² − 2 a·b on the scaled rows via one matrix product, clamped at 0.
void squared_distances_dense(const KernelParams& params, const Eigen::Ref<const Eigen::MatrixXd>& a,
                             const Eigen::Ref<const Eigen::MatrixXd>& b,
                             Eigen::Ref<Eigen::MatrixXd> out) {
  const Eigen::MatrixXd as = scaled(params, a);
  const Eigen::MatrixXd bs = scaled(params, b);
  const Eigen::VectorXd a_norms = as.rowwise().squaredNorm();
  const Eigen::VectorXd b_norms = bs.rowwise().squaredNorm();
  out.noalias() = as * bs.transpose();
  for (Eigen::Index j = 0; j < out.cols(); ++j) {
    auto column = out.col(j).array();
    column = (a_norms.array() + b_norms[j] - 2.0 * column).cwiseMax(0.0);
  }
}

}  // namespace

namespace {

void squared_distances(const KernelParams& params, const Eigen::Ref<const Eigen::MatrixXd>& a,
                       const Eigen::Ref<const Eigen::MatrixXd>& b,
                       Eigen::Ref<Eigen::MatrixXd> out) {
  // gp_bo's own features take the lookup path; anything else the general one.
  thread_local CompactRows compact_a;
  thread_local CompactRows compact_b;
  if (compact(a, compact_a) && compact(b, compact_b)) {
    squared_distances_compact(params, compact_a, compact_b, out);
  } else {
    squared_distances_dense(params, a, b, out);
  }
}

}  // namespace

void kernel_matrix_single_into(const KernelParams& params,
                               const Eigen::Ref<const Eigen::MatrixXd>& a,
                               const Eigen::Ref<const Eigen::MatrixXd>& b,
                               Eigen::Ref<Eigen::MatrixXd> out) {
  const double signal_variance = std::exp(params.log_signal_variance);
  squared_distances(params, a, b, out);
  Eigen::ArrayXf k;
  Eigen::ArrayXf decay;
  for (Eigen::Index j = 0; j < out.cols(); ++j) {
    profile_single(params.type, out.col(j).array(), k, decay);
    out.col(j) = signal_variance * k.cast<double>().matrix();
  }
}

double single_kernel_error_weight(double decay) {
  return decay < kSingleKernelMaxDecay
             ? kSingleKernelRelativeError + kSingleKernelRelativeErrorPerDecay * decay
             : 1.0;
}

void kernel_screen(const KernelParams& params, const Eigen::Ref<const Eigen::MatrixXd>& a,
                   const Eigen::Ref<const Eigen::MatrixXd>& b,
                   const Eigen::Ref<const Eigen::VectorXd>& weights, Eigen::VectorXd& mean,
                   Eigen::VectorXd& margin, Eigen::VectorXd& k_max) {
  const double signal_variance = std::exp(params.log_signal_variance);
  const Eigen::Index n = a.rows();
  const Eigen::Index m = b.rows();
  mean.resize(m);
  margin.resize(m);
  k_max.resize(m);
  const Eigen::ArrayXd abs_weights = weights.array().abs();
  const double absolute = kSingleKernelAbsoluteError * signal_variance;
  const double absolute_margin = absolute * abs_weights.sum();
  thread_local CompactRows compact_a;
  thread_local CompactRows compact_b;
  const bool lookup = compact(a, compact_a) && compact(b, compact_b);
  std::optional<CompactDistances> distances;
  if (lookup) distances.emplace(params, m >= kAllTablesColumns);
  // Without the lookup path, r² in blocks of columns (one matrix product each).
  constexpr Eigen::Index kBlock = 64;
  thread_local Eigen::MatrixXd r2;
  thread_local Eigen::ArrayXf k;
  thread_local Eigen::ArrayXf decay;
  thread_local Eigen::ArrayXd kd;
  thread_local Eigen::ArrayXd error;
  for (Eigen::Index start = 0; start < m; start += kBlock) {
    const Eigen::Index count = std::min(kBlock, m - start);
    r2.resize(n, count);
    if (!lookup) squared_distances_dense(params, a, b.middleRows(start, count), r2);
    for (Eigen::Index c = 0; c < count; ++c) {
      const Eigen::Index j = start + c;
      if (lookup)
        distances->column(compact_a, compact_b.code[static_cast<std::size_t>(j)], r2.col(c).data());
      profile_single(params.type, r2.col(c).array(), k, decay);
      kd = signal_variance * k.cast<double>();
      // single_kernel_error_weight, vectorised.
      error = (decay < static_cast<float>(kSingleKernelMaxDecay))
                  .select(kSingleKernelRelativeError +
                              kSingleKernelRelativeErrorPerDecay * decay.cast<double>(),
                          1.0);
      mean[j] = (kd * weights.array()).sum();
      margin[j] = (abs_weights * kd * error).sum() * (1.0 + 1e-12) + absolute_margin;
      k_max[j] = (kd * (1.0 - error)).maxCoeff() - absolute;
    }
  }
}

void kernel_matrix_into(const KernelParams& params, const Eigen::Ref<const Eigen::MatrixXd>& a,
                        const Eigen::Ref<const Eigen::MatrixXd>& b,
                        Eigen::Ref<Eigen::MatrixXd> out) {
  const double signal_variance = std::exp(params.log_signal_variance);
  squared_distances(params, a, b, out);
  // Column by column, vectorised: the profile costs a few ns per entry.
  thread_local Eigen::ArrayXd scratch;
  scratch.resize(a.rows());
  for (Eigen::Index j = 0; j < out.cols(); ++j) {
    Eigen::Map<Eigen::ArrayXd> column(out.col(j).data(), out.rows());
    profile_in_place(params.type, signal_variance, column, scratch);
  }
}

Eigen::MatrixXd kernel_matrix(const KernelParams& params,
                              const Eigen::Ref<const Eigen::MatrixXd>& a,
                              const Eigen::Ref<const Eigen::MatrixXd>& b) {
  Eigen::MatrixXd out;
  kernel_matrix(params, a, b, out);
  return out;
}

Eigen::VectorXd kernel_gradient_contraction(const KernelParams& params, const Eigen::MatrixXd& x,
                                            Eigen::MatrixXd& w) {
  const Eigen::Index n = x.rows();
  const int d = params.num_features();
  const double signal_variance = std::exp(params.log_signal_variance);
  const Eigen::MatrixXd xs = scaled(params, x);
  const Eigen::VectorXd norms = xs.rowwise().squaredNorm();
  const Eigen::MatrixXd gram = xs * xs.transpose();
  // Turn w into m = w ∘ s² h(r²) in place, summing Σ w ∘ K (the log s² derivative) on the way.
  // Vectorised per column like kernel_matrix().
  double signal_gradient = 0.0;
  Eigen::ArrayXd r2(n), k(n), factor(n);
  for (Eigen::Index b = 0; b < n; ++b) {
    r2 = (norms.array() + norms[b] - 2.0 * gram.col(b).array()).cwiseMax(0.0);
    if (params.type == KernelType::rbf) {
      factor = -0.5 * r2;
      exp_nonpositive_in_place(factor.data(), n);
      k = factor;
    } else {
      const Eigen::ArrayXd r = kSqrt5 * r2.sqrt();
      factor = -r;
      exp_nonpositive_in_place(factor.data(), n);  // the decay exp(−√5 r)
      k = (1.0 + r + (5.0 / 3.0) * r2) * factor;
      factor *= (5.0 / 3.0) * (1.0 + r);
    }
    auto w_column = w.col(b).array();
    signal_gradient += signal_variance * (w_column * k).sum();
    w_column *= signal_variance * factor;
  }
  // Σ_ab m_ab (xs_ad − xs_bd)² = 2 Σ_a xs_ad² (m1)_a − 2 Σ_a xs_ad (m xs)_ad (m symmetric): one
  // n × n by n × D product instead of D passes over n².
  const Eigen::VectorXd row_sums = w.rowwise().sum();
  const Eigen::MatrixXd m_xs = w * xs;
  Eigen::VectorXd gradient(d + 1);
  for (int j = 0; j < d; ++j) {
    gradient[j] = 2.0 * (xs.col(j).array().square() * row_sums.array()).sum() -
                  2.0 * xs.col(j).dot(m_xs.col(j));
  }
  gradient[d] = signal_gradient;  // ∂K/∂log s² = K
  return gradient;
}

}  // namespace nhb2::gp_bo
