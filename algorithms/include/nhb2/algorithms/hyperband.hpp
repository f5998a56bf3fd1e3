#pragma once
// Hyperband (Li, Jamieson, DeSalvo, Rostamizadeh & Talwalkar, "Hyperband: A Novel Bandit-Based
// Approach to Hyperparameter Optimization", JMLR 18(185), 2018), synchronous, as hpbandster's
// HyperBand master runs it: BOHB without the model.
//
// Brackets: the plan of nhb2/algorithms/hyperband_plan.hpp, the same as bohb's. With eta 3 over
// 1..12 epochs the iterations cycle through [9 @ 1, 3 @ 4, 1 @ 12], [3 @ 4, 1 @ 12], [3 @ 12].
// Successive halving within a bracket: stage 0's configs are uniform samples of the space; a
// stage is complete when every one of its results is told, and then its best num_configs[k+1]
// configs by valid accuracy (ties: the one asked first) are trained again at epochs[k+1],
// best first. Each trial is a fresh training for its epochs (no resumption: the driver charges
// the cost of the full k epochs).
//
// Pending trials (synchronous): a stage never promotes before all its results are in. While
// every started bracket waits, ask() starts the next Hyperband iteration's bracket and samples
// its stage-0 configs, as hpbandster does with several workers; brackets are served oldest
// first. With n_iterations > 0 and every allowed bracket started and waiting, ask() returns a
// uniform sample at max_budget that belongs to no bracket (its result is only logged).
// finished() is true once n_iterations brackets are complete (never with n_iterations 0).
//
// Parameters (declared once in info()): eta 3 (2..12), min_budget 1, max_budget 12 (epochs,
// 1..12, min_budget <= max_budget), n_iterations 0 (0: until the driver's budget).
// Edge cases: min_budget == max_budget gives s_max 0, i.e. batches of one-stage brackets of 1
// config each at max_budget (random search at that budget); eta larger than
// max_budget / min_budget gives the same.

#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

#include <memory>
#include <unordered_map>

namespace nhb2 {

class BracketScheduler;

struct HyperbandOptions {
  int eta = 3;
  int min_budget = 1;   // epochs
  int max_budget = 12;  // epochs
  int n_iterations = 0;  // 0: unlimited
};

class Hyperband : public Optimizer {
 public:
  // Throws ConfigError naming the option, its value and what is allowed when: eta < 2 or > 12;
  // min_budget or max_budget outside 1..12; min_budget > max_budget; n_iterations < 0.
  explicit Hyperband(HyperbandOptions options = {});
  ~Hyperband() override;

  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;
  bool finished() const override;

  const HyperbandOptions& options() const { return options_; }
  // Hyperband iterations (brackets) started so far.
  int iterations_started() const;

  static HyperbandOptions options_from(const ParamValues& values);
  static OptimizerInfo info();

 private:
  struct Pending {
    int bracket = -1;  // -1: an extra trial outside every bracket
    int stage = -1;
    int slot = -1;
  };

  HyperbandOptions options_;
  SearchSpace space_;
  Rng rng_;
  std::unique_ptr<BracketScheduler> brackets_;
  std::unordered_map<std::uint64_t, Pending> pending_;
  std::uint64_t next_id_ = 0;
};

}  // namespace nhb2
