// gp_bo's incrementally updated GP (algorithms/src/gp_bo/incremental_gp.hpp) against the
// from-scratch GaussianProcess.

#include "gp_bo/incremental_gp.hpp"
#include "gp_bo/acquisition.hpp"
#include "gp_bo/encoding.hpp"
#include "gp_bo/gp.hpp"

#include <nhb2/core/rng.hpp>
#include <nhb2/core/search_space.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace nhb2;
using namespace nhb2::gp_bo;

namespace {

constexpr int kFeatures = 5;

Eigen::MatrixXd random_points(Rng& rng, int n) {
  Eigen::MatrixXd x(n, kFeatures);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < kFeatures; ++j) x(i, j) = uniform_real(rng);
  }
  return x;
}

GpHyperparameters some_hyperparameters(KernelType type) {
  GpHyperparameters hp = GpHyperparameters::defaults(type, kFeatures);
  for (int j = 0; j < kFeatures; ++j) hp.kernel.log_lengthscales[j] = -0.7 + 0.3 * j;
  hp.kernel.log_signal_variance = 0.4;
  hp.log_noise_variance = std::log(0.05);
  return hp;
}

// Standardised means and variances of `reference` at the rows of xs, and the incremental GP's
// exact variances and bounds there.
void compare(IncrementalGp& incremental, const GaussianProcess& reference,
             const Eigen::MatrixXd& xs) {
  Eigen::VectorXd mean, bound, expected_mean, expected_variance, variance;
  incremental.score(xs, mean, bound);
  std::vector<Eigen::Index> rows;
  for (Eigen::Index i = 0; i < xs.rows(); ++i) rows.push_back(i);
  incremental.exact_variances(rows, variance);
  reference.predict(xs, expected_mean, expected_variance);
  for (Eigen::Index i = 0; i < xs.rows(); ++i) {
    CHECK(mean[i] == Approx(expected_mean[i]).margin(1e-9));
    CHECK(variance[i] == Approx(expected_variance[i]).margin(1e-9));
    CHECK(bound[i] >= variance[i] - 1e-12);
  }
}

// gp_bo's encoding of n uniform configs (the kernel's lookup-table path).
Eigen::MatrixXd encoded_configs(Rng& rng, int n) {
  const SearchSpace space;
  Eigen::MatrixXd x(n, kNumFeatures);
  for (int i = 0; i < n; ++i) x.row(i) = encode(space.sample(rng)).transpose();
  return x;
}

// Varied ARD hyperparameters over gp_bo's features.
GpHyperparameters encoded_hyperparameters(KernelType type, Rng& rng) {
  GpHyperparameters hp = GpHyperparameters::defaults(type, kNumFeatures);
  for (int j = 0; j < kNumFeatures; ++j) {
    hp.kernel.log_lengthscales[j] = -0.5 + 1.5 * uniform_real(rng);
  }
  hp.kernel.log_signal_variance = 0.3;
  hp.log_noise_variance = std::log(0.01);
  return hp;
}

// The maximiser of expected improvement over every candidate's exact mean and variance (ties:
// the first), or of the mean when every EI is 0: what the lazy maximiser must return.
Eigen::Index exact_argmax(const Eigen::VectorXd& mean, const Eigen::VectorXd& variance,
                          double best, double xi) {
  Eigen::Index chosen = 0;
  double chosen_ei = -1.0;
  for (Eigen::Index i = 0; i < mean.size(); ++i) {
    const double ei = expected_improvement(mean[i], variance[i], best, xi);
    if (ei > chosen_ei) {
      chosen_ei = ei;
      chosen = i;
    }
  }
  if (!(chosen_ei > 0.0)) mean.maxCoeff(&chosen);
  return chosen;
}

}  // namespace

