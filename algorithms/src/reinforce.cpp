#include <nhb2/algorithms/reinforce.hpp>

#include <nhb2/core/error.hpp>

#include "option_checks.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>

namespace nhb2 {

namespace {

// Where each dimension's logits start in the flat vector.
constexpr std::array<int, kNumDims> kLogitOffsets = {0, 4, 8, 12, 16, 20, 24, 32};
static_assert(kLogitOffsets[kNumDims - 1] + kDimSizes[kNumDims - 1] == Reinforce::kNumLogits,
              "the logits of all dimensions fill the vector");

// Softmax of logits[offset, offset + n) into probs[0, n); shifted by the max for stability.
void softmax_into(const double* logits, int n, double* probs) {
  const double max_logit = *std::max_element(logits, logits + n);
  double sum = 0.0;
  for (int k = 0; k < n; ++k) {
    probs[k] = std::exp(logits[k] - max_logit);
    sum += probs[k];
  }
  for (int k = 0; k < n; ++k) probs[k] /= sum;
}

}  // namespace

Reinforce::Adam::Adam(std::size_t num_params, double learning_rate, double beta1, double beta2,
                      double epsilon)
    : learning_rate_(learning_rate),
      beta1_(beta1),
      beta2_(beta2),
      epsilon_(epsilon),
      first_moment_(num_params, 0.0),
      second_moment_(num_params, 0.0) {}

void Reinforce::Adam::ascend(std::vector<double>& params, const std::vector<double>& gradient) {
  assert(params.size() == first_moment_.size() && gradient.size() == first_moment_.size());
  ++steps_;
  beta1_power_ *= beta1_;
  beta2_power_ *= beta2_;
  const double bias1 = 1.0 - beta1_power_;
  const double bias2 = 1.0 - beta2_power_;
  for (std::size_t i = 0; i < params.size(); ++i) {
    first_moment_[i] = beta1_ * first_moment_[i] + (1.0 - beta1_) * gradient[i];
    second_moment_[i] = beta2_ * second_moment_[i] + (1.0 - beta2_) * gradient[i] * gradient[i];
    const double m_hat = first_moment_[i] / bias1;
    const double v_hat = second_moment_[i] / bias2;
    params[i] += learning_rate_ * m_hat / (std::sqrt(v_hat) + epsilon_);
  }
}

Reinforce::Reinforce(double learning_rate, double momentum)
    : learning_rate_(learning_rate),
      momentum_(momentum),
      logits_(kNumLogits, 0.0),
      adam_(kNumLogits, learning_rate) {
  option_checks::real_positive("reinforce", "learning_rate", learning_rate);
  if (!(momentum >= 0.0 && momentum < 1.0)) {
    option_checks::refuse("reinforce", "momentum", option_checks::number_text(momentum),
                          "real in [0, 1)");
  }
}

void Reinforce::reset(const SearchSpace& space, Rng rng) {
  space_ = space;
  rng_ = rng;
  next_id_ = 0;
  std::fill(logits_.begin(), logits_.end(), 0.0);
  adam_ = Adam(kNumLogits, learning_rate_);
  has_baseline_ = false;
  baseline_ = 0.0;
  num_updates_ = 0;
}

Trial Reinforce::ask() {
  Config config;
  std::array<double, 8> probs{};
  for (int dim = 0; dim < kNumDims; ++dim) {
    if (space_.is_fixed(dim)) {
      config.values[dim] = static_cast<std::uint8_t>(space_.fixed_value(dim));
      continue;
    }
    const int n = kDimSizes[dim];
    softmax_into(logits_.data() + kLogitOffsets[dim], n, probs.data());
    // Inverse CDF; the last value also catches rounding of the cumulative sum below 1.
    const double u = uniform_real(rng_);
    int value = n - 1;
    double cumulative = 0.0;
    for (int k = 0; k < n - 1; ++k) {
      cumulative += probs[k];
      if (u < cumulative) {
        value = k;
        break;
      }
    }
    config.values[dim] = static_cast<std::uint8_t>(value);
  }
  return Trial{config, kMaxEpochs, next_id_++};
}

void Reinforce::tell(const Trial& trial, const Observation& observation) {
  const double reward = observation.valid_acc;
  baseline_ = has_baseline_ ? momentum_ * baseline_ + (1.0 - momentum_) * reward : reward;
  has_baseline_ = true;
  const double advantage = reward - baseline_;

  // Fixed dimensions get a zero gradient, so Adam never moves their logits.
  std::vector<double> gradient(kNumLogits, 0.0);
  std::array<double, 8> probs{};
  for (int dim = 0; dim < kNumDims; ++dim) {
    if (space_.is_fixed(dim)) continue;
    const int n = kDimSizes[dim];
    const int offset = kLogitOffsets[dim];
    softmax_into(logits_.data() + offset, n, probs.data());
    for (int k = 0; k < n; ++k) {
      const double onehot = k == trial.config.values[dim] ? 1.0 : 0.0;
      gradient[offset + k] = advantage * (onehot - probs[k]);
    }
  }
  adam_.ascend(logits_, gradient);
  ++num_updates_;
}

std::vector<double> Reinforce::logits(int dim) const {
  const auto begin = logits_.begin() + kLogitOffsets[dim];
  return std::vector<double>(begin, begin + kDimSizes[dim]);
}

std::vector<double> Reinforce::probabilities(int dim) const {
  return softmax(logits(dim));
}

std::vector<double> Reinforce::softmax(const std::vector<double>& logits) {
  std::vector<double> probs(logits.size());
  softmax_into(logits.data(), static_cast<int>(logits.size()), probs.data());
  return probs;
}

std::vector<double> Reinforce::log_softmax_gradient(const std::vector<double>& logits, int action) {
  std::vector<double> gradient = softmax(logits);
  for (double& g : gradient) g = -g;
  gradient[action] += 1.0;
  return gradient;
}

OptimizerInfo Reinforce::info() {
  return OptimizerInfo{
      "reinforce",
      "REINFORCE: softmax policy per edge, lr and batch size; Adam; moving-average baseline",
      {ParamSpec::real("learning_rate", 0.01, 1e-6, 10.0, "Adam step size on the policy logits"),
       ParamSpec::real("momentum", 0.9, 0.0, 0.999,
                       "of the reward baseline b <- momentum*b + (1-momentum)*reward")},
      [](const ParamValues& values) {
        return std::make_unique<Reinforce>(values.get_real("learning_rate"),
                                           values.get_real("momentum"));
      }};
}

}  // namespace nhb2
