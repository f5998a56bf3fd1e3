#include "gp_bo/kernel.hpp"

#include <nhb2/core/error.hpp>

#include <algorithm>
#include <cmath>

namespace nhb2::gp_bo {

namespace {

const double kSqrt5 = std::sqrt(5.0);

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

void kernel_matrix_into(const KernelParams& params, const Eigen::Ref<const Eigen::MatrixXd>& a,
                        const Eigen::Ref<const Eigen::MatrixXd>& b,
                        Eigen::Ref<Eigen::MatrixXd> out) {
  const double signal_variance = std::exp(params.log_signal_variance);
  const Eigen::MatrixXd as = scaled(params, a);
  const Eigen::MatrixXd bs = scaled(params, b);
  const Eigen::VectorXd a_norms = as.rowwise().squaredNorm();
  const Eigen::VectorXd b_norms = bs.rowwise().squaredNorm();
  // r² = ‖a‖² + ‖b‖² − 2 a·b via one matrix product, transformed in place (no n × m temporaries).
  out.noalias() = as * bs.transpose();
  // Column by column with Eigen's packet sqrt/exp: the profile costs a few ns per entry.
  Eigen::ArrayXd r(a.rows());
  for (Eigen::Index j = 0; j < out.cols(); ++j) {
    auto column = out.col(j).array();
    column = (a_norms.array() + b_norms[j] - 2.0 * column).cwiseMax(0.0);
    if (params.type == KernelType::rbf) {
      column = signal_variance * (-0.5 * column).exp();
    } else {
      r = column.sqrt();
      column = signal_variance * (1.0 + kSqrt5 * r + (5.0 / 3.0) * column) * (-kSqrt5 * r).exp();
    }
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
      factor = (-0.5 * r2).exp();
      k = factor;
    } else {
      const Eigen::ArrayXd r = r2.sqrt();
      const Eigen::ArrayXd decay = (-kSqrt5 * r).exp();
      factor = (5.0 / 3.0) * (1.0 + kSqrt5 * r) * decay;
      k = (1.0 + kSqrt5 * r + (5.0 / 3.0) * r2) * decay;
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
