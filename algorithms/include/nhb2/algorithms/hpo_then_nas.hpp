#pragma once
// Two-stage HPO-then-NAS baselines of the NAS-HPO-Bench-II paper (Hirose et al., ACML 2021),
// following the reference scripts (yoichii/nashpobench2api, bench_algos/rs_then_rea.py,
// bohb_then_rea.py, random_search_hpo.py, bohb_hpo.py, rea_nas.py).
//
// Stage 1 (HPO): one cell is drawn uniformly; lr and batch size are tuned with that cell fixed
// (the six edge dimensions fixed in the SearchSpace), either by
//   random_search — 12-epoch random trials while the stage's summed cost < hpo_budget seconds
//                   (rs_then_rea, default 5,000 s), or
//   bohb          — hpo_iterations Hyperband iterations of Bohb (bohb_then_rea, default 4; the
//                   reference's bohb_then_rea.py uses num_samples 5).
// The stage's incumbent is the best valid accuracy told in it (strict >, any fidelity), as the
// reference reads best_key_trans[-1] of the API log.
// Stage 2 (NAS): regularized evolution (population_size 10, sample_size 3) over the six edges
// with lr and batch size fixed to the incumbent's; its population starts from uniform random
// cells, as rea_nas.py does. It runs until the driver's budget (20,000 s by default) ends the run.
//
// Deviations: the reference re-seeds Python's generator with the run seed at the start of stage 2,
// so its first population member repeats the stage-1 cell; here every member is drawn afresh.
// The reference's BOHB stage models a constant cellcode dimension besides lr and batch size; here
// the model covers lr and batch size only, with min_points_in_model 4 to match its d+1.
// Stage 1 ends when its condition holds at an ask(); trials of stage 1 still pending then do not
// change the chosen lr and batch size.

#include <nhb2/algorithms/bohb.hpp>
#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

#include <memory>
#include <optional>
#include <unordered_map>

namespace nhb2 {

enum class HpoMethod { random_search, bohb };

struct HpoThenNasOptions {
  HpoMethod method = HpoMethod::random_search;
  double hpo_budget = 5000.0;   // seconds, random_search only
  int hpo_iterations = 4;       // bohb only
  int num_samples = 5;          // bohb only
  int min_points_in_model = 4;  // bohb only
  int population_size = 10;
  int sample_size = 3;
};

class HpoThenNas : public Optimizer {
 public:
  // Throws ConfigError naming the option, its value and what is allowed when: method is not a
  // HpoMethod; hpo_budget is not a finite real > 0; hpo_iterations or num_samples < 1;
  // min_points_in_model < 0; population_size < 2, sample_size < 1 or > population_size.
  // Every option is checked whatever the method (defaults are valid).
  explicit HpoThenNas(HpoThenNasOptions options);

  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;

  // 1 or 2.
  int stage() const { return stage_; }
  double stage1_cost() const { return stage1_cost_; }
  const Config& cell_config() const { return cell_config_; }

  static OptimizerInfo rs_then_rea_info();
  static OptimizerInfo bohb_then_rea_info();

 private:
  bool stage1_done() const;
  void start_stage2();

  HpoThenNasOptions options_;
  SearchSpace space_;
  Rng rng_;
  int stage_ = 1;
  Config cell_config_;  // the random cell (with the lr/bs drawn alongside, unused)
  std::unique_ptr<Optimizer> stage1_;
  std::unique_ptr<Optimizer> stage2_;
  double stage1_cost_ = 0.0;
  std::optional<Config> stage1_best_;
  double stage1_best_acc_ = 0.0;
  struct Inner {
    int stage;
    Trial trial;
  };
  std::unordered_map<std::uint64_t, Inner> pending_;
  std::uint64_t next_id_ = 0;
};

}  // namespace nhb2
