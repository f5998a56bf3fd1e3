#include "gp_bo/kernel.hpp"

#include <nhb2/core/error.hpp>
#include "gp_bo/encoding.hpp"
#include "gp_bo/vector_math.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

namespace nhb2::gp_bo {

namespace {

const double kSqrt5 = std::sqrt(5.0);

using vector_math::exp_nonpositive_in_place;

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
                   const Eigen::Ref<const Eigen::MatrixXd>& b, Eigen::MatrixXd& out,
                   const CompactRows* a_rows) {
  out.resize(a.rows(), b.rows());
  kernel_matrix_into(params, a, b, out, a_rows);
}

namespace {

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

// gp_bo's layout: exactly one 1 and otherwise 0 in every group of kNumOps edge features, lr and
// batch size features on the grid.
bool compact_rows(const Eigen::Ref<const Eigen::MatrixXd>& x, CompactRows& rows) {
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

namespace {

// a_rows (b_rows): a's (b's) compact form, or nullptr to compact it here.
const CompactRows* compacted(const Eigen::Ref<const Eigen::MatrixXd>& x, const CompactRows* given,
                             CompactRows& storage) {
  if (given != nullptr) {
    assert(given->code.size() == static_cast<std::size_t>(x.rows()));
    return given;
  }
  return compact_rows(x, storage) ? &storage : nullptr;
}

void squared_distances(const KernelParams& params, const Eigen::Ref<const Eigen::MatrixXd>& a,
                       const Eigen::Ref<const Eigen::MatrixXd>& b, Eigen::Ref<Eigen::MatrixXd> out,
                       const CompactRows* a_rows, const CompactRows* b_rows) {
  // gp_bo's own features take the lookup path; anything else the general one.
  thread_local CompactRows compact_a;
  thread_local CompactRows compact_b;
  const CompactRows* a_compact = compacted(a, a_rows, compact_a);
  const CompactRows* b_compact = a_compact != nullptr ? compacted(b, b_rows, compact_b) : nullptr;
  if (b_compact != nullptr) {
    squared_distances_compact(params, *a_compact, *b_compact, out);
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
  squared_distances(params, a, b, out, nullptr, nullptr);
  thread_local Eigen::ArrayXd r2;
  thread_local Eigen::ArrayXd decay;
  r2.resize(out.rows());
  decay.resize(out.rows());
  for (Eigen::Index j = 0; j < out.cols(); ++j) {
    r2 = out.col(j).array();
    vector_math::single_profile(params.type, signal_variance, r2.data(), r2.size(),
                                out.col(j).data(), decay.data());
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
                   Eigen::VectorXd& margin, Eigen::VectorXd& k_max, const CompactRows* a_rows) {
  const double signal_variance = std::exp(params.log_signal_variance);
  const Eigen::Index n = a.rows();
  const Eigen::Index m = b.rows();
  mean.resize(m);
  margin.resize(m);
  k_max.resize(m);
  thread_local Eigen::VectorXd contiguous_weights;
  thread_local Eigen::VectorXf abs_weights;
  contiguous_weights = weights;
  abs_weights = weights.cwiseAbs().cast<float>();
  const double absolute = kSingleKernelAbsoluteError * signal_variance;
  const double absolute_margin = absolute * weights.cwiseAbs().sum() * (1.0 + 1e-12);
  thread_local CompactRows compact_a;
  thread_local CompactRows compact_b;
  const CompactRows* a_compact = compacted(a, a_rows, compact_a);
  const CompactRows* b_compact = a_compact != nullptr ? compacted(b, nullptr, compact_b) : nullptr;
  const bool lookup = b_compact != nullptr;
  std::optional<CompactDistances> distances;
  if (lookup) distances.emplace(params, m >= kAllTablesColumns);
  // Without the lookup path, r² in blocks of columns (one matrix product each). The storage only
  // grows, so asks with a growing training set do not reallocate it.
  constexpr Eigen::Index kBlock = 64;
  thread_local std::vector<double> r2_storage;
  if (r2_storage.size() < static_cast<std::size_t>(n * kBlock)) {
    r2_storage.resize(static_cast<std::size_t>(n * kBlock) * 3 / 2);
  }
  Eigen::Map<Eigen::MatrixXd> r2(r2_storage.data(), n, kBlock);
  for (Eigen::Index start = 0; start < m; start += kBlock) {
    const Eigen::Index count = std::min(kBlock, m - start);
    if (!lookup) squared_distances_dense(params, a, b.middleRows(start, count), r2.leftCols(count));
    for (Eigen::Index c = 0; c < count; ++c) {
      const Eigen::Index j = start + c;
      if (lookup) {
        distances->column(*a_compact, b_compact->code[static_cast<std::size_t>(j)],
                          r2.col(c).data());
      }
      const vector_math::ScreenSums sums =
          vector_math::screen_column(params.type, signal_variance, r2.col(c).data(),
                                     contiguous_weights.data(), abs_weights.data(), n);
      mean[j] = sums.weighted_sum;
      margin[j] = sums.error_sum + absolute_margin;
      k_max[j] = sums.lower_max - absolute;
    }
  }
}

void kernel_matrix_into(const KernelParams& params, const Eigen::Ref<const Eigen::MatrixXd>& a,
                        const Eigen::Ref<const Eigen::MatrixXd>& b,
                        Eigen::Ref<Eigen::MatrixXd> out, const CompactRows* a_rows,
                        const CompactRows* b_rows) {
  const double signal_variance = std::exp(params.log_signal_variance);
  squared_distances(params, a, b, out, a_rows, b_rows);
  // Column by column, vectorised: the profile costs a few ns per entry.
  for (Eigen::Index j = 0; j < out.cols(); ++j) {
    vector_math::profile_in_place(params.type, signal_variance, out.col(j).data(), out.rows());
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
