#pragma once
// ASHA, asynchronous successive halving (Li, Jamieson, Rostamizadeh, Gonina, Ben-tzur, Hardt,
// Recht & Talwalkar, "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020,
// Algorithm 2), with early-stopping rate s = 0 and no bound on the number of configs.
//
// Rungs: r_k = min_budget · eta^k epochs for every k with r_k < max_budget, then a top rung at
// max_budget. Default eta 3 over 1..12 epochs: rungs 1, 3, 9, 12 epochs; eta 2: 1, 2, 4, 8, 12;
// min_budget == max_budget: one rung (random search at that budget).
// Promotion rule, on every ask(): for k from the second-highest rung down to the bottom, take the
// top floor(n_k / eta) configs of rung k by valid accuracy (n_k = results told at rung k; ties:
// the result told first ranks higher); the first of them, best first, not yet promoted is
// promoted: it is trained at r_{k+1} (a fresh training of r_{k+1} epochs; the driver charges its
// full cost). If no rung has a promotable config, a uniform sample of the space starts at the
// bottom rung. A config is promoted from a rung at most once; configs in the top rung are never
// promoted further.
//
// Pending trials: a promotion is marked when asked, so a config whose higher-rung trial is
// pending is never promoted twice; results only count in n_k once told, and tell()s may come in
// any order (each joins the rung its trial was asked for). ask() never waits. finished() is never
// true: ASHA runs until the driver's budget.
//
// Parameters (declared once in info()): eta 3 (2..12), min_budget 1, max_budget 12 (epochs,
// 1..12, min_budget <= max_budget).

#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

#include <unordered_map>
#include <vector>

namespace nhb2 {

struct AshaOptions {
  int eta = 3;
  int min_budget = 1;   // epochs
  int max_budget = 12;  // epochs
};

class Asha : public Optimizer {
 public:
  struct Result {
    Config config;
    double valid_acc = 0.0;
    bool promoted = false;
  };

  // Throws ConfigError naming the option, its value and what is allowed when: eta outside 2..12;
  // min_budget or max_budget outside 1..12; min_budget > max_budget.
  explicit Asha(AshaOptions options = {});

  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;

  const AshaOptions& options() const { return options_; }
  // The rungs' budgets in epochs, bottom first.
  const std::vector<int>& rung_epochs() const { return rung_epochs_; }
  // The results told at rung k, best first (ties: told first).
  const std::vector<Result>& rung(int k) const { return rungs_[k]; }

  // The rungs of the options, bottom first (see above).
  static std::vector<int> rungs_for(const AshaOptions& options);
  static AshaOptions options_from(const ParamValues& values);
  static OptimizerInfo info();

 private:
  AshaOptions options_;
  std::vector<int> rung_epochs_;
  SearchSpace space_;
  Rng rng_;
  std::vector<std::vector<Result>> rungs_;
  std::unordered_map<std::uint64_t, int> pending_;  // trial id → rung
  std::uint64_t next_id_ = 0;
};

}  // namespace nhb2
