#pragma once
// A GP posterior kept up to date point by point, for gp_bo's asks.
//
// Holds the Cholesky factor L of K + (σ_n² + jitter) I for its training points under fixed
// hyperparameters, in storage that grows geometrically and is reused, so steady-state updates
// allocate no n × n memory. With n training points and D features:
//   rebuild()          O(n² D + n³)   full factorisation (robust_cholesky's jitter ladder)
//   append()           O(n D + n²)    one forward substitution
//   remove()           O(n²)          rank-one update of the trailing block (and K's row and
//                                     column dropped)
//   prepare()          O(n²)          standardises the targets and solves for α
//   add_fantasy()      O(n D + n²)    a pending point, for the variance only (kriging believer)
//   score()            O(n m D)       the m candidates' kernel columns, means and variance bounds
//   exact_variance()   O(n²) each     one candidate's posterior variance
//   argmax_expected_improvement()  O(n m + r n D + e n²): single-precision screening of the m
//                      candidates, r exact kernel columns, e exact variances (see below)
// The targets are standardised like GaussianProcess::fit (mean 0, standard deviation 1) over the
// real training points; fantasies never change the mean (their targets are the posterior mean),
// only the variance.

#include "gp_bo/gp.hpp"

#include <Eigen/Core>

#include <vector>

namespace nhb2::gp_bo {

class IncrementalGp {
 public:
  // Factorises K for the rows of x (targets y) from scratch. Returns false (model unusable) when
  // even the largest jitter fails.
  bool rebuild(const Eigen::Ref<const Eigen::MatrixXd>& x, const std::vector<double>& y,
               const GpHyperparameters& hp);
  // Adds a training point. Returns false, leaving the model unchanged, when the extended matrix
  // is not numerically positive definite (the caller then rebuilds).
  bool append(const double* features, double y);
  // Drops training point `position` (0-based, in insertion order); later points move up one.
  void remove(int position);

  // Must run after the training set changed and before mean/variance queries: standardises the
  // targets, solves α and drops the fantasies.
  void prepare();
  // Conditions the variance on a pending point (kriging believer). Returns false, skipping it,
  // when that would break positive definiteness.
  bool add_fantasy(const double* features);

  // For the rows of xs: standardised posterior means and upper bounds on the posterior variances
  // (the variance given the single most correlated training point; the true variance given all
  // points and fantasies is never larger). Keeps the kernel columns for exact_variance().
  void score(const Eigen::Ref<const Eigen::MatrixXd>& xs, Eigen::VectorXd& mean,
             Eigen::VectorXd& variance_bound);
  // Exact posterior variance (real points and fantasies) of the given rows of the last score()'s
  // xs; clamped at 0.
  void exact_variances(const std::vector<Eigen::Index>& rows, Eigen::VectorXd& variances);

  // The row of xs with the largest expected improvement over `best` (standardised) with margin
  // xi, ties to the first; the highest mean when every EI is 0. Exact like scoring every row,
  // but lazily: a single-precision kernel bounds every row's EI (about half the cost of
  // score()), then the row with the highest bound is refined, again and again: first its exact
  // kernel column (exact mean; variance bounded by the 12 most correlated training points;
  // O(n D)), then its exact variance (O(n²)), until the highest bound is an exact EI. Does not
  // change what exact_variances() refers to, except when every EI is 0 (it then calls score()).
  Eigen::Index argmax_expected_improvement(const Eigen::Ref<const Eigen::MatrixXd>& xs, double best,
                                           double xi);

  // Storage for `points` training points is allocated at the next rebuild(), so the model then
  // grows to that size without reallocating (each reallocation copies O(n²) and touches fresh
  // memory). Only a hint: the model still grows beyond it.
  void expect_points(int points) { expected_points_ = points; }

  int size() const { return n_; }
  // K + σ_n² I over the training points, as kept for the variance bounds (n × n).
  Eigen::Block<const Eigen::MatrixXd> training_kernel() const { return k_.topLeftCorner(n_, n_); }
  double to_standardised(double raw) const { return (raw - y_mean_) / y_scale_; }
  double max_target() const;  // the largest raw target
  const GpHyperparameters& hyperparameters() const { return hp_; }
  double jitter() const { return jitter_; }

 private:
  void reserve(int capacity);
  // codes_ for the kernel functions' a_rows, or nullptr.
  const CompactRows* codes() const {
    return codes_valid_ && codes_.code.size() == static_cast<std::size_t>(n_) ? &codes_ : nullptr;
  }
  double prior_variance() const;
  double diagonal() const;  // K_ii + σ_n² + jitter
  // An upper bound on the posterior variance of the point with training kernel column k_star:
  // its variance given the few training points most correlated with it. O(n + D).
  double subset_variance(const Eigen::Ref<const Eigen::VectorXd>& k_star);

  GpHyperparameters hp_;
  int expected_points_ = 0;
  int n_ = 0;
  double jitter_ = 0.0;
  Eigen::MatrixXd x_;  // capacity × D; rows 0..n_ hold the points
  // The points' compact codes (kernel.hpp), when every point is in gp_bo's encoding.
  CompactRows codes_;
  bool codes_valid_ = false;
  // capacity × capacity; the leading n_ × n_ block is K + σ_n² I over the points (the kernel
  // entries between training points, kept for subset_variance()).
  Eigen::MatrixXd k_;
  Eigen::MatrixXd l_;  // capacity × capacity; lower triangle of the leading n_ × n_ is L
  std::vector<double> y_raw_;
  Eigen::VectorXd alpha_;  // (K + σ² I)⁻¹ y_std
  double y_mean_ = 0.0;
  double y_scale_ = 1.0;

  // Fantasies extend L by rows [B C]: B is p × n, C p × p lower triangular.
  int p_ = 0;
  Eigen::MatrixXd fantasy_x_;  // p × D
  Eigen::MatrixXd fantasy_b_;
  Eigen::MatrixXd fantasy_c_;

  // Workspaces reused across calls.
  Eigen::MatrixXd k_star_;  // its leading n × m_ block: the kernel columns of the last score()
  Eigen::Index m_ = 0;
  Eigen::MatrixXd k_point_;         // n × 1 kernel column of one point
  Eigen::MatrixXd k_fantasy_star_;  // p × m
  Eigen::VectorXd column_;
  Eigen::MatrixXd batch_;
  // argmax_expected_improvement(): the exact kernel columns of refined candidates (n × m
  // storage), the screening's means, margins and largest kernel entries, one batch's rows and
  // exact kernel columns.
  Eigen::MatrixXd k_screen_;
  Eigen::VectorXd screen_mean_;
  Eigen::VectorXd screen_margin_;
  Eigen::VectorXd screen_k_max_;
  Eigen::MatrixXd batch_rows_;
  Eigen::MatrixXd exact_columns_;
  Eigen::VectorXd exact_means_;
  std::vector<int> subset_;
  Eigen::MatrixXd subset_gram_;
  Eigen::VectorXd subset_k_;
};

}  // namespace nhb2::gp_bo
