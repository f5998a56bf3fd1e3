#include "gp_bo/gp.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace nhb2::gp_bo {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kFirstJitter = 1e-8;
constexpr double kLastJitter = 1e-2;
constexpr Eigen::Index kPredictBlock = 64;

}  // namespace

Eigen::VectorXd GpHyperparameters::pack() const {
  const int d = kernel.num_features();
  Eigen::VectorXd theta(d + 2);
  theta.head(d) = kernel.log_lengthscales;
  theta[d] = kernel.log_signal_variance;
  theta[d + 1] = log_noise_variance;
  return theta;
}

GpHyperparameters GpHyperparameters::unpack(KernelType type, const Eigen::VectorXd& theta) {
  const int d = static_cast<int>(theta.size()) - 2;
  GpHyperparameters hp;
  hp.kernel.type = type;
  hp.kernel.log_lengthscales = theta.head(d);
  hp.kernel.log_signal_variance = theta[d];
  hp.log_noise_variance = theta[d + 1];
  return hp;
}

GpHyperparameters GpHyperparameters::defaults(KernelType type, int num_features) {
  GpHyperparameters hp;
  hp.kernel.type = type;
  hp.kernel.log_lengthscales = Eigen::VectorXd::Zero(num_features);
  hp.kernel.log_signal_variance = 0.0;
  hp.log_noise_variance = std::log(1e-2);
  return hp;
}

double GpHyperparameters::noise_variance() const {
  return std::max(std::exp(log_noise_variance), kMinNoiseVariance);
}

void robust_cholesky(const Eigen::MatrixXd& k, RobustCholesky& result) {
  result.ok = false;
  result.jitter = 0.0;
  if (!k.allFinite()) return;
  result.llt.compute(k);
  if (result.llt.info() == Eigen::Success) {
    result.ok = true;
    return;
  }
  // Rounding can make a kernel matrix with (near-)duplicate points indefinite; a growing ridge
  // restores positive definiteness at the price of a little extra noise.
  Eigen::MatrixXd ridged;
  for (double jitter = kFirstJitter; jitter <= kLastJitter * 1.0001; jitter *= 10.0) {
    ridged = k;
    ridged.diagonal().array() += jitter;
    result.llt.compute(ridged);
    if (result.llt.info() == Eigen::Success) {
      result.jitter = jitter;
      result.ok = true;
      return;
    }
  }
}

RobustCholesky robust_cholesky(const Eigen::MatrixXd& k) {
  RobustCholesky result;
  robust_cholesky(k, result);
  return result;
}

bool GaussianProcess::fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                          const GpHyperparameters& hp) {
  assert(x.rows() == y.size() && y.size() >= 1);
  assert(x.cols() == hp.kernel.num_features());
  hp_ = hp;
  x_ = x;
  const double n = static_cast<double>(y.size());
  y_mean_ = y.mean();
  const double variance = (y.array() - y_mean_).square().sum() / n;
  y_scale_ = variance > 0.0 ? std::sqrt(variance) : 1.0;
  y_ = (y.array() - y_mean_) / y_scale_;

  kernel_matrix(hp.kernel, x, x, k_);
  k_.diagonal().array() += hp.noise_variance();
  robust_cholesky(k_, cholesky_);
  if (!cholesky_.ok) return false;
  alpha_ = cholesky_.llt.solve(y_);
  return true;
}

void GaussianProcess::predict(const Eigen::MatrixXd& xs, Eigen::VectorXd& mean,
                              Eigen::VectorXd& variance) const {
  assert(cholesky_.ok);
  const Eigen::Index m = xs.rows();
  mean.resize(m);
  variance.resize(m);
  const double prior_variance = std::exp(hp_.kernel.log_signal_variance);
  // Blocks of query points keep the n × block temporaries small and cache-resident.
  for (Eigen::Index start = 0; start < m; start += kPredictBlock) {
    const Eigen::Index count = std::min(kPredictBlock, m - start);
    const Eigen::MatrixXd k_star = kernel_matrix(hp_.kernel, x_, xs.middleRows(start, count));
    mean.segment(start, count).noalias() = k_star.transpose() * alpha_;
    // v = L⁻¹ k*, var = k(x, x) − ‖v‖² per column.
    const Eigen::MatrixXd v = cholesky_.llt.matrixL().solve(k_star);
    variance.segment(start, count) =
        (prior_variance - v.colwise().squaredNorm().array()).cwiseMax(0.0).transpose();
  }
}

double GaussianProcess::log_marginal_likelihood() const {
  assert(cholesky_.ok);
  const double n = static_cast<double>(y_.size());
  const double log_det = 2.0 * cholesky_.llt.matrixLLT().diagonal().array().log().sum();
  return -0.5 * y_.dot(alpha_) - 0.5 * log_det - 0.5 * n * std::log(2.0 * kPi);
}

Eigen::VectorXd GaussianProcess::log_marginal_likelihood_gradient() const {
  assert(cholesky_.ok);
  const int n = static_cast<int>(y_.size());
  const int d = hp_.kernel.num_features();
  // ∂LML/∂θ_j = ½ tr(W ∂K/∂θ_j) with W = ααᵀ − K⁻¹.
  w_.resize(n, n);
  w_.setIdentity();
  cholesky_.llt.solveInPlace(w_);  // K⁻¹
  w_.noalias() -= alpha_ * alpha_.transpose();
  w_ *= -1.0;
  Eigen::VectorXd gradient(d + 2);
  // ∂K/∂log σ_n² = σ_n² I (zero below the floor, where σ_n² no longer moves). Read tr(W) first:
  // the contraction overwrites w_.
  const double raw_noise = std::exp(hp_.log_noise_variance);
  gradient[d + 1] = raw_noise > kMinNoiseVariance ? 0.5 * raw_noise * w_.trace() : 0.0;
  gradient.head(d + 1) = 0.5 * kernel_gradient_contraction(hp_.kernel, x_, w_);
  return gradient;
}

}  // namespace nhb2::gp_bo
