#pragma once
// The paired comparison of the [statistical] tests of the multi-fidelity schedulers: an optimizer
// against random_search over `runs` paired runs (same run seeds) on the synthetic benchmark,
// by the final test accuracy of each run's incumbent (12 epochs), as `nhb2 run` reports it.
// `base` sets everything but the run seed (workers, budget_kind, fidelity_cost, budget...).

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/experiments/driver.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace nhb2::test {

struct PairedComparison {
  double optimizer_mean = 0.0;
  double random_search_mean = 0.0;
  double mean_difference = 0.0;
  double standard_error = 0.0;
};

inline PairedComparison compare_with_random_search(const std::string& name, int runs,
                                                   std::uint64_t master_seed, const RunSpec& base) {
  static const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  PairedComparison result;
  double sum_sq = 0.0;
  for (int i = 0; i < runs; ++i) {
    RunSpec spec = base;
    spec.run_seed = run_seed(master_seed, static_cast<std::uint64_t>(i));
    auto optimizer = builtin_optimizers().create(name, {});
    auto random_search = builtin_optimizers().create("random_search", {});
    const double a =
        run_optimizer(benchmark, *optimizer, SearchSpace(), spec).results.final_accs.at(0);
    const double b =
        run_optimizer(benchmark, *random_search, SearchSpace(), spec).results.final_accs.at(0);
    result.optimizer_mean += a;
    result.random_search_mean += b;
    sum_sq += (a - b) * (a - b);
  }
  result.optimizer_mean /= runs;
  result.random_search_mean /= runs;
  result.mean_difference = result.optimizer_mean - result.random_search_mean;
  const double variance =
      (sum_sq - runs * result.mean_difference * result.mean_difference) / (runs - 1);
  result.standard_error = std::sqrt(std::max(variance, 0.0) / runs);
  return result;
}

inline PairedComparison compare_with_random_search(const std::string& name, int runs,
                                                   std::uint64_t master_seed,
                                                   double budget_seconds = 20000.0) {
  RunSpec base;
  base.budget_seconds = budget_seconds;
  return compare_with_random_search(name, runs, master_seed, base);
}

// configs/evidence_workers.yaml's setting: 4 workers, a 20,000 s simulated wall-clock budget,
// fidelity_cost resume.
inline RunSpec four_workers_on_the_wall_clock() {
  RunSpec spec;
  spec.budget_seconds = 20000.0;
  spec.workers = 4;
  spec.budget_kind = BudgetKind::wallclock;
  spec.fidelity_cost = FidelityCost::resume;
  return spec;
}

}  // namespace nhb2::test
