#pragma once
// The optimizer contract (ask/tell).
//
// A driver owns the benchmark session, the budget and the test split; an optimizer never sees
// them. Per run the driver calls:
//
//   reset(space, rng)   start a run in `space`; all randomness must come from `rng`
//   ask()               propose a Trial: a config of `space` and a fidelity `epochs` in 1..12
//                       (12 = the full 12-epoch training)
//   tell(trial, obs)    the validation accuracy (%) after trial.epochs epochs and the simulated
//                       seconds that evaluation cost; for multi-objective optimizers also the
//                       value of the run's minimised objective (core/objectives.hpp) for
//                       trial.config, which single-objective optimizers ignore
//
// Several ask()s may precede their tell()s (parallel workers); tell()s may arrive in any order
// and carry the Trial returned by ask(), including its id. An optimizer that cannot use pending
// trials may treat them simply, but must not break. finished() lets an optimizer end a run
// before the budget (e.g. after a fixed number of iterations).

#include <nhb2/core/config.hpp>
#include <nhb2/core/constants.hpp>
#include <nhb2/core/rng.hpp>
#include <nhb2/core/search_space.hpp>

#include <cstdint>
#include <limits>

namespace nhb2 {

struct Trial {
  Config config;
  int epochs = kMaxEpochs;  // fidelity, 1 .. 12
  std::uint64_t id = 0;     // chosen by the optimizer, returned with tell()
};

struct Observation {
  double valid_acc = 0.0;     // %, after trial.epochs epochs
  double cost_seconds = 0.0;  // simulated training (+ validation) time of this evaluation
  // The run's minimised objective (12-epoch train+valid seconds, parameters or MFLOPs; the
  // driver's RunSpec::objectives) of trial.config, filled by the driver in every run; NaN when
  // the caller did not fill it. Multi-objective optimizers minimise it and maximise valid_acc.
  double objective_value = std::numeric_limits<double>::quiet_NaN();
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual void reset(const SearchSpace& space, Rng rng) = 0;
  virtual Trial ask() = 0;
  virtual void tell(const Trial& trial, const Observation& observation) = 0;
  virtual bool finished() const { return false; }
};

}  // namespace nhb2
