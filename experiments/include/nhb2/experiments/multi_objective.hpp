#pragma once
// Multi-objective measures of runs: each run's front, its hypervolume over cost and its
// hypervolume regret against the exact front, and the paired comparison of optimizers by final
// hypervolume (benchmark_api/objective_table.hpp defines the objectives and the normalisation).
//
// A run's points are its full-fidelity (12-epoch) queries, each valued by the objective table
// (the same seed rule as the exact front), so a run's hypervolume never exceeds the exact one
// and its regret exact - run is >= 0.

#include <nhb2/benchmark_api/objective_table.hpp>
#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/core/registry.hpp>
#include <nhb2/experiments/driver.hpp>
#include <nhb2/experiments/statistics.hpp>

#include <string>
#include <vector>

namespace nhb2 {

// Config indices of the run's non-dominated 12-epoch queries (one per distinct point),
// accuracy descending.
std::vector<int> run_front(const Session& session, const ObjectiveTable& table);

// Normalised hypervolume of the run's 12-epoch queries with total_cost <= each grid value
// (grid ascending): the hypervolume-over-cost curve.
std::vector<double> hypervolume_curve(const Session& session, const ObjectiveTable& table,
                                      const std::vector<double>& cost_grid);

// Normalised hypervolume of all the run's 12-epoch queries.
double run_hypervolume(const Session& session, const ObjectiveTable& table);

struct MoOptimizerSummary {
  std::string name;
  std::vector<double> final_hypervolume;  // one per run, run order
  double mean_hypervolume = 0.0;
  double standard_error = 0.0;
  double mean_regret = 0.0;         // exact hypervolume - mean_hypervolume
  double average_rank = 0.0;        // over runs, 1 = largest hypervolume, ties averaged
  WilcoxonResult against_baseline;  // paired with the first optimizer's final hypervolumes
};

struct MoComparison {
  double exact_hypervolume = 0.0;
  std::vector<MoOptimizerSummary> optimizers;  // the order given; the first is the baseline
};

// `runs` paired runs (run_seed(master_seed, i), as in sweeps) of each optimizer with default
// parameters, base.objectives set to table.pair; each run's final hypervolume.
MoComparison compare_multi_objective(const Benchmark& benchmark, const Registry& registry,
                                     const std::vector<std::string>& names,
                                     const ObjectiveTable& table, int runs,
                                     std::uint64_t master_seed, RunSpec base);

}  // namespace nhb2
