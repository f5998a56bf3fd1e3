#pragma once
// Epsilon-greedy mutation search: the worked example of docs/adding-an-optimizer.md.
//
// Each trial is, with probability epsilon, a uniform sample of the space and otherwise a
// mutation (one element changed) of the best configuration seen so far. Every trial is trained
// for `epochs` epochs.
//
// Parameters: epsilon (0.2, in [0, 1]), epochs (12, in [1, 12]).

#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

#include <optional>

namespace nhb2 {

class EpsilonGreedy : public Optimizer {
 public:
  // Throws ConfigError unless 0 <= epsilon <= 1 and 1 <= epochs <= 12.
  EpsilonGreedy(double epsilon, int epochs);

  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;

  static OptimizerInfo info();

 private:
  double epsilon_;
  int epochs_;
  SearchSpace space_;
  Rng rng_;
  std::optional<Config> best_config_;
  double best_valid_acc_ = 0.0;
  std::uint64_t next_id_ = 0;
};

}  // namespace nhb2
