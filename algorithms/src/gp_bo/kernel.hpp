#pragma once
// Stationary ARD kernels over feature vectors (points are the rows of a matrix).
//
// With scaled squared distance r² = Σ_d (a_d − b_d)² / ℓ_d² and signal variance s²:
//   rbf        k(a, b) = s² exp(−r²/2)
//   matern52   k(a, b) = s² (1 + √5 r + 5r²/3) exp(−√5 r)
// Hyperparameters live in log space: θ = (log ℓ_1 .. log ℓ_D, log s²), so any real θ is valid.
//
// Matrices whose rows are all in gp_bo's encoding (gp_bo/encoding.hpp: one-hot edge ops) take a
// lookup path: r² is two table lookups (three edges each) plus the two continuous terms per
// entry instead of a D-long dot product, and is computed without cancellation; other rows take a
// matrix product. The profile and exp run in gp_bo/vector_math.hpp's loops (several lanes at a
// time); arguments of exp below −700 give ≈ 1e-304 instead of smaller values.

#include <nhb2/algorithms/gp_bo/kernel_type.hpp>
#include "gp_bo/vector_math.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace nhb2::gp_bo {

struct KernelParams {
  KernelType type = KernelType::matern52;
  Eigen::VectorXd log_lengthscales;  // one per feature (ARD)
  double log_signal_variance = 0.0;

  int num_features() const { return static_cast<int>(log_lengthscales.size()); }
};

// The rows of a feature matrix in gp_bo's encoding (gp_bo/encoding.hpp), compacted to one code
// each: bits 0-5 the ops of edges 0-2 (16 o0 + 4 o1 + o2), bits 6-11 those of edges 3-5, bits
// 12 and up the grid pair of lr and batch size (Config::hp_index()). The kernel functions below
// compact their arguments themselves; a caller that asks about the same rows again and again
// (IncrementalGp's training points) keeps their CompactRows and passes it along with them.
struct CompactRows {
  std::vector<std::uint32_t> code;
};
// Fills rows with x's codes and returns true when every row is in gp_bo's encoding; false,
// leaving rows unspecified, otherwise (such rows take the kernel's general path).
bool compact_rows(const Eigen::Ref<const Eigen::MatrixXd>& x, CompactRows& rows);

// k as a function of r² for unit signal variance. Precondition: r2 >= 0.
double kernel_profile(KernelType type, double r2);

// K_ij = k(a_i, b_j): an a.rows() × b.rows() matrix. The second form writes into out, reusing
// its storage when the size matches (the likelihood search calls it many times).
// a_rows and b_rows, where accepted: compact_rows() of a and b when the caller keeps them (a
// successful compaction of exactly those rows), else nullptr.
Eigen::MatrixXd kernel_matrix(const KernelParams& params,
                              const Eigen::Ref<const Eigen::MatrixXd>& a,
                              const Eigen::Ref<const Eigen::MatrixXd>& b);
void kernel_matrix(const KernelParams& params, const Eigen::Ref<const Eigen::MatrixXd>& a,
                   const Eigen::Ref<const Eigen::MatrixXd>& b, Eigen::MatrixXd& out,
                   const CompactRows* a_rows = nullptr);
// The same into a block of exactly a.rows() × b.rows() (a view into larger storage).
void kernel_matrix_into(const KernelParams& params, const Eigen::Ref<const Eigen::MatrixXd>& a,
                        const Eigen::Ref<const Eigen::MatrixXd>& b,
                        Eigen::Ref<Eigen::MatrixXd> out, const CompactRows* a_rows = nullptr,
                        const CompactRows* b_rows = nullptr);

// kernel_matrix_into with the profile k(r²) evaluated in single precision (r² rounded to float),
// for screening; every entry is within the bound of gp_bo/vector_math.hpp
// (kSingleKernelRelativeError and its companions).
void kernel_matrix_single_into(const KernelParams& params,
                               const Eigen::Ref<const Eigen::MatrixXd>& a,
                               const Eigen::Ref<const Eigen::MatrixXd>& b,
                               Eigen::Ref<Eigen::MatrixXd> out);
// w(t) of gp_bo/vector_math.hpp.
double single_kernel_error_weight(double decay);

// Screens the columns of K = kernel_matrix(params, a, b) without storing them, from the
// single-precision kernel k̃: for every row j of b,
//   mean[j]    Σ_i weights_i k̃_ij, with |mean[j] − Σ_i weights_i k_ij| ≤ margin[j]
//   k_max[j]   a lower bound on max_i k_ij
// O(a.rows() · b.rows()) with gp_bo's features, and no a.rows() × b.rows() memory.
void kernel_screen(const KernelParams& params, const Eigen::Ref<const Eigen::MatrixXd>& a,
                   const Eigen::Ref<const Eigen::MatrixXd>& b,
                   const Eigen::Ref<const Eigen::VectorXd>& weights, Eigen::VectorXd& mean,
                   Eigen::VectorXd& margin, Eigen::VectorXd& k_max,
                   const CompactRows* a_rows = nullptr);

// For K = kernel_matrix(params, x, x) and a symmetric weight matrix w (n × n):
// g_j = Σ_ab w_ab ∂K_ab/∂θ_j for θ = (log ℓ_1 .. log ℓ_D, log s²); D + 1 entries.
// The GP's log-marginal-likelihood gradient is ½ g for w = ααᵀ − K⁻¹.
// w is overwritten (used as workspace, so no n × n temporary is allocated).
Eigen::VectorXd kernel_gradient_contraction(const KernelParams& params, const Eigen::MatrixXd& x,
                                            Eigen::MatrixXd& w);

}  // namespace nhb2::gp_bo
