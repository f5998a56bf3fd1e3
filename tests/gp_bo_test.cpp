// gp_bo (algorithms/gp_bo.hpp) and its pieces: encoding, kernels, the GP posterior and
// likelihood gradient, jittered Cholesky, expected improvement, replayability, pending trials,
// and a paired comparison with random search on the synthetic benchmark.

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/algorithms/gp_bo.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/search_space.hpp>
#include <nhb2/experiments/driver.hpp>
#include "gp_bo/acquisition.hpp"
#include "gp_bo/encoding.hpp"
#include "gp_bo/gp.hpp"
#include "gp_bo/hyperparameter_fit.hpp"
#include "gp_bo/kernel.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <set>
#include <vector>

using namespace nhb2;
using namespace nhb2::gp_bo;

namespace {

const Benchmark& synthetic_benchmark() {
  static const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  return benchmark;
}

// The 1-D problem of the posterior tests: x = (0, 0.5, 1), y = (1, 3, 2), ℓ = 0.5, s² = 1.5,
// σ_n² = 0.1.
GpHyperparameters tiny_hyperparameters(KernelType type) {
  GpHyperparameters hp = GpHyperparameters::defaults(type, 1);
  hp.kernel.log_lengthscales[0] = std::log(0.5);
  hp.kernel.log_signal_variance = std::log(1.5);
  hp.log_noise_variance = std::log(0.1);
  return hp;
}

GaussianProcess tiny_gp(KernelType type) {
  Eigen::MatrixXd x(3, 1);
  x << 0.0, 0.5, 1.0;
  Eigen::VectorXd y(3);
  y << 1.0, 3.0, 2.0;
  GaussianProcess gp;
  REQUIRE(gp.fit(x, y, tiny_hyperparameters(type)));
  return gp;
}

Eigen::MatrixXd tiny_queries() {
  Eigen::MatrixXd xs(2, 1);
  xs << 0.25, 2.0;
  return xs;
}

}  // namespace

