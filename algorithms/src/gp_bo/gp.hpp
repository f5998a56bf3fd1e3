#pragma once
// A Gaussian-process regression model with a zero prior mean on standardised targets.
//
// fit(x, y, hp) standardises y (mean 0, standard deviation 1; a constant y keeps scale 1),
// factorises K + σ_n² I with robust_cholesky() and caches α = (K + σ_n² I)⁻¹ y.
// predict() gives the latent posterior mean and variance on the standardised scale;
// to_raw()/to_standardised() convert values. log_marginal_likelihood() and its gradient are those
// of the standardised targets, the gradient w.r.t. GpHyperparameters::pack() (all in log space).
// Points are the rows of x; every x passed later must have as many columns.

#include "gp_bo/kernel.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <cmath>

namespace nhb2::gp_bo {

// Smallest noise variance (standardised scale): keeps K + σ_n² I well conditioned.
constexpr double kMinNoiseVariance = 1e-6;

struct GpHyperparameters {
  KernelParams kernel;
  double log_noise_variance = std::log(1e-2);

  // θ = (log ℓ_1 .. log ℓ_D, log s², log σ_n²): D + 2 entries.
  Eigen::VectorXd pack() const;
  static GpHyperparameters unpack(KernelType type, const Eigen::VectorXd& theta);
  // ℓ = 1 for every feature, s² = 1, σ_n² = 0.01.
  static GpHyperparameters defaults(KernelType type, int num_features);
  double noise_variance() const;  // exp(log σ_n²), never below kMinNoiseVariance
};

// Cholesky of k + jitter·I: jitter 0 first, then 1e-8, 1e-7, … 1e-2 until the factorisation
// succeeds. ok is false when even 1e-2 fails (or k holds non-finite values).
struct RobustCholesky {
  Eigen::LLT<Eigen::MatrixXd> llt;
  double jitter = 0.0;
  bool ok = false;
};
RobustCholesky robust_cholesky(const Eigen::MatrixXd& k);
// The same into result, reusing its storage.
void robust_cholesky(const Eigen::MatrixXd& k, RobustCholesky& result);

class GaussianProcess {
 public:
  // Precondition: x.rows() == y.size() >= 1, x.cols() == hp.kernel.num_features().
  // Returns false (and leaves the model unusable) when K cannot be factorised.
  bool fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const GpHyperparameters& hp);

  // Latent posterior at the rows of xs, standardised scale; variance clamped at 0.
  void predict(const Eigen::MatrixXd& xs, Eigen::VectorXd& mean, Eigen::VectorXd& variance) const;

  double log_marginal_likelihood() const;
  Eigen::VectorXd log_marginal_likelihood_gradient() const;

  double to_standardised(double raw) const { return (raw - y_mean_) / y_scale_; }
  double to_raw(double standardised) const { return y_mean_ + y_scale_ * standardised; }
  double y_mean() const { return y_mean_; }
  double y_scale() const { return y_scale_; }
  double jitter() const { return cholesky_.jitter; }
  int num_points() const { return static_cast<int>(x_.rows()); }
  const GpHyperparameters& hyperparameters() const { return hp_; }
  const Eigen::VectorXd& standardised_targets() const { return y_; }

 private:
  GpHyperparameters hp_;
  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;  // standardised
  double y_mean_ = 0.0;
  double y_scale_ = 1.0;
  RobustCholesky cholesky_;
  Eigen::VectorXd alpha_;
  // n × n workspaces, kept so that refits of the same size allocate nothing.
  Eigen::MatrixXd k_;
  mutable Eigen::MatrixXd w_;
};

}  // namespace nhb2::gp_bo
