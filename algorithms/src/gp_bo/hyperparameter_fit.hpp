#pragma once
// Type-II maximum likelihood for the GP's hyperparameters.
//
// fit_hyperparameters() maximises the log marginal likelihood of (x, y) over
// θ = (log ℓ_1 .. log ℓ_D, log s², log σ_n²) inside box bounds, by projected Adam ascent:
// one run from `start` (typically the previous optimum) and `restarts` runs from points drawn
// uniformly in the bounds from rng. It returns the best θ evaluated (the start included), so the
// result never has a lower likelihood than the start. Deterministic given rng's state.

#include <nhb2/core/rng.hpp>
#include "gp_bo/gp.hpp"

#include <Eigen/Core>

namespace nhb2::gp_bo {

struct HyperparameterFitOptions {
  int iterations = 25;          // Adam steps from the start point
  int restarts = 2;             // extra runs from random points
  int restart_iterations = 10;  // Adam steps per restart
  double learning_rate = 0.1;   // Adam step size, log-space units
  // Bounds in natural units (the search runs in their logs).
  double min_lengthscale = 0.05;
  double max_lengthscale = 20.0;
  double min_signal_variance = 0.05;
  double max_signal_variance = 20.0;
  double min_noise_variance = kMinNoiseVariance;
  double max_noise_variance = 1.0;
};

struct HyperparameterFitResult {
  GpHyperparameters hyperparameters;
  double log_marginal_likelihood = 0.0;
  int evaluations = 0;  // likelihood (and gradient) evaluations spent
};

// Precondition: x.rows() == y.size() >= 1, x.cols() == start.kernel.num_features().
HyperparameterFitResult fit_hyperparameters(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                            const GpHyperparameters& start, Rng& rng,
                                            const HyperparameterFitOptions& options = {});

}  // namespace nhb2::gp_bo
