#pragma once
// ParEGO (Knowles, "ParEGO: a hybrid algorithm with on-line landscape approximation for expensive
// multiobjective optimization problems", IEEE Trans. Evol. Comput. 10(1), 2006): random
// scalarisations of the two objectives, each optimised for one ask by gp_bo's Gaussian process and
// expected improvement. It maximises valid_acc and minimises the run's second objective
// (Observation::objective_value, or the evaluation's cost when the driver left it NaN; see
// algorithms/mo_selection.hpp).
//
// ask():
//   - while fewer than `n_initial` trials are observed or pending (or fewer than 2 observed), a
//     uniform sample not seen before (as gp_bo);
//   - then it draws a weight vector uniformly from the simplex lattice
//     λ = (l/s, 1 − l/s), l ∈ {0, 1, …, s}, s = `lattice_steps` (Knowles: s = 10 for two
//     objectives), λ_1 weighing accuracy and λ_2 the second objective. It normalises both
//     objectives of every observation to [0, 1] by the ranges observed so far (both as losses:
//     f_1 = (max acc − acc) / (max acc − min acc), f_2 = (v − min v) / (max v − min v); an
//     objective whose observed range is 0 normalises to 0) and scalarises each with the
//     augmented Tchebycheff function
//         f_λ = max(λ_1 f_1, λ_2 f_2) + ρ (λ_1 f_1 + λ_2 f_2),   ρ = `rho` (Knowles: 0.05),
//     fits gp_bo's GP (gp_bo/incremental_gp.hpp) to −f_λ and returns the candidate with the
//     largest expected improvement over the best observed −f_λ (margin xi, in standard
//     deviations; ties: the first). Candidates are gp_bo's (algorithms/src/bo_candidates.hpp):
//     `n_candidates` uniform samples, all neighbours of the 5 best observations under f_λ, 50
//     double mutations of them; evaluated and pending configs are excluded (if nothing is left,
//     a uniform sample).
// The weights come from a stream of their own, seeded by the first draw of reset()'s rng: the
// l of the k-th model-based ask depends on the seed alone, not on the observations.
// GP hyperparameters (gp_bo/hyperparameter_fit.hpp, on at most 100 training points) are kept per
// lattice weight: a weight's are refit when it is drawn for the first time or after
// max(refit_every, ⌈refit_growth · N_fit⌉) observations since its last fit, N_fit the number
// observed then; a first fit starts from the most recent fit of any weight.
// Pending trials enter the GP as kriging-believer fantasies (gp_bo's rule). The GP's training set
// holds at most `max_observations` points: the best half under f_λ and the most recent of the
// rest. Every trial is 12 epochs; tells of other fidelities are ignored.
//
// Single-objective runs: the driver fills objective_value in every run (the `cost` objective
// unless told otherwise), so ParEGO then trades accuracy against 12-epoch train+valid time; an
// Observation without it (NaN) makes it minimise the evaluation's cost, as every multi-objective
// optimizer here does.
//
// Edge cases: equal scalarised values (e.g. one distinct observation) give a constant GP target,
// which the GP standardises with scale 1 and EI then explores by variance; a GP that cannot be
// factorised even with default hyperparameters gives a uniform sample; a restricted space works
// (candidates skip mutations when no dimension is free).
//
// Cost, with N observations told, n = min(N, max_observations) training points, m candidates
// (≈ n_candidates + 200), D = 26 features, p pending trials and e exact variances:
//   tell()               O(D)
//   ask()                O(N log N + n² D + n³ + n m D + (p + e) n²): the targets change with
//                        every λ, so the Cholesky factor is rebuilt per ask
//   ask() with a refit   additionally O(I q³): I ≈ 45 likelihood evaluations on
//                        q = min(n, 100) points
// All randomness comes from the Rng given to reset(). Eigen stays behind a pimpl.

#include <nhb2/algorithms/gp_bo/kernel_type.hpp>
#include <nhb2/algorithms/mo_selection.hpp>
#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

#include <array>
#include <memory>
#include <vector>

namespace nhb2 {

struct ParegoOptions {
  int n_initial = 10;
  int n_candidates = 500;
  int lattice_steps = 10;
  double rho = 0.05;
  gp_bo::KernelType kernel = gp_bo::KernelType::matern52;
  double xi = 0.01;
  int refit_every = 5;
  double refit_growth = 0.1;
  int max_observations = 200;
};

class Parego : public Optimizer {
 public:
  // (λ_1, λ_2): the weights of the accuracy loss and of the second objective.
  using Weights = std::array<double, 2>;
  // (f_1, f_2): an observation's objectives as losses normalised to [0, 1].
  using Normalised = std::array<double, 2>;

  // Throws ConfigError naming the option, its value and the allowed range when an option is
  // outside the range info() declares (or kernel is not a KernelType).
  explicit Parego(ParegoOptions options = {});
  ~Parego() override;
  Parego(Parego&&) noexcept;
  Parego& operator=(Parego&&) noexcept;

  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;

  const ParegoOptions& options() const { return options_; }
  // Every 12-epoch observation told, in tell order.
  const std::vector<MoMember>& members() const;
  // The lattice index l (λ_1 = l / lattice_steps) drawn at each model-based ask, in ask order.
  const std::vector<int>& weight_indices() const;

  // The selection rule's pieces, as ask() applies them.
  // λ for lattice index l: (l / steps, (steps − l) / steps). Precondition: 0 <= l <= steps.
  static Weights lattice_weights(int index, int steps);
  // Each member's losses normalised by the members' observed ranges.
  static std::vector<Normalised> normalise(const std::vector<MoMember>& members);
  // The augmented Tchebycheff value max_j λ_j f_j + ρ Σ_j λ_j f_j (minimised).
  static double tchebycheff(const Normalised& losses, const Weights& weights, double rho);
  // normalise() then tchebycheff() for every member.
  static std::vector<double> scalarise(const std::vector<MoMember>& members, const Weights& weights,
                                       double rho);

  static OptimizerInfo info();

 private:
  Config propose();  // the EI maximiser over the candidates for a freshly drawn λ

  struct State;
  ParegoOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace nhb2
