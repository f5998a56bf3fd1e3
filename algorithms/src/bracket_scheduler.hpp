#pragma once
// Hyperband's brackets of synchronous successive halving, for hyperband and dehb (private to the
// algorithms library). The plan comes from nhb2/algorithms/hyperband_plan.hpp.
//
// A bracket runs its stages in order; stage k holds num_configs[k] slots trained for epochs[k]
// epochs. Slots are made lazily, one per next() call, by the caller's SlotMaker, so a new config
// sees every result told so far. A stage is complete when all its slots are told; its best
// num_configs[k+1] slots by valid accuracy (ties: the earlier slot) are the stage's promoted
// slots, best first, handed to the SlotMaker of stage k+1 (successive halving re-runs their
// configs; dehb uses them as its parent pool).
//
// next() serves the oldest unfinished bracket with a slot still to make; when every started
// bracket waits for results (pending trials), it starts the next Hyperband iteration's bracket, as
// hpbandster does with several workers. With an iteration limit and every bracket waiting, it
// returns nothing and the caller decides.

#include <nhb2/algorithms/hyperband_plan.hpp>
#include <nhb2/core/config.hpp>

#include <functional>
#include <optional>
#include <vector>

namespace nhb2 {

class BracketScheduler {
 public:
  struct Slot {
    Config config;
    int payload = -1;  // the caller's own index (dehb: its candidate vector)
    double valid_acc = 0.0;
    bool told = false;
  };
  struct SlotRef {
    int bracket = -1;
    int stage = -1;
    int slot = -1;
  };
  struct Run {
    Config config;
    int epochs = 0;
    SlotRef ref;
  };
  // What a SlotMaker is asked for: slot `index` of `stage` in bracket `bracket` (its Hyperband
  // iteration), with the promoted slots of the previous stage, best first (empty at stage 0).
  struct Request {
    int bracket = 0;
    const BracketPlan* plan = nullptr;
    int stage = 0;
    int index = 0;
    std::vector<const Slot*> promoted;
  };
  struct Made {
    Config config;
    int payload = -1;
  };
  using SlotMaker = std::function<Made(const Request&)>;

  // Preconditions (checked by the optimizers' constructors): eta >= 2,
  // 1 <= min_budget <= max_budget <= 12, n_iterations >= 0 (0: unlimited).
  BracketScheduler(int eta, int min_budget, int max_budget, int n_iterations);

  void clear();
  std::optional<Run> next(const SlotMaker& make);
  // Records the result of a slot and closes its stage when that was the last result.
  void record(const SlotRef& ref, double valid_acc);
  // True when the iteration limit is reached and every bracket is complete.
  bool finished() const;
  int iterations_started() const { return static_cast<int>(brackets_.size()); }
  // A started bracket's plan and current stage (== plan.num_configs.size() once complete).
  const BracketPlan& plan(int bracket) const { return brackets_[bracket].plan; }
  int stage(int bracket) const { return brackets_[bracket].stage; }

 private:
  struct Bracket {
    BracketPlan plan;
    int stage = 0;
    std::vector<std::vector<Slot>> slots;  // per stage, in the order they were made
    std::vector<int> promoted;             // slots of stage - 1 that advanced, best first
    int num_running = 0;
    bool finished = false;
  };

  std::optional<Run> next_in(int bracket_index, const SlotMaker& make);
  void close_stage(Bracket& bracket);

  int eta_;
  int min_budget_;
  int max_budget_;
  int n_iterations_;
  std::vector<Bracket> brackets_;
};

}  // namespace nhb2
