#pragma once
// Gaussian-process Bayesian optimisation (gp_bo) over the joint NAS+HPO space.
//
// A GP (gp_bo/gp.hpp; kernel gp_bo/kernel.hpp over the features of gp_bo/encoding.hpp) models the
// full-fidelity (12-epoch) validation accuracy; its hyperparameters maximise the log marginal
// likelihood (gp_bo/hyperparameter_fit.hpp) on at most 100 of the training points, re-fitted
// every `refit_every` new observations.
// ask():
//   - while fewer than `n_initial` trials are observed or pending (or fewer than 2 observed), a
//     uniform sample not seen before;
//   - then it scores candidates with expected improvement (gp_bo/acquisition.hpp) over the
//     incumbent on the standardised scale with margin xi, and returns the maximiser (ties: the
//     first). Candidates, in order: `n_candidates` uniform samples, all neighbours of the 5 best
//     observed configs, 50 double mutations of them; already evaluated and pending configs are
//     excluded (if nothing is left, a uniform sample).
// Pending trials (asked, not yet told) enter the GP as "kriging believer" fantasies: their target
// is the posterior mean given the real observations.
// The GP's training set holds at most `max_observations` points: the best half and the most
// recent of the rest, so one ask costs a bounded time. Every trial is 12 epochs.
// All randomness comes from the Rng given to reset(). Eigen stays behind a pimpl.

#include <nhb2/algorithms/gp_bo/kernel_type.hpp>
#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

#include <memory>

namespace nhb2 {

struct GpBoOptions {
  int n_initial = 10;
  int n_candidates = 500;
  gp_bo::KernelType kernel = gp_bo::KernelType::matern52;
  double xi = 0.01;
  int refit_every = 5;
  int max_observations = 500;
};

class GpBo : public Optimizer {
 public:
  // Throws ConfigError naming the option, its value and the allowed range when an option is
  // outside the range info() declares (or kernel is not a KernelType).
  explicit GpBo(GpBoOptions options = {});
  ~GpBo() override;
  GpBo(GpBo&&) noexcept;
  GpBo& operator=(GpBo&&) noexcept;

  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;

  const GpBoOptions& options() const { return options_; }
  static OptimizerInfo info();

 private:
  Config propose();  // the EI maximiser over the candidates

  struct State;
  GpBoOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace nhb2