TEST_CASE("appending and removing points gives the posterior of a fit from scratch", "[gp_bo]") {
  const KernelType type = GENERATE(KernelType::matern52, KernelType::rbf);
  Rng rng = make_rng(17);
  const Eigen::MatrixXd x = random_points(rng, 30);
  std::vector<double> y;
  for (int i = 0; i < 30; ++i) y.push_back(70.0 + 10.0 * uniform_real(rng));
  const Eigen::MatrixXd xs = random_points(rng, 12);
  const GpHyperparameters hp = some_hyperparameters(type);

  IncrementalGp incremental;
  REQUIRE(incremental.rebuild(x.topRows(20), std::vector<double>(y.begin(), y.begin() + 20), hp));
  for (int i = 20; i < 30; ++i) {
    const Eigen::RowVectorXd point = x.row(i);
    REQUIRE(incremental.append(point.data(), y[i]));
  }
  // Points kept, in the incremental GP's order, after removing positions 25, 3 and 0.
  std::vector<int> kept;
  for (int i = 0; i < 30; ++i) kept.push_back(i);
  for (int position : {25, 3, 0}) {
    incremental.remove(position);
    kept.erase(kept.begin() + position);
  }
  REQUIRE(incremental.size() == 27);
  incremental.prepare();

  Eigen::MatrixXd kept_x(kept.size(), kFeatures);
  Eigen::VectorXd kept_y(kept.size());
  for (std::size_t i = 0; i < kept.size(); ++i) {
    kept_x.row(static_cast<Eigen::Index>(i)) = x.row(kept[i]);
    kept_y[static_cast<Eigen::Index>(i)] = y[kept[i]];
  }
  GaussianProcess reference;
  REQUIRE(reference.fit(kept_x, kept_y, hp));
  CHECK(incremental.to_standardised(75.0) == Approx(reference.to_standardised(75.0)));
  CHECK(incremental.max_target() == kept_y.maxCoeff());
  compare(incremental, reference, xs);

  SECTION("fantasies shrink the variance like observations, and leave the mean") {
    const Eigen::MatrixXd pending = random_points(rng, 3);
    Eigen::VectorXd mean_before, bound;
    incremental.score(xs, mean_before, bound);
    for (Eigen::Index i = 0; i < pending.rows(); ++i) {
      const Eigen::RowVectorXd point = pending.row(i);
      REQUIRE(incremental.add_fantasy(point.data()));
    }
    Eigen::MatrixXd all_x(kept_x.rows() + 3, kFeatures);
    all_x << kept_x, pending;
    // The variance does not depend on the targets; the believer's mean is the posterior mean.
    Eigen::VectorXd believer_mean, unused;
    reference.predict(pending, believer_mean, unused);
    Eigen::VectorXd all_y(kept_y.size() + 3);
    all_y.head(kept_y.size()) = kept_y;
    for (int i = 0; i < 3; ++i) all_y[kept_y.size() + i] = reference.to_raw(believer_mean[i]);
    GaussianProcess believer;
    REQUIRE(believer.fit(all_x, all_y, hp));
    Eigen::VectorXd mean, variance, expected_mean, expected_variance;
    incremental.score(xs, mean, bound);
    std::vector<Eigen::Index> rows;
    for (Eigen::Index i = 0; i < xs.rows(); ++i) rows.push_back(i);
    incremental.exact_variances(rows, variance);
    believer.predict(xs, expected_mean, expected_variance);
    for (Eigen::Index i = 0; i < xs.rows(); ++i) {
      CHECK(mean[i] == Approx(mean_before[i]).margin(1e-12));
      CHECK(variance[i] == Approx(expected_variance[i]).margin(1e-9));
      CHECK(bound[i] >= variance[i] - 1e-12);
    }
  }
}

TEST_CASE("the lazy expected-improvement maximiser picks what scoring every candidate picks",
          "[gp_bo]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Rng rng = make_rng(seed);
    const int n = 10 + static_cast<int>(seed) * 3;
    const Eigen::MatrixXd x = random_points(rng, n);
    std::vector<double> y;
    Eigen::VectorXd y_vector(n);
    for (int i = 0; i < n; ++i) {
      // A smooth function of the first features plus noise, so the GP is informative.
      y.push_back(80.0 + 5.0 * std::sin(3.0 * x(i, 0)) - 4.0 * x(i, 1) * x(i, 1) +
                  0.3 * uniform_real(rng));
      y_vector[i] = y.back();
    }
    const Eigen::MatrixXd candidates = random_points(rng, 300);
    const GpHyperparameters hp =
        some_hyperparameters(seed % 2 == 0 ? KernelType::rbf : KernelType::matern52);
    const double xi = seed % 3 == 0 ? 0.0 : 0.01 * static_cast<double>(seed);

    IncrementalGp incremental;
    REQUIRE(incremental.rebuild(x, y, hp));
    incremental.prepare();
    GaussianProcess reference;
    REQUIRE(reference.fit(x, y_vector, hp));
    const double best = reference.to_standardised(y_vector.maxCoeff());
    Eigen::VectorXd mean, variance;
    reference.predict(candidates, mean, variance);
    const Eigen::Index expected = exact_argmax(mean, variance, best, xi);
    INFO("seed " << seed);
    CHECK(incremental.argmax_expected_improvement(candidates, best, xi) == expected);
  }
}

