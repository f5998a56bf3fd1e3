#pragma once
// DEHB: differential evolution + Hyperband (Awad, Mallik & Hutter, "DEHB: Evolutionary Hyperband
// for Scalable, Robust and Efficient Hyperparameter Optimization", IJCAI 2021), over nhb2's
// discrete space.
//
// Encoding. A config is a vector in [0, 1]^8: the 6 edge ops, the learning-rate index and the
// batch-size index. Decoding bins each coordinate: value index = min(floor(x · size), size − 1);
// dimensions fixed by the search space keep their fixed value.
//
// Brackets: the Hyperband plan of nhb2/algorithms/hyperband_plan.hpp (bohb's and hyperband's;
// eta 3 over 1..12 epochs: [9 @ 1, 3 @ 4, 1 @ 12], [3 @ 4, 1 @ 12], [3 @ 12], …), each run as
// synchronous successive halving: a stage is complete when all its results are told, and its best
// num_configs[k+1] (ties: asked first) are promoted. One subpopulation per budget; its size is the
// largest number of configs any bracket runs at that budget (eta 3 over 1..12: 9 @ 1, 3 @ 4,
// 3 @ 12).
//  - First Hyperband round (iterations 0..s_max) = vanilla Hyperband: stage 0 samples uniform
//    vectors and later stages re-run the promoted configs. Each result joins its budget's
//    subpopulation while it has room, and afterwards replaces the worst member if it is better.
//  - Later iterations evolve: every slot of stage k (budget j) takes the next target of
//    subpopulation j in turn, and a mutant by DE rand/1, v = a + mutation_factor · (b − c), with
//    a, b, c distinct members drawn uniformly from the parent pool: subpopulation j itself at
//    stage 0, and the promoted individuals of stage k − 1 (the lower budget) at stage k > 0. A
//    pool of fewer than 3 is extended by every individual of every subpopulation (DEHB's global
//    population). Coordinates of v outside [0, 1] are redrawn uniformly (DEHB's default boundary
//    fix). Binomial crossover with crossover_prob (one random coordinate always from v) gives
//    the trial; its result replaces the target when at least as good (selection).
//
// Simplifications against the reference implementation (automl/DEHB): the first round's
// subpopulations are filled with the round's results instead of being drawn all at once;
// budgets are whole epochs; there is no limit on brackets or function evaluations (the driver's
// budget ends the run).
//
// Pending trials: a trial is made when asked (its target and parents are the members at that
// moment) and selection happens when it is told, against the target slot's member at that time,
// in any order. While every started bracket waits for results, ask() starts the next Hyperband
// iteration's bracket, as DEHB's asynchronous workers do; a subpopulation still empty when an
// evolving bracket needs it (possible only with pending trials) gives a uniform vector, which
// then joins it like a first-round result. finished() is never true.
//
// Parameters (declared once in info()): eta 3 (2..12), min_budget 1, max_budget 12 (epochs,
// 1..12, min_budget <= max_budget), mutation_factor 0.5 ([0, 2]), crossover_prob 0.5 ([0, 1]).

#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

#include <array>
#include <memory>
#include <unordered_map>
#include <vector>

namespace nhb2 {

class BracketScheduler;

struct DehbOptions {
  int eta = 3;
  int min_budget = 1;   // epochs
  int max_budget = 12;  // epochs
  double mutation_factor = 0.5;
  double crossover_prob = 0.5;
};

class Dehb : public Optimizer {
 public:
  using Vector = std::array<double, kNumDims>;
  struct Member {
    Vector vector{};
    Config config;
    double valid_acc = 0.0;
  };

  // Throws ConfigError naming the option, its value and what is allowed when: eta outside 2..12;
  // min_budget or max_budget outside 1..12; min_budget > max_budget; mutation_factor outside
  // [0, 2]; crossover_prob outside [0, 1].
  explicit Dehb(DehbOptions options = {});
  ~Dehb() override;

  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;

  const DehbOptions& options() const { return options_; }
  // The budgets in epochs, smallest first, and each one's subpopulation size.
  const std::vector<int>& budgets() const { return budgets_; }
  const std::vector<int>& population_sizes() const { return population_sizes_; }
  // Subpopulation j (of budgets()[j]) in slot order.
  const std::vector<Member>& population(int j) const { return populations_[j]; }
  int iterations_started() const;

  // Bins every coordinate of `vector`; dimensions fixed in `space` keep their value.
  static Config decode(const Vector& vector, const SearchSpace& space);
  static DehbOptions options_from(const ParamValues& values);
  static OptimizerInfo info();

 private:
  struct Candidate {
    Vector vector{};
    int budget = 0;   // index into budgets_
    int target = -1;  // slot of populations_[budget] it competes with; -1: joins
  };
  struct Pending {
    int bracket = -1;
    int stage = -1;
    int slot = -1;
    int candidate = -1;
  };

  Vector random_vector();
  Candidate evolve(int budget, const std::vector<const Vector*>& promoted);
  int budget_index(int epochs) const;

  DehbOptions options_;
  std::vector<int> budgets_;
  std::vector<int> population_sizes_;
  SearchSpace space_;
  Rng rng_;
  std::unique_ptr<BracketScheduler> brackets_;
  std::vector<std::vector<Member>> populations_;
  std::vector<int> next_target_;  // per budget
  std::vector<Candidate> candidates_;
  std::unordered_map<std::uint64_t, Pending> pending_;
  std::uint64_t next_id_ = 0;
};

}  // namespace nhb2
