#include "gp_bo/hyperparameter_fit.hpp"

#include <cmath>
#include <limits>

namespace nhb2::gp_bo {

namespace {

struct Bounds {
  Eigen::VectorXd lower;
  Eigen::VectorXd upper;
};

Bounds make_bounds(int num_features, const HyperparameterFitOptions& options) {
  const int d = num_features;
  Bounds bounds{Eigen::VectorXd(d + 2), Eigen::VectorXd(d + 2)};
  bounds.lower.head(d).setConstant(std::log(options.min_lengthscale));
  bounds.upper.head(d).setConstant(std::log(options.max_lengthscale));
  bounds.lower[d] = std::log(options.min_signal_variance);
  bounds.upper[d] = std::log(options.max_signal_variance);
  bounds.lower[d + 1] = std::log(options.min_noise_variance);
  bounds.upper[d + 1] = std::log(options.max_noise_variance);
  return bounds;
}

// Searches from theta and keeps the best point seen in best / best_value.
class AdamAscent {
 public:
  AdamAscent(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, KernelType type,
             const Bounds& bounds, const HyperparameterFitOptions& options,
             HyperparameterFitResult& best)
      : x_(x), y_(y), type_(type), bounds_(bounds), options_(options), best_(best) {}

  void run(Eigen::VectorXd theta, int iterations) {
    theta = theta.cwiseMax(bounds_.lower).cwiseMin(bounds_.upper);
    Eigen::VectorXd m = Eigen::VectorXd::Zero(theta.size());
    Eigen::VectorXd v = Eigen::VectorXd::Zero(theta.size());
    constexpr double kBeta1 = 0.9;
    constexpr double kBeta2 = 0.999;
    constexpr double kEpsilon = 1e-8;
    double beta1_power = 1.0;
    double beta2_power = 1.0;
    for (int step = 0; step <= iterations; ++step) {
      Eigen::VectorXd gradient;
      if (!evaluate(theta, gradient) || step == iterations) return;
      m = kBeta1 * m + (1.0 - kBeta1) * gradient;
      v = kBeta2 * v + (1.0 - kBeta2) * gradient.cwiseAbs2();
      beta1_power *= kBeta1;
      beta2_power *= kBeta2;
      const Eigen::VectorXd m_hat = m / (1.0 - beta1_power);
      const Eigen::VectorXd v_hat = v / (1.0 - beta2_power);
      theta +=
          options_.learning_rate * (m_hat.array() / (v_hat.array().sqrt() + kEpsilon)).matrix();
      theta = theta.cwiseMax(bounds_.lower).cwiseMin(bounds_.upper);
    }
  }

 private:
  // Likelihood and gradient at theta; records theta when it beats the best so far.
  bool evaluate(const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) {
    const GpHyperparameters hp = GpHyperparameters::unpack(type_, theta);
    ++best_.evaluations;
    if (!gp_.fit(x_, y_, hp)) return false;
    const double value = gp_.log_marginal_likelihood();
    if (!std::isfinite(value)) return false;
    if (value > best_.log_marginal_likelihood) {
      best_.log_marginal_likelihood = value;
      best_.hyperparameters = hp;
    }
    gradient = gp_.log_marginal_likelihood_gradient();
    return gradient.allFinite();
  }

  const Eigen::MatrixXd& x_;
  const Eigen::VectorXd& y_;
  KernelType type_;
  const Bounds& bounds_;
  const HyperparameterFitOptions& options_;
  HyperparameterFitResult& best_;
  GaussianProcess gp_;
};

}  // namespace

HyperparameterFitResult fit_hyperparameters(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                            const GpHyperparameters& start, Rng& rng,
                                            const HyperparameterFitOptions& options) {
  const KernelType type = start.kernel.type;
  const Bounds bounds = make_bounds(start.kernel.num_features(), options);
  HyperparameterFitResult best;
  best.hyperparameters = start;
  best.log_marginal_likelihood = -std::numeric_limits<double>::infinity();
  AdamAscent ascent(x, y, type, bounds, options, best);
  ascent.run(start.pack(), options.iterations);
  for (int restart = 0; restart < options.restarts; ++restart) {
    Eigen::VectorXd theta(bounds.lower.size());
    for (Eigen::Index i = 0; i < theta.size(); ++i) {
      theta[i] = bounds.lower[i] + uniform_real(rng) * (bounds.upper[i] - bounds.lower[i]);
    }
    ascent.run(theta, options.restart_iterations);
  }
  return best;
}

}  // namespace nhb2::gp_bo
