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

#include <nhb2/core/config.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
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

struct RunRecord {
  std::string label;
  int run = 0;
  std::uint64_t run_seed = 0;
  std::string stop_reason;
  double total_cost = 0.0;
  Config incumbent;
  double incumbent_valid_acc = 0.0;
  std::vector<double> test_accs;  // the driver's final results, one per report epoch
  std::vector<QueryRecord> queries;
};

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
std::string trajectories_csv(const SweepData& data);
// The same, streamed into an open file (no full copy in memory). Returns false on a write error.
bool write_trajectories_csv(std::FILE* file, const SweepData& data);
std::string runs_csv(const SweepData& data);

std::string checkpoint_text(const RunRecord& record, const std::vector<int>& report_epochs);
// Throws DataError when the text is not a complete checkpoint.
RunRecord parse_checkpoint(const std::string& text, const std::vector<int>& report_epochs);

// Reads runs.csv and trajectories.csv of `dir` back. Throws DataError naming the file and line.
SweepData read_sweep_results(const std::string& dir);

}  // namespace nhb2
