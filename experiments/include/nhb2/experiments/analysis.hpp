#pragma once
// The analysis of a finished sweep against the exact optimum: regret, percentiles in the space,
// ranks over time, Friedman / Nemenyi / Wilcoxon–Holm, IQM with bootstrap intervals, ECDFs and
// anytime pairwise tests. A pure function of the records (and, for percentiles, of the sweep's
// space.csv), so `nhb2 report` recomputes it byte for byte.
//
// Definitions (per report epoch E; "value" = the incumbent's test accuracy at E, as on the curves):
// - regret = header.best_test_accs[E] (the exact optimum of the space under the sweep's seed
//   policy, benchmark_api/oracle.hpp) − value; final regret uses the run's last query.
// - percentile = 100 · the fraction of the space's configurations with a value <= the
//   incumbent's, interpolated in space.csv's table (resolution 0.1 points below p99, 0.001 above).
// - log-regret curves: log10(max(regret, kRegretFloor)) on the curve grid (aggregate.hpp); mean
//   over the runs that have an incumbent, 95 % interval mean ± t_{0.975, n−1} · s.e.
// - rank over time: at each grid point the optimizers are ranked within each run index (1 = best,
//   ties averaged; an optimizer without an incumbent yet ranks last); mean over runs, with a 95 %
//   percentile-bootstrap band (run indices resampled, the same draw for every optimizer).
// - final: mean ± s.e. of final regret, its IQM with a 95 % bootstrap interval (robust_statistics
//   .hpp), median, the fraction of runs that reach the optimum, the mean percentile.
// - tests on final values (paired by run index): Friedman, Nemenyi CD at α = 0.05, pairwise
//   Wilcoxon signed-rank with Holm's correction and the cliques it implies; the same Holm-
//   corrected pairwise tests and mean ranks at budget checkpoints (1 %, 10 %, 50 %, 100 % of the
//   budget on the curve axis) for anytime significance.
// - proxy gap (needs report epochs 12 and 200): per run, the best 200-epoch accuracy among the
//   configurations the run ever held as incumbent (chosen on 12-epoch validation) minus that of the
//   final incumbent: what choosing on the 12-epoch proxy lost at 200 epochs.
// Statistics that need more than one optimizer or more than one run are reported as undefined
// (`notes`), never as NaN.

#include <nhb2/experiments/aggregate.hpp>
#include <nhb2/experiments/rank_tests.hpp>
#include <nhb2/experiments/robust_statistics.hpp>
#include <nhb2/experiments/sweep_results.hpp>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nhb2 {

class Benchmark;

constexpr double kRegretFloor = 1e-3;  // accuracy points; log-regret of a run at the optimum
constexpr double kAnalysisAlpha = 0.05;
constexpr int kBootstrapSamples = 1000;
constexpr std::uint64_t kBootstrapSeed = 20211117;

// space.csv: the distribution of the sweep's test accuracy over the whole space, per report epoch.
struct SpaceTable {
  std::string data_checksum;
  std::string seed_policy;
  std::vector<int> epochs;
  std::vector<double> best;
  std::vector<std::string> best_configs;  // "0|10|210 lr=0.1 bs=256; ..." per epoch
  std::vector<std::vector<std::pair<double, double>>> grid;  // per epoch: (percentile, value)
  double percentile_of(std::size_t epoch_index, double value) const;
};
// The grid of percentiles space.csv holds.
const std::vector<double>& space_table_percentiles();
SpaceTable make_space_table(const Benchmark& benchmark, const SweepHeader& header);
std::string space_table_csv(const SpaceTable& table);
// Throws DataError naming `path` and the line.
SpaceTable parse_space_table(const std::string& text, const std::string& path);

struct OptimizerFinal {
  std::vector<double> regret;      // per run
  std::vector<double> percentile;  // per run; empty without a space table
  double regret_mean = 0.0;
  double regret_se = 0.0;
  double regret_median = 0.0;
  double regret_iqm = 0.0;
  Interval regret_iqm_ci;
  double optimum_rate = 0.0;  // fraction of runs with regret 0
  double percentile_mean = 0.0;
};

struct PairwiseCheckpoint {
  double x = 0.0;  // on the curve axis, seconds
  double budget_fraction = 0.0;
  std::vector<double> mean_rank;            // per optimizer
  std::vector<std::vector<double>> holm_p;  // [i][j], 1 on the diagonal
};

struct EpochAnalysis {
  int epoch = 12;
  std::vector<OptimizerFinal> finals;                // per optimizer
  std::vector<std::vector<std::size_t>> curve_n;     // [o][g]
  std::vector<std::vector<double>> log_regret_mean;  // [o][g]
  std::vector<std::vector<double>> log_regret_lo, log_regret_hi;
  std::vector<std::vector<double>> rank_mean, rank_lo, rank_hi;  // [o][g]
  bool tests_defined = false;                                    // k >= 2 and runs >= 2
  FriedmanResult friedman;
  double critical_difference = 0.0;
  std::vector<std::size_t> rank_order;  // optimizers by mean final rank, best first
  std::vector<std::pair<std::size_t, std::size_t>> nemenyi_cliques;   // positions in rank_order
  std::vector<std::pair<std::size_t, std::size_t>> wilcoxon_cliques;  // positions in rank_order
  std::vector<std::vector<double>> wilcoxon_holm;                     // [i][j]
  std::vector<PairwiseCheckpoint> checkpoints;
};

struct Analysis {
  std::vector<std::string> labels;
  std::vector<double> grid;
  std::vector<EpochAnalysis> epochs;  // per report epoch
  bool has_space = false;
  bool has_proxy = false;
  std::vector<std::vector<double>> proxy_gap;  // [o][run]
  std::vector<std::string> notes;              // statistics that are undefined, and why
};

// space may be null (no percentiles). Precondition as aggregate.hpp.
Analysis compute_analysis(const SweepData& data, const SpaceTable* space);

// regret.csv: optimizer,run, then per report epoch E regret_E,percentile_E, then proxy_gap_200
// (empty fields where undefined).
std::string regret_csv(const SweepData& data, const Analysis& analysis);
// trajectory_regret.csv: optimizer,run,step, then per report epoch E regret_E,percentile_E of
// the incumbent after each query (percentile empty without a space table); one row per row of
// trajectories.csv, in the same order. Streamed; returns false on a write error.
bool write_trajectory_regret_csv(std::FILE* file, const SweepData& data, const SpaceTable* space);
// The same, handed to `sink` in chunks (false from the sink stops and is returned).
bool write_trajectory_regret_csv(const std::function<bool(std::string_view)>& sink,
                                 const SweepData& data, const SpaceTable* space);
// regret_curves.csv: optimizer,x,n, per E: log10_regret_E_{mean,lo,hi},rank_E_{mean,lo,hi}.
std::string regret_curves_csv(const SweepData& data, const Analysis& analysis);
// statistics.md: final regret table, Friedman, CD, cliques, pairwise and checkpoint tests.
std::string statistics_md(const SweepData& data, const Analysis& analysis);

}  // namespace nhb2
