#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/algorithms/reinforce.hpp>
#include <nhb2/core/error.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace nhb2;

TEST_CASE("the gradient of log-softmax on two arms is onehot minus the probabilities",
          "[reinforce]") {
  // logits (0, ln 3) give probabilities (1/4, 3/4).
  const std::vector<double> logits = {0.0, std::log(3.0)};
  const auto probs = Reinforce::softmax(logits);
  CHECK(probs[0] == Approx(0.25).margin(1e-15));
  CHECK(probs[1] == Approx(0.75).margin(1e-15));
  const auto arm0 = Reinforce::log_softmax_gradient(logits, 0);
  CHECK(arm0[0] == Approx(0.75).margin(1e-15));
  CHECK(arm0[1] == Approx(-0.75).margin(1e-15));
  const auto arm1 = Reinforce::log_softmax_gradient(logits, 1);
  CHECK(arm1[0] == Approx(-0.25).margin(1e-15));
  CHECK(arm1[1] == Approx(0.25).margin(1e-15));
  // Equal logits: (1/2, 1/2), whatever their common value.
  const auto even = Reinforce::log_softmax_gradient({7.0, 7.0}, 1);
  CHECK(even[0] == Approx(-0.5).margin(1e-15));
  CHECK(even[1] == Approx(0.5).margin(1e-15));
}

TEST_CASE("Adam's first steps have magnitude lr in the gradient's direction", "[reinforce]") {
  Reinforce::Adam adam(3, 0.01);
  std::vector<double> params = {1.0, 1.0, 1.0};
  adam.ascend(params, {0.5, -2.0, 0.0});
  // m̂ = g, v̂ = g²: the step is lr · g / (|g| + ε).
  CHECK(params[0] == Approx(1.0 + 0.01 * 0.5 / (0.5 + 1e-8)).epsilon(1e-14));
  CHECK(params[1] == Approx(1.0 - 0.01 * 2.0 / (2.0 + 1e-8)).epsilon(1e-14));
  CHECK(params[2] == 1.0);
  // The same gradient again: still exactly lr, the bias correction undoes the moving averages.
  adam.ascend(params, {0.5, -2.0, 0.0});
  CHECK(params[0] == Approx(1.02).epsilon(1e-9));
  CHECK(params[1] == Approx(0.98).epsilon(1e-9));
  CHECK(adam.steps() == 2);
}

TEST_CASE("reinforce starts uniform and its first tell only sets the baseline", "[reinforce]") {
  Reinforce reinforce;
  reinforce.reset(SearchSpace(), make_rng(1));
  for (int dim = 0; dim < kNumDims; ++dim) {
    for (double p : reinforce.probabilities(dim)) CHECK(p == Approx(1.0 / kDimSizes[dim]));
  }
  const Trial first = reinforce.ask();
  reinforce.tell(first, {60.0, 100.0});
  CHECK(reinforce.baseline() == 60.0);
  for (int dim = 0; dim < kNumDims; ++dim) {
    for (double logit : reinforce.logits(dim)) CHECK(logit == 0.0);  // advantage 0
  }
  // Second tell: b = 0.9·60 + 0.1·80 = 62, advantage 80 − 62 = 18 > 0.
  const Trial second = reinforce.ask();
  reinforce.tell(second, {80.0, 100.0});
  CHECK(reinforce.baseline() == Approx(62.0));
  // Adam's second step after a zero first gradient: m̂ = 0.1g/(1−0.9²), v̂ = 0.001g²/(1−0.999²),
  // so every moved logit moves by lr · (0.1/0.19) / √(0.001/0.001999) in the gradient's sign.
  const double expected_step = 0.01 * (0.1 / 0.19) / std::sqrt(0.001 / 0.001999);
  for (int dim = 0; dim < kNumDims; ++dim) {
    const auto logits = reinforce.logits(dim);
    for (int k = 0; k < kDimSizes[dim]; ++k) {
      const double sign = k == second.config.values[dim] ? 1.0 : -1.0;
      CHECK(logits[k] == Approx(sign * expected_step).epsilon(1e-6));
    }
  }
}

TEST_CASE("reinforce concentrates on the better arm of a two-valued problem", "[reinforce]") {
  Reinforce reinforce;
  reinforce.reset(SearchSpace(), make_rng(2024));
  // Reward 90 when edge 0→1 is a conv, else 40; the other dimensions do not matter. A logit moves
  // by at most about lr = 0.01 per step, so 600 steps allow a lead of ~6 (P ≈ 0.99).
  for (int step = 0; step < 600; ++step) {
    const Trial trial = reinforce.ask();
    reinforce.tell(trial, {trial.config.values[0] == 0 ? 90.0 : 40.0, 100.0});
  }
  const auto probs = reinforce.probabilities(0);
  INFO("P(conv on edge 0) = " << probs[0]);
  CHECK(probs[0] > 0.95);
  // The irrelevant learning-rate dimension stays far from concentrated.
  for (double p : reinforce.probabilities(kLrDim)) CHECK(p < 0.6);
}

TEST_CASE("reinforce samples fixed dimensions at their value and never learns them",
          "[reinforce]") {
  SearchSpace space;
  space.fix(kLrDim, 3).fix(kBatchSizeDim, 5);
  Reinforce reinforce;
  reinforce.reset(space, make_rng(3));
  for (int step = 0; step < 200; ++step) {
    const Trial trial = reinforce.ask();
    REQUIRE(space.contains(trial.config));
    reinforce.tell(trial, {static_cast<double>(trial.config.cell_index() % 89), 100.0});
  }
  for (double logit : reinforce.logits(kLrDim)) CHECK(logit == 0.0);
  for (double logit : reinforce.logits(kBatchSizeDim)) CHECK(logit == 0.0);
  CHECK(reinforce.num_updates() == 200);
}

TEST_CASE("reinforce validates and registers its parameters", "[reinforce]") {
  CHECK_THROWS_AS(Reinforce(0.0, 0.9), ConfigError);
  CHECK_THROWS_AS(Reinforce(0.01, 1.0), ConfigError);
  CHECK(builtin_optimizers().create("reinforce", {{"learning_rate", "0.05"}, {"momentum", "0.5"}}));
  CHECK_THROWS_AS(builtin_optimizers().create("reinforce", {{"momentum", "1.5"}}), ConfigError);
}
