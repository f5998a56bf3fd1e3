#pragma once
// Gaussian-process Bayesian optimisation (gp_bo) over the joint NAS+HPO space.
//
// A GP (gp_bo/incremental_gp.hpp; kernel gp_bo/kernel.hpp over the features of
// gp_bo/encoding.hpp) models the full-fidelity (12-epoch) validation accuracy; its
// hyperparameters maximise the log marginal likelihood (gp_bo/hyperparameter_fit.hpp) on at most
// 100 of the training points: the first fit with 45 likelihood evaluations (a search from the
// defaults and two random restarts), later ones warm-started from the previous optimum with 16.
// The refit schedule: after max(refit_every, ⌈refit_growth · N_refit⌉) new observations, N_refit
// being the number observed at the last fit (every 5 while N ≤ 25, then every 20 % of growth, by
// default).
// ask():
//   - while fewer than `n_initial` trials are observed or pending (or fewer than 2 observed), a
//     uniform sample not seen before;
//   - then it scores candidates with expected improvement (gp_bo/acquisition.hpp) over the
//     incumbent on the standardised scale with margin xi, and returns the maximiser (ties: the
//     first). Candidates, in order: `n_candidates` uniform samples, all neighbours of the 5 best
//     observed configs, 50 double mutations of them; already evaluated and pending configs are
//     excluded (if nothing is left, a uniform sample). The maximiser is found exactly but
//     lazily: a single-precision kernel bounds every candidate's EI (mean within its rounding
//     margin, variance given its most correlated training point); best bound first, candidates
//     get exact kernel columns (exact mean, variance bounded by the 12 most correlated training
//     points, O(n D) each) and then exact variances (O(n²) each), until no bound can beat the
//     best EI found.
// Pending trials (asked, not yet told) enter the GP as "kriging believer" fantasies: their target
// is the posterior mean given the real observations.
// The GP's training set holds at most `max_observations` points: the best half and the most
// recent of the rest. Every trial is 12 epochs.
//
// Cost, with N observations told, n = min(N, max_observations) training points, m candidates
// (≈ n_candidates + 200: the neighbours and mutations), D = 26 features, p pending trials, r refined candidates (exact kernel
// columns; r ≤ m, about 60 at n = 500) and e exact variances (e ≤ r, in practice a few to 20):
//   tell()               O(D) (and O(1) for a trial of another fidelity)
//   ask(), steady state  O(N log N + n m + r n D + (k + p + e) n²), k = training points added
//                        or dropped since the last ask (1 in a sequential run); the n × m
//                        screening costs two table lookups and a single-precision exp per entry
//                        (gp_bo's one-hot features, gp_bo/kernel.hpp); no n × n memory is
//                        allocated once the training set has reached its size
//   ask() with a refit   additionally O(I q³ + n³): I = 16 likelihood evaluations (45 for the
//                        first fit) on q = min(n, 100) points, then one refactorisation
// The Cholesky factor is updated in place: appending a point is one forward substitution,
// dropping one a rank-one update of the trailing block.
// All randomness comes from the Rng given to reset(). Eigen stays behind a pimpl.

#include <nhb2/algorithms/gp_bo/kernel_type.hpp>
#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

#include <memory>

namespace nhb2 {

// The defaults, also those `nhb2 list` shows. n_candidates and refit_growth were 500 and 0.1 up
// to nhb2 0.2.0: the smaller candidate set and the sparser refits cost about 30 % less CPU per
// run at a 200,000 s budget and are not worse in paired runs (docs/performance.md, "GP-BO
// defaults").
struct GpBoOptions {
  int n_initial = 10;
  int n_candidates = 200;
  gp_bo::KernelType kernel = gp_bo::KernelType::matern52;
  double xi = 0.01;
  int refit_every = 5;
  double refit_growth = 0.2;
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