TEST_CASE("the lazy maximiser is exact on gp_bo's features, with and without pending points",
          "[gp_bo]") {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    Rng rng = make_rng(100 + seed);
    const int n = 20 + static_cast<int>(seed) * 15;
    const Eigen::MatrixXd x = encoded_configs(rng, n);
    std::vector<double> y;
    Eigen::VectorXd y_vector(n);
    for (int i = 0; i < n; ++i) {
      // Depends on a few edges and the learning rate, plus noise.
      y.push_back(80.0 + 3.0 * x(i, 1) - 2.0 * x(i, 6) + 4.0 * x(i, 14) * x(i, 23) -
                  5.0 * (x(i, kLrFeature) - 0.6) * (x(i, kLrFeature) - 0.6) +
                  0.2 * uniform_real(rng));
      y_vector[i] = y.back();
    }
    const Eigen::MatrixXd candidates = encoded_configs(rng, 400);
    const KernelType type = seed % 2 == 0 ? KernelType::rbf : KernelType::matern52;
    const GpHyperparameters hp = encoded_hyperparameters(type, rng);
    const double xi = seed % 3 == 0 ? 0.0 : 0.01 * static_cast<double>(seed);
    const int pending = seed % 4 == 0 ? 3 : 0;
    const Eigen::MatrixXd fantasies = encoded_configs(rng, pending);

    IncrementalGp incremental;
    REQUIRE(incremental.rebuild(x, y, hp));
    incremental.prepare();
    for (int i = 0; i < pending; ++i) {
      const Eigen::RowVectorXd point = fantasies.row(i);
      incremental.add_fantasy(point.data());
    }
    // Reference: score() and exact_variances() of every candidate (double-precision kernel).
    Eigen::VectorXd mean, bound, variance;
    incremental.score(candidates, mean, bound);
    std::vector<Eigen::Index> rows;
    for (Eigen::Index i = 0; i < candidates.rows(); ++i) rows.push_back(i);
    incremental.exact_variances(rows, variance);
    const double best = incremental.to_standardised(y_vector.maxCoeff());
    const Eigen::Index expected = exact_argmax(mean, variance, best, xi);
    INFO("seed " << seed);
    CHECK(incremental.argmax_expected_improvement(candidates, best, xi) == expected);
  }
}

TEST_CASE("the kernel matrix kept through appends and removals is the one computed afresh",
          "[gp_bo]") {
  // On gp_bo's features the entries are bit-identical: the lookup path computes k(a, b) and
  // k(b, a) alike, whether a column at a time or all at once.
  const KernelType type = GENERATE(KernelType::matern52, KernelType::rbf);
  Rng rng = make_rng(31);
  const Eigen::MatrixXd x = encoded_configs(rng, 90);
  std::vector<double> y;
  for (int i = 0; i < 90; ++i) y.push_back(70.0 + 10.0 * uniform_real(rng));
  const GpHyperparameters hp = encoded_hyperparameters(type, rng);

  IncrementalGp incremental;
  incremental.expect_points(40);  // grows past the hint below
  REQUIRE(incremental.rebuild(x.topRows(30), std::vector<double>(y.begin(), y.begin() + 30), hp));
  std::vector<int> kept;
  for (int i = 0; i < 30; ++i) kept.push_back(i);
  for (int i = 30; i < 90; ++i) {
    const Eigen::RowVectorXd point = x.row(i);
    REQUIRE(incremental.append(point.data(), y[static_cast<std::size_t>(i)]));
    kept.push_back(i);
    if (i % 3 == 0) {
      const int position = (i * 7) % static_cast<int>(kept.size());
      incremental.remove(position);
      kept.erase(kept.begin() + position);
    }
  }
  incremental.remove(static_cast<int>(kept.size()) - 1);  // the last point
  kept.pop_back();
  REQUIRE(incremental.size() == static_cast<int>(kept.size()));
  Eigen::MatrixXd kept_x(kept.size(), kNumFeatures);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    kept_x.row(static_cast<Eigen::Index>(i)) = x.row(kept[i]);
  }
  Eigen::MatrixXd expected = kernel_matrix(hp.kernel, kept_x, kept_x);
  expected.diagonal().array() += hp.noise_variance();
  CHECK(incremental.training_kernel() == expected);

  // And the lazy maximiser, whose variance bounds read it, still picks the exact maximiser.
  incremental.prepare();
  const Eigen::MatrixXd candidates = encoded_configs(rng, 300);
  Eigen::VectorXd mean, bound, variance;
  incremental.score(candidates, mean, bound);
  std::vector<Eigen::Index> rows;
  for (Eigen::Index i = 0; i < candidates.rows(); ++i) rows.push_back(i);
  incremental.exact_variances(rows, variance);
  double max_y = -1e300;
  for (int index : kept) max_y = std::max(max_y, y[static_cast<std::size_t>(index)]);
  const double best = incremental.to_standardised(max_y);
  CHECK(incremental.argmax_expected_improvement(candidates, best, 0.01) ==
        exact_argmax(mean, variance, best, 0.01));
}
