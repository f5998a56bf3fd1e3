#pragma once
// REINFORCE (Williams, 1992) with a factorised softmax policy, as in the NAS-Bench-201 and
// NAS-HPO-Bench-II reference experiments (yoichii/nashpobench2api, bench_algos/reinforce.py).
//
// The policy is one independent softmax per dimension: 6 edges × 4 ops, learning rate × 8,
// batch size × 6 (38 logits, all initialised to 0, i.e. uniform). ask() samples a config from it
// (a dimension fixed in a restricted space takes its fixed value and is never learnt). tell():
//   reward    = valid_acc in percent (the reference's scale; Adam is nearly scale-invariant);
//   baseline  b ← momentum·b + (1 − momentum)·reward, set to the first reward on the first tell;
//   advantage = reward − b, with b already updated by the current reward (as the references);
//   gradient  of log π(a) w.r.t. a dimension's logits = onehot(a) − softmax(logits);
//   Adam (β1 0.9, β2 0.999, ε 1e-8) ascends advantage · ∇log π on the free dimensions.
// The first tell therefore has advantage 0 (the baseline equals the reward) and leaves the policy
// unchanged. Deviations from the reference script: logits start at exactly 0 (it draws them from
// 1e-3·N(0, 1)); its baseline is a bias-corrected EMA (numerator/denominator), whose difference
// from "initialised with the first reward" decays as momentum^n.
// With pending trials, each tell() updates the policy as it is at that moment.
//
// Parameters: learning_rate (Adam step size, 0.01), momentum (of the baseline, 0.9).

#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

#include <array>
#include <cstddef>
#include <vector>

namespace nhb2 {

class Reinforce : public Optimizer {
 public:
  // Adam (Kingma & Ba, 2015) on a parameter vector, here used for gradient ascent.
  class Adam {
   public:
    Adam(std::size_t num_params, double learning_rate, double beta1 = 0.9, double beta2 = 0.999,
         double epsilon = 1e-8);
    // params += lr · m̂ / (√v̂ + ε), with bias-corrected moments m̂, v̂ (as torch.optim.Adam).
    // An entry whose gradient has always been 0 does not move.
    void ascend(std::vector<double>& params, const std::vector<double>& gradient);
    long long steps() const { return steps_; }

   private:
    double learning_rate_, beta1_, beta2_, epsilon_;
    std::vector<double> first_moment_, second_moment_;
    long long steps_ = 0;
    double beta1_power_ = 1.0, beta2_power_ = 1.0;
  };

  static constexpr int kNumLogits = 6 * 4 + 8 + 6;  // 38

  // Throws ConfigError (naming the option, its value and what is allowed) for a learning_rate
  // that is not a finite real > 0 or a momentum outside [0, 1).
  explicit Reinforce(double learning_rate = 0.01, double momentum = 0.9);

  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;

  // The policy of one dimension (0..7): its logits and softmax probabilities.
  std::vector<double> logits(int dim) const;
  std::vector<double> probabilities(int dim) const;
  double baseline() const { return baseline_; }
  int num_updates() const { return num_updates_; }

  static std::vector<double> softmax(const std::vector<double>& logits);
  // ∇ log softmax(logits)[action] with respect to the logits: onehot(action) − softmax(logits).
  static std::vector<double> log_softmax_gradient(const std::vector<double>& logits, int action);

  static OptimizerInfo info();

 private:
  double learning_rate_;
  double momentum_;
  SearchSpace space_;
  Rng rng_;
  std::uint64_t next_id_ = 0;
  std::vector<double> logits_;  // kNumLogits, dimension dim at kLogitOffsets[dim]
  Adam adam_;
  bool has_baseline_ = false;
  double baseline_ = 0.0;
  int num_updates_ = 0;
};

}  // namespace nhb2
