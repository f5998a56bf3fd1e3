#pragma once
// BOHB: Hyperband with a kernel-density model (Falkner, Klein & Hutter, "BOHB: Robust and
// Efficient Hyperparameter Optimization at Scale", ICML 2018), following hpbandster's BOHB
// master and config generator as run by the reference experiments
// (yoichii/nashpobench2api, bench_algos/bohb.py: one worker, budget = epochs).
//
// Hyperband: the bracket plan of nhb2/algorithms/hyperband_plan.hpp (hpbandster's, floor rounding;
// eta 3 over 1..12 epochs gives [9 @ 1, 3 @ 4, 1 @ 12], [3 @ 4, 1 @ 12], [3 @ 12], …).
// Successive halving: a stage is complete when every result is told; the best
// num_configs[next stage] by valid accuracy advance (ties: the earlier config). Configs are
// sampled lazily, when a slot is about to run, so each sees every result told so far.
//
// Model (hpbandster's config generator). Results are kept per budget; results at a budget
// below the largest budget that has a model are dropped. After each result at budget b with
// N >= min_points_in_model results (default d+1, d = free dimensions of the space): the best
// n_good = max(min_points, top_n_percent·N/100) are "good", the next
// n_bad = max(min_points, (100−top_n_percent)·N/100) "bad"; if both groups hold more than d points
// a CategoricalKde (bohb/kde.hpp) is fitted to each. A new config comes from the largest budget
// with a model: num_samples candidates are drawn from the good KDE, and the one minimising
// max(g, 1e-32) / max(l, 1e-32) wins; with probability random_fraction, or without any model, it
// is a uniform sample of the space.
//
// Parameters (declared once in info()): eta 3, min_budget 1, max_budget 12 (epochs), num_samples 4,
// random_fraction 0, bandwidth_factor 3, min_bandwidth 0.3, top_n_percent 15,
// min_points_in_model 0 (= d+1), n_iterations 0 (0: run until the driver's budget; n > 0:
// finished() once n Hyperband iterations are complete). As in hpbandster, bandwidth_factor widens
// only continuous dimensions; every nhb2 dimension is categorical, so it has no effect and is kept
// for parity with the reference's settings.
//
// Pending trials: if ask() is called while every started bracket waits for results, the next
// bracket starts (as hpbandster does with parallel workers); once n_iterations brackets exist, an
// extra config is sampled from the model at max_budget (its result feeds the model only).

#include <nhb2/algorithms/bohb/kde.hpp>
#include <nhb2/algorithms/hyperband_plan.hpp>
#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

namespace nhb2 {

struct BohbOptions {
  int eta = 3;
  int min_budget = 1;   // epochs
  int max_budget = 12;  // epochs
  int num_samples = 4;
  double random_fraction = 0.0;
  double bandwidth_factor = 3.0;
  double min_bandwidth = 0.3;
  int top_n_percent = 15;
  int min_points_in_model = 0;  // 0: free dimensions + 1
  int n_iterations = 0;         // 0: unlimited
};

class Bohb : public Optimizer {
 public:
  // Throws ConfigError naming the option, its value and what is allowed when: eta < 2;
  // min_budget or max_budget outside 1..12; min_budget > max_budget; num_samples < 1;
  // random_fraction or min_bandwidth outside [0, 1]; bandwidth_factor outside [1, 100];
  // top_n_percent outside 1..99; min_points_in_model or n_iterations < 0.
  explicit Bohb(BohbOptions options = {});

  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;
  bool finished() const override;

  const BohbOptions& options() const { return options_; }
  // Hyperband iterations started so far.
  int iterations_started() const { return static_cast<int>(brackets_.size()); }
  // The largest budget (epochs) with a model, or 0.
  int largest_model_epochs() const;
  // The good / bad KDE at `epochs`, or null.
  const CategoricalKde* good_model(int epochs) const;
  const CategoricalKde* bad_model(int epochs) const;

  static BohbOptions options_from(const ParamValues& values);
  static std::vector<ParamSpec> param_specs();
  static OptimizerInfo info();

 private:
  enum class Status { queued, running, review, terminated };
  struct Entry {
    Config config;
    int epochs = 0;
    double valid_acc = 0.0;
    Status status = Status::queued;
  };
  struct Bracket {
    BracketPlan plan;
    int stage = 0;
    std::vector<int> actual_num_configs;
    std::vector<Entry> entries;  // in the order they were added (hpbandster's dict order)
    int num_running = 0;
    bool finished = false;
  };
  struct Model {
    CategoricalKde good;
    CategoricalKde bad;
  };
  struct Observed {
    Config config;
    double valid_acc;
  };
  struct Pending {
    int bracket = -1;  // -1: an extra trial outside every bracket
    int entry = -1;
  };

  std::optional<Trial> next_run(int bracket_index);
  void process_results(Bracket& bracket);
  Config sample_config();
  void new_result(const Config& config, int epochs, double valid_acc);
  Trial make_trial(const Config& config, int epochs, Pending pending);

  BohbOptions options_;
  SearchSpace space_;
  Rng rng_;
  std::vector<int> free_dims_;
  Config base_;  // fixed dimensions at their values
  int min_points_ = 1;
  std::vector<Bracket> brackets_;
  std::map<int, std::vector<Observed>> observations_;  // by epochs
  // Per epochs: indices into observations_, by valid accuracy (best first, ties in arrival
  // order), kept sorted as results arrive (what a stable sort would give, in O(n) per result).
  std::map<int, std::vector<int>> ranking_;
  std::map<int, Model> models_;  // by epochs
  std::unordered_map<std::uint64_t, Pending> pending_;
  std::uint64_t next_id_ = 0;
};

}  // namespace nhb2
