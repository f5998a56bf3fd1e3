#pragma once
// The sweep runner: every (optimizer, run) of a SweepConfig, in parallel, resumable.
//
// Contract:
// - Run r of every optimizer uses run_seed(master_seed, r) (paired runs). Each job builds its
//   own optimizer from `registry` (the one the config was loaded with) and its own Session; results
//   are stored by (optimizer, run) index, so every output is bit-identical whatever `jobs` is and
//   whatever the scheduling.
// - Before running anything, prepare: the output folder is created (ConfigError citing the
//   `output` key when impossible); a folder that already holds a sweep (sweep.fingerprint) is
//   refused unless `resume`, and with `resume` it is refused when the config's fingerprint
//   changed, naming each changed key with its old and new value.
// - Each finished run is written atomically to runs/<label>/<run>.csv (a checkpoint); resume
//   loads the complete checkpoints and runs only the missing ones.
// - `stop` (set by a signal handler) and `max_new_runs` (tests) stop the starting of new runs;
//   runs in flight finish and are checkpointed; the outcome is then incomplete and nothing else
//   is written.
// - A run that throws (an invalid trial, an exception from the optimizer's code) stops the
//   sweep: runs in flight finish and are checkpointed, no new run starts, and an Error naming the
//   label, the run, the optimizer and its origin (built-in or plug-in path) is thrown. Every
//   checkpoint stays; --resume runs the missing runs.
// - When every run is complete: trajectories.csv, runs.csv and the report files (report.hpp) are
//   written atomically; resolved.yaml and sweep.fingerprint are written at the start.
// - Bounded memory: once a run is checkpointed only its record's IncumbentTrace is kept, not its
//   queries (sweep_results.hpp; multi-objective sweeps keep them for mo_report.hpp), and
//   trajectories.csv is copied from the checkpoints, so memory grows with the runs by a few
//   hundred bytes each and not at all with their queries.
// - Shards (sweep_shard.hpp): with `shard` of count N > 1 only that shard's runs are loaded and
//   run; a folder holding the same config's sweep is accepted (the other shards), and its own
//   shard file refused without `resume`. Other shards' files are checked (N, config, version,
//   binary) before anything is written; temporaries of other shards are left alone. When the
//   shard's runs are complete its shard file says so and nothing else is written.
// - `merge` runs nothing: with every run's checkpoint present (and every shard file complete) it
//   writes the outputs as above and removes shards/, so the folder equals one unsharded sweep's;
//   otherwise ConfigError names the missing shards and nothing is written.
// - `remote_run` (MPI transport) computes a run in place of this process: the runner calls it
//   from `jobs` threads, each passing its own index in [0, jobs); checkpoints and outputs are
//   written here as for local runs.
// - The incumbent's test accuracy on the curves is a deterministic function of the config:
//   epoch 12 at the policy's seed (fixed: the smallest recorded seed; mean and sampled: the mean
//   over the recorded seeds); epoch 200: avg_acc_200. runs.csv holds the driver's results().

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/core/registry.hpp>
#include <nhb2/experiments/report.hpp>
#include <nhb2/experiments/sweep_config.hpp>
#include <nhb2/experiments/sweep_results.hpp>
#include <nhb2/experiments/sweep_shard.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <limits>
#include <string>

namespace nhb2 {

struct SweepProgress {
  std::size_t done = 0;  // runs complete, resumed ones included
  std::size_t total = 0;
  std::size_t resumed = 0;  // loaded from checkpoints
};

struct SweepRunOptions {
  int jobs = 0;  // 0: every hardware thread
  bool resume = false;
  std::string nhb2_version = "unknown";
  const std::atomic<bool>* stop = nullptr;
  std::size_t max_new_runs = std::numeric_limits<std::size_t>::max();
  std::function<void(const SweepProgress&)> on_progress;  // called serially, from any thread
  ReportOptions report;
  SweepShard shard;             // count 1: every run
  bool merge = false;           // run nothing; combine the saved runs (see above)
  std::string binary_checksum;  // of the nhb2 executable, recorded in shard files
  std::function<RunRecord(std::size_t job, int thread)> remote_run;  // empty: run here
};

struct SweepOutcome {
  bool complete = false;
  std::size_t runs_total = 0;
  std::size_t runs_done = 0;
  std::size_t runs_resumed = 0;
  std::string plot_warning;
  bool shard_only = false;  // a shard (count > 1) finished its runs; no output was written
};

SweepOutcome run_sweep(const SweepConfig& config, const Benchmark& benchmark,
                       const Registry& registry, const SweepRunOptions& options);

// The header of a sweep's files (data source, settings, best test accuracy in the table).
SweepHeader make_sweep_header(const SweepConfig& config, const Benchmark& benchmark);

// Runs task `job` (optimizer_index * runs + run) of the sweep here and returns its record, as
// run_sweep would (MPI worker ranks call it). Throws Error naming the label and run on failure.
RunRecord run_sweep_task(const SweepConfig& config, const Benchmark& benchmark,
                         const Registry& registry, std::size_t job);

// Relative path of a run's checkpoint inside the output folder.
std::string checkpoint_path(const std::string& label, int run);

}  // namespace nhb2
