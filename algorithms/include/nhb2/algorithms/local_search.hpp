#pragma once
// Local search with random restarts (hill climbing over single-element changes; cf. White et al.,
// "Local search is state of the art for NAS benchmarks", 2020).
//
// Start from a uniform random config; visit its neighbours (space.neighbours(): the 30
// single-element changes in the full space) in a random order. An improvement means a strictly
// higher 12-epoch validation accuracy than the current config.
//   move = first: move to the first neighbour (in that order) that improves;
//   move = best:  look at the whole neighbourhood, then move to its best neighbour if it improves.
// At a local optimum (no neighbour improves) restart from a new random config.
// A config is never evaluated twice in a run: every result is remembered by config index, and a
// neighbour or restart point already known is compared with its known accuracy instead of being
// asked again (only when the whole space is known does it fall back to repeating random configs).
//
// Parameters: move (first | best, default first).
//
// Pending trials: decisions are taken in neighbour order as results arrive. When every remaining
// neighbour is already asked but not yet told, ask() returns a fresh random config instead of
// waiting (its result joins the known set and is used if the walk reaches it).

#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

#include <cstddef>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace nhb2 {

class LocalSearch : public Optimizer {
 public:
  enum class Move { first, best };

  // Throws ConfigError when move is not one of the Move values.
  explicit LocalSearch(Move move = Move::first);

  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;

  // The config the walk stands on (none right after a restart, until its result is known).
  const std::optional<Config>& current() const { return current_; }
  double current_acc() const { return current_acc_; }
  // How many walks were started so far (1 after the first random start).
  int num_starts() const { return num_starts_; }

  static OptimizerInfo info();

 private:
  // Moves the walk on as far as the known results allow; returns the next config to evaluate.
  Config next_proposal();
  void stand_on(const Config& config, double valid_acc);
  Config random_unknown();
  bool is_known(const Config& config) const;
  bool is_pending(const Config& config) const;

  Move move_;
  SearchSpace space_;
  Rng rng_;
  std::uint64_t next_id_ = 0;

  std::unordered_map<int, double> known_;  // config index → 12-epoch validation accuracy
  std::unordered_set<int> pending_;        // asked, not yet told

  std::optional<Config> start_;  // a restart point waiting for its result
  std::optional<Config> current_;
  double current_acc_ = 0.0;
  int num_starts_ = 0;
  std::vector<Config> neighbours_;  // of current_, in visiting order
  std::size_t resolved_ = 0;        // neighbours_[0, resolved_) are compared with current_
  std::size_t proposed_ = 0;        // neighbours_[0, proposed_) are known, pending or proposed
  std::optional<Config> best_neighbour_;  // move = best: the best improving one so far
  double best_neighbour_acc_ = 0.0;
};

}  // namespace nhb2
