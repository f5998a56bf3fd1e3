#include "gp_bo/kernel.hpp"

#include <nhb2/core/error.hpp>

#include <algorithm>
#include <cmath>

namespace nhb2::gp_bo {

namespace {

const double kSqrt5 = std::sqrt(5.0);

// Rows of x divided by the lengthscales, so plain squared distances are the scaled r².
Eigen::MatrixXd scaled(const KernelParams& params, const Eigen::MatrixXd& x) {
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

void kernel_matrix(const KernelParams& params, const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                   Eigen::MatrixXd& out) {
  const double signal_variance = std::exp(params.log_signal_variance);
  const Eigen::MatrixXd as = scaled(params, a);
  const Eigen::MatrixXd bs = scaled(params, b);
  const Eigen::VectorXd a_norms = as.rowwise().squaredNorm();
  const Eigen::VectorXd b_norms = bs.rowwise().squaredNorm();
  // r² = ‖a‖² + ‖b‖² − 2 a·b via one matrix product, transformed in place (no n × m temporaries).
  out.resize(a.rows(), b.rows());
  out.noalias() = as * bs.transpose();
  const KernelType type = params.type;
  for (Eigen::Index j = 0; j < out.cols(); ++j) {
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
      const double r2 = std::max(a_norms[i] + b_norms[j] - 2.0 * out(i, j), 0.0);
      out(i, j) = signal_variance * kernel_profile(type, r2);
    }
  }
}

Eigen::MatrixXd kernel_matrix(const KernelParams& params, const Eigen::MatrixXd& a,
                              const Eigen::MatrixXd& b) {
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
  double signal_gradient = 0.0;
  for (Eigen::Index b = 0; b < n; ++b) {
    for (Eigen::Index a = 0; a < n; ++a) {
      const double r2 = std::max(norms[a] + norms[b] - 2.0 * gram(a, b), 0.0);
      double factor = 0.0;
      const double k = signal_variance * profile_and_factor(params.type, r2, factor);
      signal_gradient += w(a, b) * k;
      w(a, b) *= signal_variance * factor;
    }
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
