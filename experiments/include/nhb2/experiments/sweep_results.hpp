#pragma once
// The records of a sweep and their CSV forms: one RunRecord per (optimizer, run), one
// QueryRecord per logged query.
//
// Files (every number is written in its shortest round-trip form, so reading a file back gives
// the same doubles and the aggregates recomputed by `nhb2 report` are identical):
//   trajectories.csv  optimizer,run,step,cellcode,lr,batch_size,epochs,valid_acc,cost,total_cost,
//                     incumbent_cellcode,incumbent_lr,incumbent_batch_size,incumbent_valid_acc,
//                     incumbent_test_acc_<E> for each report epoch E,wallclock,worker
//                     (one row per completed trial, in completion order; wallclock = the
//                     simulated wall clock at its completion, worker = the worker that ran it)
//   runs.csv          optimizer,run,run_seed,queries,total_cost,stop_reason,incumbent_cellcode,
//                     incumbent_lr,incumbent_batch_size,incumbent_valid_acc,test_acc_<E>...
// Both start with "# key: value" comment lines (SweepHeader): the data source kind comes first,
// then description, checksum, budget, runs, master seed, seed policy, report epochs, curve
// points, the simulation settings (workers, budget_kind, fidelity_cost, speed_factors,
// decision_time, curve_axis), the optimizer labels in config order and the best test accuracy
// in the table per report epoch.
// A per-run checkpoint (runs/<label>/<run>.csv) holds the same rows for one run.
//
// Bounded memory: the aggregates (aggregate.hpp, analysis.hpp, report.hpp) read a run only
// through its IncumbentTrace, the incumbent's curve values where they change, so a sweep keeps
// O(incumbent changes) per run rather than O(queries): RunRecord::queries may be dropped once the
// trace is built (drop_queries), and trajectories.csv is then streamed from the checkpoints.

#include <nhb2/core/config.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace nhb2 {

// Report epochs are a subset of {12, 200}.
constexpr std::size_t kMaxReportEpochs = 2;

struct QueryRecord {
  Config config;
  int epochs = 12;
  double valid_acc = 0.0;
  double cost = 0.0;
  double total_cost = 0.0;
  Config incumbent;
  double incumbent_valid_acc = 0.0;
  // The incumbent's test accuracy at each report epoch (the curve value at this query); the
  // first header.report_epochs.size() entries are used. Fixed size: sweeps hold millions.
  std::array<double, kMaxReportEpochs> incumbent_test_accs{};
  double wallclock = 0.0;  // simulated wall clock at the trial's completion
  int worker = 0;          // the simulated worker that ran it
};

// A run's incumbent curve values, kept only at the queries where they change. The value at
// curve position c (aggregate.hpp: the incumbent after the last query with x <= c, scanning the
// queries in order) is that of the last step whose running maximum of x is <= c, so every
// aggregate computed from the trace equals the one computed from all queries.
struct IncumbentStep {
  std::size_t step = 0;     // the first query (0-based) that has these values
  double total_cost = 0.0;  // the largest total_cost of queries 0 .. step
  double wallclock = 0.0;   // the largest wallclock of queries 0 .. step
  std::array<double, kMaxReportEpochs> test_accs{};  // QueryRecord::incumbent_test_accs
};

struct IncumbentTrace {
  std::vector<IncumbentStep> steps;  // steps[0].step == 0 when there are queries
  std::size_t queries = 0;           // queries folded in
  // The first and the last query's x on each axis (the ends of the curve grid).
  double first_total_cost = 0.0;
  double first_wallclock = 0.0;
  double last_total_cost = 0.0;
  double last_wallclock = 0.0;
  double max_total_cost = 0.0;  // over the queries folded in so far
  double max_wallclock = 0.0;

  // Folds in the run's next query.
  void add(const QueryRecord& query);
};

struct RunRecord {
  std::string label;
  int run = 0;
  std::uint64_t run_seed = 0;
  std::string stop_reason;
  double total_cost = 0.0;
  Config incumbent;
  double incumbent_valid_acc = 0.0;
  std::vector<double> test_accs;     // the driver's final results, one per report epoch
  std::vector<QueryRecord> queries;  // may be empty once dropped (trace.queries counts them)
  IncumbentTrace trace;              // of every query; built by whoever makes the record
};

// Rebuilds run.trace from run.queries.
void trace_queries(RunRecord& run);
// Frees run.queries (the trace stays).
void drop_queries(RunRecord& run);

struct SweepHeader {
  std::string data_kind;  // "synthetic" or "official": always shown first
  std::string data_description;
  std::string data_checksum;
  std::string name;
  double budget_seconds = 0.0;
  int runs = 0;
  std::uint64_t master_seed = 0;
  std::string seed_policy;
  std::vector<int> report_epochs;
  int curve_points = 100;
  int workers = 1;
  std::string budget_kind = "total_cost";
  std::string fidelity_cost = "restart";
  std::vector<double> speed_factors;  // empty: every worker 1
  double decision_time = 0.0;
  std::string curve_axis = "total_cost";  // the x of curves and plots: total_cost | wallclock
  std::vector<std::string> labels;        // optimizer labels, config order
  std::vector<double> best_test_accs;     // best test accuracy in the table, per report epoch
};

// All the runs of a sweep, ordered by label (config order) then run index.
struct SweepData {
  SweepHeader header;
  std::vector<RunRecord> runs;
};

std::string format_header(const SweepHeader& header);
// "synthetic (generator v1, seed 1)": the description, prefixed by the kind unless it starts so.
std::string describe_source(const SweepHeader& header);
// Preconditions of both: every run holds its queries.
std::string trajectories_csv(const SweepData& data);
// The same, streamed into an open file (no full copy in memory). Returns false on a write error.
bool write_trajectories_csv(std::FILE* file, const SweepData& data);
// The text trajectories.csv starts with (header comments and column names).
std::string trajectories_csv_head(const SweepHeader& header);
// Appends the trajectories.csv rows a checkpoint's text holds (its Q lines, without "Q,").
// Throws DataError naming `where` when the text holds other than `expected_rows` rows.
void append_checkpoint_rows(std::string& out, std::string_view checkpoint,
                            std::size_t expected_rows, const std::string& where);
std::string runs_csv(const SweepData& data);

std::string checkpoint_text(const RunRecord& record, const std::vector<int>& report_epochs);
// Throws DataError when the text is not a complete checkpoint.
RunRecord parse_checkpoint(const std::string& text, const std::vector<int>& report_epochs);

// Reads runs.csv and trajectories.csv of `dir` back, row by row, into each run's trace; the
// queries are kept only with keep_queries (memory then grows with the rows). Throws DataError
// naming the file and line.
SweepData read_sweep_results(const std::string& dir, bool keep_queries = true);

}  // namespace nhb2
