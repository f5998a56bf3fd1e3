#pragma once
// Aggregates of a finished sweep (SweepData): anytime curves, the final table, ranks and
// pairwise tests. Pure functions of the records, so `nhb2 report` recomputes them exactly.
//
// Curves: a common grid of header.curve_points points on the x axis header.curve_axis (a query's
// total_cost, or its simulated wallclock at completion; both grow along a run's log), log-spaced
// from the smallest x at which any run has its first result to the largest final x of any run
// (so the last point is every run's final incumbent). At grid value c a run's value is its
// incumbent after its last query with x <= c (forward fill); runs with no query by c do not count,
// and `n` says how many runs do. Regret = best test accuracy in the table − the incumbent's
// (header.best_test_accs). Statistics as in statistics.hpp. Runs are read through their
// IncumbentTrace only (sweep_results.hpp), so their queries may have been dropped.
// Summary: per optimizer the driver's final test accuracy per report epoch (mean ± sample std
// over runs); the average rank per report epoch (per run index, across optimizers, 1 = best,
// ties averaged); pairwise two-sided Wilcoxon signed-rank p-values paired by run index.
// Precondition: every label of the header has runs 0 .. header.runs-1, in order.

#include <nhb2/experiments/statistics.hpp>
#include <nhb2/experiments/sweep_results.hpp>

#include <string>
#include <vector>

namespace nhb2 {

struct DistributionStats {
  double mean = 0.0;
  double standard_error = 0.0;
  double median = 0.0;
  double q25 = 0.0;
  double q75 = 0.0;
};
DistributionStats describe_distribution(const std::vector<double>& values);

struct CurvePoint {
  double cost = 0.0;  // the grid value on header.curve_axis (total cost or wall clock, seconds)
  std::size_t n = 0;  // runs with an incumbent by this cost
  std::vector<DistributionStats> test_acc;  // per report epoch
  std::vector<DistributionStats> regret;    // per report epoch
};

struct OptimizerCurve {
  std::string label;
  std::vector<CurvePoint> points;
};

// A query's x on the curve axis of `header`; a trace step's (its running maximum).
double curve_x(const SweepHeader& header, const QueryRecord& query);
double curve_x(const SweepHeader& header, const IncumbentStep& step);
std::vector<double> cost_grid(const SweepData& data);
std::vector<OptimizerCurve> compute_curves(const SweepData& data);

struct SummaryRow {
  std::string label;
  std::size_t runs = 0;
  std::vector<double> test_acc_mean;  // per report epoch
  std::vector<double> test_acc_std;
  std::vector<double> average_rank;
  double queries_mean = 0.0;
  double total_cost_mean = 0.0;
};

struct Summary {
  std::vector<SummaryRow> rows;
  // wilcoxon[e][i][j]: p-value of optimizer i vs j at report epoch e (1 on the diagonal).
  std::vector<std::vector<std::vector<double>>> wilcoxon;
};

Summary compute_summary(const SweepData& data);

// The runs of one label, by run index (precondition above).
std::vector<const RunRecord*> runs_of(const SweepData& data, const std::string& label);

}  // namespace nhb2
