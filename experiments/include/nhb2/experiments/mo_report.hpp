#pragma once
// The outputs of a multi-objective sweep (a sweep config with `objectives: [valid_acc, X]`),
// written next to the single-objective ones once every run is complete:
//
//   exact_front.csv          the table's exact Pareto front (benchmark_api/objective_table.hpp)
//   fronts.csv               label,run,cellcode,lr,batch_size,config_index,valid_acc,X,test_acc:
//                            each run's final front (its non-dominated 12-epoch queries)
//   hypervolume_curves.csv   label,cost,n,mean,standard_error,mean_regret: the normalised
//                            hypervolume of the queries with total_cost <= cost, over runs, on
//                            curve_points costs evenly spaced in (0, budget]
//   mo_summary.csv / .md     per label: mean final hypervolume ± s.e., mean hypervolume regret
//                            (exact - run), average rank over runs (1 = largest hypervolume, ties
//                            averaged), paired Wilcoxon signed-rank p-value against the first label
//   fronts.svg / .png        every label's final fronts (all runs, faint) and the run-0 front
//                            against the exact front (gnuplot; skipped with a warning without it)
//
// Objective values follow the sweep's seed policy: fixed uses the smallest recorded seed,
// mean and sampled the mean over seeds. Every file starts with the sweep's header comments.

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/core/objectives.hpp>
#include <nhb2/experiments/sweep_results.hpp>

#include <string>

namespace nhb2 {

// Writes the files above atomically (the plot only when `plots`); returns "" or the plot warning.
std::string write_mo_report(const std::string& dir, const SweepData& data,
                            const Benchmark& benchmark, const ObjectivePair& pair,
                            SeedPolicy seed_policy, bool plots = true);

}  // namespace nhb2
