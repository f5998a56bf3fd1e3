#pragma once
// The report files of a sweep, computed from its records alone (never from the benchmark), so
// `nhb2 report DIR` rebuilds them byte for byte from trajectories.csv and runs.csv.
//
//   curves.csv   optimizer,cost,n, then per report epoch E: test_acc_E_{mean,se,median,q25,q75},
//                regret_E_{mean,se,median,q25,q75}  (aggregate.hpp defines grid and statistics)
//   summary.csv  optimizer,runs,test_acc_E_mean,test_acc_E_std,avg_rank_E (per E),queries_mean,
//                total_cost_mean, wilcoxon_p_E_vs_<label> (per E and label), regret_E_mean
//                (per E: header.best_test_accs[E] − test_acc_E_mean, the exact optimum's regret)
//   summary.md   the same as a paper-style table plus the p-value matrices
//   curves.svg, curves.png  (plots.hpp; skipped with a warning when gnuplot is unavailable)
// Every file is written atomically and starts with the data source kind.

#include <nhb2/experiments/sweep_results.hpp>

#include <string>

namespace nhb2 {

struct ReportOptions {
  bool plots = true;
  std::string gnuplot = "gnuplot";
};

struct ReportOutcome {
  std::string plot_warning;  // "" when the plots were written (or not requested)
};

// Writes trajectories.csv and runs.csv of `data` into dir (atomically). Precondition: the runs
// hold their queries (the sweep runner streams trajectories.csv from checkpoints instead).
void write_records(const std::string& dir, const SweepData& data);

// Writes the aggregates and plots into dir. Throws Error when a file cannot be written.
ReportOutcome write_report(const std::string& dir, const SweepData& data,
                           const ReportOptions& options = {});

std::string curves_csv(const SweepData& data);
std::string summary_csv(const SweepData& data);
std::string summary_md(const SweepData& data);

}  // namespace nhb2