TEST_CASE("encoding one-hots the six edge ops and scales log lr and log bs to [0, 1]", "[gp_bo]") {
  // 0|10|210: edges A..F = conv, pool, conv, skip, pool, conv; lr 0.1 is grid index 5 of 0..7,
  // bs 256 index 4 of 0..5; both grids are geometric (factor 2), so the log scale is index/max.
  const Config config =
      Config::make(parse_cellcode("0|10|210"), lr_index_of(0.1), batch_size_index_of(256));
  const Eigen::VectorXd features = encode(config);
  REQUIRE(features.size() == 26);
  const std::set<int> ones = {0 * 4 + 0, 1 * 4 + 1, 2 * 4 + 0, 3 * 4 + 2, 4 * 4 + 1, 5 * 4 + 0};
  for (int i = 0; i < 24; ++i) CHECK(features[i] == (ones.count(i) ? 1.0 : 0.0));
  CHECK(features[24] == Approx(5.0 / 7.0).epsilon(1e-12));
  CHECK(features[25] == Approx(4.0 / 5.0).epsilon(1e-12));

  const Eigen::VectorXd lowest = encode(Config::make(parse_cellcode("3|33|333"), 0, 0));
  const Eigen::VectorXd highest = encode(Config::make(parse_cellcode("3|33|333"), 7, 5));
  CHECK(lowest[24] == Approx(0.0).margin(1e-12));
  CHECK(lowest[25] == Approx(0.0).margin(1e-12));
  CHECK(highest[24] == Approx(1.0).epsilon(1e-12));
  CHECK(highest[25] == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("the GP posterior on a tiny 1-D problem equals the hand-computed one", "[gp_bo]") {
  // Standardised targets: mean 2, population sd √(2/3) → ỹ = (−1.2247449, 1.2247449, 0).
  // Expected values from the textbook formulas, evaluated with numpy:
  //   K_ij = k(x_i, x_j) + 0.1 δ_ij,  α = K⁻¹ ỹ,  μ(x*) = k*ᵀ α,  σ²(x*) = 1.5 − k*ᵀ K⁻¹ k*
  // (latent, standardised scale) at x* = 0.25 and 2.0.
  SECTION("rbf") {
    // k(a, b) = 1.5 exp(−(a − b)² / (2 · 0.25))
    const GaussianProcess gp = tiny_gp(KernelType::rbf);
    CHECK(gp.y_mean() == Approx(2.0));
    CHECK(gp.y_scale() == Approx(0.816496580927726));
    Eigen::VectorXd mean, variance;
    gp.predict(tiny_queries(), mean, variance);
    CHECK(mean[0] == Approx(0.12643684666958688).epsilon(1e-10));
    CHECK(mean[1] == Approx(-0.21285025045768552).epsilon(1e-10));
    CHECK(variance[0] == Approx(0.09355429568452345).epsilon(1e-10));
    CHECK(variance[1] == Approx(1.4629848040962907).epsilon(1e-10));
    // −½ ỹᵀα − ½ log|K| − (3/2) log 2π
    CHECK(gp.log_marginal_likelihood() == Approx(-5.993788864389143).epsilon(1e-10));
    CHECK(gp.jitter() == 0.0);
  }
  SECTION("matern52") {
    // k(a, b) = 1.5 (1 + √5 r + 5r²/3) exp(−√5 r), r = |a − b| / 0.5
    const GaussianProcess gp = tiny_gp(KernelType::matern52);
    Eigen::VectorXd mean, variance;
    gp.predict(tiny_queries(), mean, variance);
    CHECK(mean[0] == Approx(0.06814165594213456).epsilon(1e-10));
    CHECK(mean[1] == Approx(-0.08411785667734306).epsilon(1e-10));
    CHECK(variance[0] == Approx(0.1976621984251261).epsilon(1e-10));
    CHECK(variance[1] == Approx(1.4697671281643752).epsilon(1e-10));
  }
}

TEST_CASE("the log-marginal-likelihood gradient matches central finite differences", "[gp_bo]") {
  // Six 3-D points, ARD lengthscales all different, both kernels.
  Eigen::MatrixXd x(6, 3);
  x << 0.1, 0.9, 0.0,  //
      0.4, 0.2, 1.0,   //
      0.8, 0.5, 0.0,   //
      0.3, 0.3, 1.0,   //
      0.9, 0.1, 0.0,   //
      0.6, 0.7, 1.0;
  Eigen::VectorXd y(6);
  y << 71.0, 74.5, 69.0, 80.25, 77.0, 73.0;
  for (KernelType type : {KernelType::matern52, KernelType::rbf}) {
    GpHyperparameters hp = GpHyperparameters::defaults(type, 3);
    hp.kernel.log_lengthscales << std::log(0.3), std::log(0.7), std::log(1.9);
    hp.kernel.log_signal_variance = std::log(1.3);
    hp.log_noise_variance = std::log(0.05);
    GaussianProcess gp;
    REQUIRE(gp.fit(x, y, hp));
    const Eigen::VectorXd gradient = gp.log_marginal_likelihood_gradient();
    const Eigen::VectorXd theta = hp.pack();
    REQUIRE(gradient.size() == theta.size());
    const double step = 1e-5;
    for (Eigen::Index j = 0; j < theta.size(); ++j) {
      Eigen::VectorXd plus = theta, minus = theta;
      plus[j] += step;
      minus[j] -= step;
      GaussianProcess gp_plus, gp_minus;
      REQUIRE(gp_plus.fit(x, y, GpHyperparameters::unpack(type, plus)));
      REQUIRE(gp_minus.fit(x, y, GpHyperparameters::unpack(type, minus)));
      const double numeric =
          (gp_plus.log_marginal_likelihood() - gp_minus.log_marginal_likelihood()) / (2 * step);
      INFO("kernel " << kernel_name(type) << ", θ_" << j);
      CHECK(gradient[j] == Approx(numeric).epsilon(1e-6).margin(1e-8));
    }
  }
}

TEST_CASE("hyperparameter fitting never lowers the likelihood of its start", "[gp_bo]") {
  Eigen::MatrixXd x(8, 2);
  Eigen::VectorXd y(8);
  for (int i = 0; i < 8; ++i) {
    x(i, 0) = i / 7.0;
    x(i, 1) = (i % 3) / 2.0;
    y[i] = std::sin(6.0 * x(i, 0)) + 0.3 * x(i, 1);
  }
  const GpHyperparameters start = GpHyperparameters::defaults(KernelType::matern52, 2);
  GaussianProcess gp;
  REQUIRE(gp.fit(x, y, start));
  Rng rng = make_rng(7);
  const HyperparameterFitResult fitted = fit_hyperparameters(x, y, start, rng);
  CHECK(fitted.log_marginal_likelihood >= gp.log_marginal_likelihood());
  CHECK(fitted.log_marginal_likelihood > gp.log_marginal_likelihood() + 0.1);
  CHECK(fitted.evaluations > 0);
}

TEST_CASE(
    "expected improvement matches the closed form and is 0 at zero variance below the "
    "incumbent",
    "[gp_bo]") {
  // mean 1, variance 0.25 (σ 0.5), best 0.5, xi 0.1: u = 0.4, z = 0.8,
  // EI = 0.4 Φ(0.8) + 0.5 φ(0.8) = 0.4 · 0.7881446014166034 + 0.5 · 0.28969155276148273.
  CHECK(expected_improvement(1.0, 0.25, 0.5, 0.1) == Approx(0.4601036169473827).epsilon(1e-12));
  // mean −0.3, σ 2, best 0.2: u = −0.5, z = −0.25, EI = −0.5 Φ(−0.25) + 2 φ(−0.25).
  CHECK(expected_improvement(-0.3, 4.0, 0.2, 0.0) == Approx(0.5726893964471604).epsilon(1e-12));
  CHECK(expected_improvement(0.3, 0.0, 0.5, 0.01) == 0.0);
  CHECK(expected_improvement(0.9, 0.0, 0.5, 0.1) == Approx(0.3));
  CHECK(expected_improvement(-40.0, 1.0, 0.0, 0.0) >= 0.0);
  CHECK(standard_normal_cdf(0.0) == 0.5);
  CHECK(standard_normal_pdf(0.0) == Approx(0.3989422804014327));
}

TEST_CASE("jitter rescues the Cholesky factorisation of a duplicated-point kernel matrix",
          "[gp_bo]") {
  // Two identical points: K = s² [[1, 1], [1, 1]] is singular, plain LLT fails at the second
  // pivot (exactly 0); the first jitter, 1e-8, makes it positive definite.
  KernelParams params;
  params.type = KernelType::rbf;
  params.log_lengthscales = Eigen::VectorXd::Zero(2);
  Eigen::MatrixXd x(3, 2);
  x << 0.2, 0.7,  //
      0.2, 0.7,   //
      0.9, 0.1;
  const Eigen::MatrixXd k = kernel_matrix(params, x, x);
  REQUIRE(k(0, 1) == 1.0);
  Eigen::LLT<Eigen::MatrixXd> plain(k);
  CHECK(plain.info() != Eigen::Success);
  const RobustCholesky robust = robust_cholesky(k);
  REQUIRE(robust.ok);
  CHECK(robust.jitter == Approx(1e-8));
  const Eigen::MatrixXd l = robust.llt.matrixL();
  const Eigen::MatrixXd expected = k + robust.jitter * Eigen::MatrixXd::Identity(3, 3);
  CHECK((l * l.transpose() - expected).cwiseAbs().maxCoeff() < 1e-12);

  const RobustCholesky broken = robust_cholesky(-Eigen::MatrixXd::Identity(2, 2));
  CHECK_FALSE(broken.ok);
}

TEST_CASE("gp_bo declares its parameters and refuses bad ones", "[gp_bo]") {
  const OptimizerInfo& info = builtin_optimizers().find("gp_bo");
  std::set<std::string> names;
  for (const ParamSpec& spec : info.params) names.insert(spec.name);
  CHECK(names == std::set<std::string>{"n_initial", "n_candidates", "kernel", "xi", "refit_every",
                                       "refit_growth", "max_observations"});
  CHECK_NOTHROW(builtin_optimizers().create("gp_bo", {{"kernel", "rbf"}}));
  CHECK_THROWS_AS(builtin_optimizers().create("gp_bo", {{"kernel", "linear"}}), ConfigError);
  CHECK_THROWS_AS(builtin_optimizers().create("gp_bo", {{"n_initial", "0"}}), ConfigError);
  GpBoOptions bad;
  bad.max_observations = 2;
  CHECK_THROWS_AS(GpBo(bad), ConfigError);
}

TEST_CASE("gp_bo replays the same trajectory from the same seed", "[gp_bo]") {
  RunSpec spec;
  spec.budget_seconds = 8000.0;
  spec.run_seed = 11;
  for (const char* kernel : {"matern52", "rbf"}) {
    auto a = builtin_optimizers().create("gp_bo", {{"kernel", kernel}});
    auto b = builtin_optimizers().create("gp_bo", {{"kernel", kernel}});
    const RunOutcome first = run_optimizer(synthetic_benchmark(), *a, SearchSpace(), spec);
    const RunOutcome second = run_optimizer(synthetic_benchmark(), *b, SearchSpace(), spec);
    REQUIRE(first.session.num_queries() > 15);  // past the initial design
    CHECK(first.session.key_trans() == second.session.key_trans());
    CHECK(first.session.acc_trans() == second.session.acc_trans());
    CHECK(first.session.epochs_trans() == std::vector<int>(first.session.num_queries(), 12));
    // A reused optimizer replays too.
    const RunOutcome third = run_optimizer(synthetic_benchmark(), *a, SearchSpace(), spec);
    CHECK(third.session.key_trans() == first.session.key_trans());
  }
}

TEST_CASE("gp_bo never proposes an evaluated or pending config, and handles out-of-order tells",
          "[gp_bo]") {
  const Benchmark& benchmark = synthetic_benchmark();
  GpBo gp_bo;
  gp_bo.reset(SearchSpace(), make_rng(5));
  std::set<Config> proposed;
  auto observe = [&](const Trial& trial) {
    return Observation{benchmark.accuracy(trial.config, Mode::valid, 12, 0), 100.0};
  };
  for (int round = 0; round < 8; ++round) {
    // Four asks before any tell (parallel workers), told in reverse order.
    std::vector<Trial> batch;
    for (int i = 0; i < 4; ++i) {
      batch.push_back(gp_bo.ask());
      CHECK(batch.back().epochs == 12);
      CHECK(proposed.insert(batch.back().config).second);
    }
    for (auto it = batch.rbegin(); it != batch.rend(); ++it) gp_bo.tell(*it, observe(*it));
  }
  CHECK(proposed.size() == 32);
}

TEST_CASE("gp_bo keeps working in a restricted space", "[gp_bo]") {
  SearchSpace space;
  for (int dim = 0; dim < kNumEdges; ++dim) space.fix(dim, 0);  // lr and bs free: 48 configs
  GpBoOptions options;
  options.n_initial = 3;
  GpBo gp_bo(options);
  gp_bo.reset(space, make_rng(9));
  for (int i = 0; i < 60; ++i) {  // more asks than configs: must not break
    const Trial trial = gp_bo.ask();
    REQUIRE(space.contains(trial.config));
    gp_bo.tell(trial, Observation{static_cast<double>(trial.config.hp_index() % 7), 10.0});
  }
}

TEST_CASE("gp_bo beats random search on the synthetic benchmark over 100 paired runs",
          "[gp_bo][statistical]") {
  const int runs = 100;
  const std::uint64_t master = 2026;
  const auto start = std::chrono::steady_clock::now();
  double rs_sum = 0.0, gp_sum = 0.0;
  std::vector<double> differences;
  for (int i = 0; i < runs; ++i) {
    RunSpec spec;
    spec.run_seed = run_seed(master, static_cast<std::uint64_t>(i));
    auto rs = builtin_optimizers().create("random_search", {});
    auto gp = builtin_optimizers().create("gp_bo", {});
    RunOutcome a = run_optimizer(synthetic_benchmark(), *rs, SearchSpace(), spec);
    RunOutcome b = run_optimizer(synthetic_benchmark(), *gp, SearchSpace(), spec);
    rs_sum += a.session.best_acc();
    gp_sum += b.session.best_acc();
    differences.push_back(b.session.best_acc() - a.session.best_acc());
  }
  double mean_diff = 0.0;
  for (double d : differences) mean_diff += d;
  mean_diff /= runs;
  double var = 0.0;
  for (double d : differences) var += (d - mean_diff) * (d - mean_diff);
  const double se = std::sqrt(var / (runs - 1) / runs);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO("random_search " << rs_sum / runs << ", gp_bo " << gp_sum / runs << ", paired difference "
                        << mean_diff << " ± " << se << " (" << seconds << " s)");
  CHECK(gp_sum > rs_sum);
  CHECK(mean_diff > 2.0 * se);
}

TEST_CASE("the kernel's lookup-table path and single-precision kernel agree with the definition",
          "[gp_bo]") {
  const KernelType type = GENERATE(KernelType::matern52, KernelType::rbf);
  Rng rng = make_rng(5);
  const SearchSpace space;
  const int n = 70;
  const int m = 90;  // ≥ 64 columns: the path with every code's table
  Eigen::MatrixXd a(n, kNumFeatures);
  Eigen::MatrixXd b(m, kNumFeatures);
  for (int i = 0; i < n; ++i) a.row(i) = encode(space.sample(rng)).transpose();
  for (int j = 0; j < m; ++j) b.row(j) = encode(space.sample(rng)).transpose();
  b.row(0) = a.row(3);  // a zero distance
  KernelParams params;
  params.type = type;
  params.log_lengthscales.resize(kNumFeatures);
  for (int d = 0; d < kNumFeatures; ++d) {
    params.log_lengthscales[d] =
        std::log(0.05) + (std::log(20.0) - std::log(0.05)) * uniform_real(rng);
  }
  params.log_signal_variance = 0.7;
  const double signal_variance = std::exp(params.log_signal_variance);
  const Eigen::MatrixXd k = kernel_matrix(params, a, b);
  const Eigen::MatrixXd narrow = kernel_matrix(params, a, b.topRows(5));  // per-column tables
  Eigen::MatrixXd single(n, m);
  kernel_matrix_single_into(params, a, b, single);
  // Not gp_bo's layout (a value other than 0 or 1 among the edge features): the general path.
  Eigen::MatrixXd a_general = a;
  a_general(0, 0) = 0.5;
  const Eigen::MatrixXd general = kernel_matrix(params, a_general, b);
  // A learning-rate feature off the grid: the general path too.
  Eigen::MatrixXd b_off_grid = b;
  b_off_grid(1, kLrFeature) = 0.3;
  const Eigen::MatrixXd off_grid = kernel_matrix(params, a, b_off_grid);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < m; ++j) {
      double r2 = 0.0;
      for (int d = 0; d < kNumFeatures; ++d) {
        const double delta = (a(i, d) - b(j, d)) / std::exp(params.log_lengthscales[d]);
        r2 += delta * delta;
      }
      const double expected = signal_variance * kernel_profile(type, r2);
      // Rounding of r² is amplified by the decay rate: relative error ≈ ε · √5 r (≤ 1e-12 here).
      INFO("k " << k(i, j) << " expected " << expected << " r2 " << r2);
      CHECK(std::abs(k(i, j) - expected) <= 1e-12 * expected + 1e-280);
      if (j < 5) CHECK(narrow(i, j) == k(i, j));
      const double decay = type == KernelType::rbf ? 0.5 * r2 : std::sqrt(5.0 * r2);
      CHECK(std::abs(single(i, j) - expected) <= single_kernel_error_weight(decay) * single(i, j) +
                                                     kSingleKernelAbsoluteError * signal_variance);
      if (i > 0) CHECK(general(i, j) == Approx(expected).epsilon(1e-9).margin(1e-12));
      if (j != 1) CHECK(off_grid(i, j) == Approx(expected).epsilon(1e-9).margin(1e-12));
    }
  }
  CHECK(k(3, 0) == Approx(signal_variance).epsilon(1e-15));
  // The screening bounds the exact weighted sums and largest entries of every column.
  Eigen::VectorXd weights(n);
  for (int i = 0; i < n; ++i) weights[i] = 40.0 * (uniform_real(rng) - 0.5);
  Eigen::VectorXd mean, margin, k_max;
  kernel_screen(params, a, b, weights, mean, margin, k_max);
  const Eigen::VectorXd exact_mean = k.transpose() * weights;
  for (int j = 0; j < m; ++j) {
    CHECK(std::abs(mean[j] - exact_mean[j]) <= margin[j]);
    CHECK(margin[j] <= 1e-4 * (weights.array().abs() * k.col(j).array()).sum() + 1e-20);
    CHECK(k_max[j] <= k.col(j).maxCoeff());
    CHECK(k_max[j] >= k.col(j).maxCoeff() * (1.0 - 1e-4) - 1e-20);
  }
}
