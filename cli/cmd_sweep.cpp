// nhb2 sweep: run every optimizer of a YAML config for N paired runs, in parallel and resumably,
// and write trajectories, per-run finals, curves, the summary table and plots.

#include "common.hpp"

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/core/constants.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/file_io.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/core/hash.hpp>
#include <nhb2/core/version.hpp>
#include <nhb2/experiments/driver.hpp>
#include <nhb2/experiments/sweep_config.hpp>
#include <nhb2/experiments/sweep_runner.hpp>
#include <nhb2/experiments/sweep_shard.hpp>
#ifdef NHB2_WITH_MPI
#include "mpi/sweep_mpi.hpp"
#endif

#include <unistd.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <thread>

namespace nhb2::cli {

namespace {

std::atomic<bool> stop_requested{false};

extern "C" void on_stop_signal(int signal_number) {
  stop_requested.store(true);
  // A second Ctrl-C kills at once.
  std::signal(signal_number, SIG_DFL);
}

std::string duration_text(double seconds) {
  if (seconds < 0) seconds = 0;
  const long s = static_cast<long>(seconds + 0.5);
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600)
    return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
  return std::to_string(s / 3600) + "h" + (s / 60 % 60 < 10 ? "0" : "") +
         std::to_string(s / 60 % 60) + "m";
}

// A progress bar on a terminal, plain lines (every 10% or 10 s) otherwise; writes to stderr.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool quiet)
      : quiet_(quiet),
        terminal_(::isatty(STDERR_FILENO) != 0),
        start_(std::chrono::steady_clock::now()) {}

  void update(const SweepProgress& p) {
    if (quiet_ || p.total == 0) return;
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const std::size_t fresh = p.done - p.resumed;
    const std::size_t left = p.total - p.done;
    std::string eta = "ETA --";
    if (fresh > 0) eta = "ETA " + duration_text(elapsed / static_cast<double>(fresh) * left);
    const int percent = static_cast<int>(100.0 * static_cast<double>(p.done) / p.total);
    if (terminal_) {
      if (p.done != p.total && now - last_ < std::chrono::milliseconds(100)) return;
      last_ = now;
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(kWidth * static_cast<double>(p.done) / p.total);
      std::string bar(static_cast<std::size_t>(filled), '#');
      bar.resize(kWidth, '.');
      std::fprintf(stderr, "\r[%s] %3d%%  %zu/%zu runs  %s  %s ", bar.c_str(), percent, p.done,
                   p.total, duration_text(elapsed).c_str(), eta.c_str());
      drew_ = p.done != p.total;
      if (!drew_) std::fprintf(stderr, "\n");
      std::fflush(stderr);
      return;
    }
    const bool step = percent / 10 != last_percent_ / 10;
    if (p.done == p.total || step || now - last_ >= std::chrono::seconds(10)) {
      last_ = now;
      last_percent_ = percent;
      std::fprintf(stderr, "nhb2 sweep: %zu/%zu runs (%d%%), %s elapsed, %s\n", p.done, p.total,
                   percent, duration_text(elapsed).c_str(), eta.c_str());
    }
  }
  // Ends a half-drawn bar line.
  void finish() {
    if (drew_) std::fprintf(stderr, "\n");
    drew_ = false;
  }

 private:
  bool quiet_;
  bool terminal_;
  bool drew_ = false;
  int last_percent_ = -1;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
};

std::string make_source_text(const Benchmark& benchmark) {
  SweepHeader header;
  header.data_kind = benchmark.source().kind;
  header.data_description = benchmark.source().description;
  return describe_source(header);
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The checksum of this executable, recorded in shard files so that shards of different binaries
// are never combined.
std::string binary_checksum() {
  try {
    return to_hex(file_xxh3_64("/proc/self/exe"));
  } catch (const Error&) {
    return "unknown";
  }
}

}  // namespace

int run_sweep(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("config", po::value<std::string>()->value_name("CONFIG.yaml"),
                        "the sweep config (see docs/sweeps.md)")(
      "jobs,j", po::value<int>()->value_name("N"), "parallel runs (default: all cores)")(
      "resume", "finish an interrupted sweep in its output folder (refused if the config changed)")(
      "out,o", po::value<std::string>()->value_name("DIR"),
      "output folder (overrides the config's 'output')")(
      "shard", po::value<std::string>()->value_name("K/N"),
      "run only shard K of N (0 <= K < N) of the runs; combine the shards with --merge")(
      "merge", "run nothing: combine the complete shards in the output folder into the outputs")(
      "no-plots", "do not run gnuplot")("quiet,q", "no progress output");
  po::positional_options_description positional;
  positional.add("config", 1);
  po::variables_map vm;
  if (!parse_options("sweep",
                     "CONFIG.yaml [--jobs N] [--resume] [--out DIR] [--shard K/N | --merge]",
                     options, positional, args, vm)) {
    return 0;
  }
  if (!vm.count("config")) {
    throw InvalidArgument("nhb2 sweep needs a config file: nhb2 sweep CONFIG.yaml (see configs/)");
  }
  const std::string config_path = vm["config"].as<std::string>();
#ifdef NHB2_WITH_MPI
  MpiSweep mpi;
  if (mpi.active() && mpi.rank() > 0) {
    // A worker rank: load what rank 0 loads, then compute the runs it is sent. A load failure
    // is answered to every task (rank 0 fails the same way first, in the usual words).
    try {
      const Registry worker_registry = load_sweep_plugins(config_path, builtin_optimizers());
      const SweepConfig worker_config = load_sweep_config(config_path, worker_registry);
      const Benchmark worker_benchmark = load_sweep_benchmark(worker_config.data);
      mpi.serve([&](std::size_t job) {
        return checkpoint_text(
            run_sweep_task(worker_config, worker_benchmark, worker_registry, job),
            worker_config.report_epochs);
      });
    } catch (const Error& e) {
      const std::string message = e.what();
      mpi.serve([&message](std::size_t) -> std::string { throw Error(message); });
    }
    return 0;
  }
#endif
  const Registry registry = load_sweep_plugins(config_path, builtin_optimizers());
  SweepConfig config = load_sweep_config(config_path, registry);
  if (vm.count("out")) {
    config.output = vm["out"].as<std::string>();
    if (config.output.empty()) throw InvalidArgument("--out needs a folder name");
    config.output_location = "--out";
  }
  SweepRunOptions run_options;
  run_options.jobs = 0;
  if (vm.count("jobs")) {
    run_options.jobs = vm["jobs"].as<int>();
    if (run_options.jobs < 1 || run_options.jobs > kMaxJobs) {
      throw InvalidArgument("--jobs " + std::to_string(run_options.jobs) + " must be in [1, " +
                            std::to_string(kMaxJobs) + "]");
    }
  }
  run_options.resume = vm.count("resume") > 0;
  if (vm.count("shard")) run_options.shard = parse_shard(vm["shard"].as<std::string>());
  run_options.merge = vm.count("merge") > 0;
  if (run_options.merge && vm.count("shard")) {
    throw InvalidArgument("--merge combines every shard: it takes no --shard");
  }
  run_options.binary_checksum = binary_checksum();
  run_options.nhb2_version = kVersion;
  run_options.stop = &stop_requested;
  run_options.report.plots = vm.count("no-plots") == 0;
  if (const char* gnuplot = std::getenv("NHB2_GNUPLOT"); gnuplot && *gnuplot) {
    run_options.report.gnuplot = gnuplot;
  }
  const bool quiet = vm.count("quiet") > 0;
  const Benchmark benchmark = load_sweep_benchmark(config.data);
#ifdef NHB2_WITH_MPI
  if (mpi.active()) {
    // Rank 0 drives each worker rank from kSlotsPerWorker threads; --jobs does not apply.
    run_options.jobs = MpiSweep::kSlotsPerWorker * (mpi.size() - 1);
    run_options.remote_run = [&mpi, &config](std::size_t job, int thread) {
      return mpi.run_remote(job, thread, config.report_epochs);
    };
  }
#endif

  ProgressPrinter printer(quiet);
  run_options.on_progress = [&printer](const SweepProgress& p) { printer.update(p); };
  if (!quiet) {
    std::string share;
    if (run_options.shard.count > 1) share = " (shard " + format_shard(run_options.shard) + ")";
    if (run_options.merge) share = " (merge)";
#ifdef NHB2_WITH_MPI
    if (mpi.active()) share += " on " + std::to_string(mpi.size()) + " MPI ranks";
#endif
    std::fprintf(stderr,
                 "nhb2 sweep %s: %zu optimizers × %d runs%s, budget %s s, data: %s, output %s\n",
                 config.name.c_str(), config.optimizers.size(), config.runs, share.c_str(),
                 format_double(config.budget_seconds).c_str(), make_source_text(benchmark).c_str(),
                 config.output.c_str());
  }
  stop_requested = false;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  SweepOutcome outcome;
  try {
    outcome = nhb2::run_sweep(config, benchmark, registry, run_options);
  } catch (...) {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    printer.finish();
    throw;
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  printer.finish();
  if (!outcome.complete) {
    std::string command = "nhb2 sweep " + shell_quote(config_path) + " --resume";
    if (run_options.shard.count > 1) command += " --shard " + format_shard(run_options.shard);
    if (vm.count("out")) command += " --out " + shell_quote(config.output);
    std::fprintf(stderr,
                 "nhb2 sweep: interrupted: %zu of %zu runs are complete and saved in %s/runs/.\n"
                 "Finish the missing runs with:\n  %s\n",
                 outcome.runs_done, outcome.runs_total, config.output.c_str(), command.c_str());
    return 130;
  }
  if (outcome.shard_only) {
    std::cout << "shard " << format_shard(run_options.shard) << " complete: " << outcome.runs_total
              << " runs saved in " << config.output << "/runs/";
    if (outcome.runs_resumed > 0) std::cout << " (" << outcome.runs_resumed << " resumed)";
    std::cout << ".\nWhen every shard is complete, combine them with:\n  nhb2 sweep "
              << shell_quote(config_path) << " --merge"
              << (vm.count("out") ? " --out " + shell_quote(config.output) : "") << "\n";
    return 0;
  }
  if (!outcome.plot_warning.empty()) {
    std::fprintf(stderr, "nhb2: warning: %s\n", outcome.plot_warning.c_str());
  }
  std::cout << read_file(config.output + "/summary.md");
  std::cout << "\nwrote " << config.output
            << "/{trajectories.csv, runs.csv, curves.csv, summary.md, summary.csv, "
            << (outcome.plot_warning.empty() && run_options.report.plots
                    ? "curves.svg, curves.png, "
                    : "")
            << "resolved.yaml, space.csv, regret.csv, trajectory_regret.csv, regret_curves.csv, "
               "statistics.md}";
  if (outcome.runs_resumed > 0) {
    std::cout << " (" << outcome.runs_resumed << " of " << outcome.runs_total
              << " runs resumed from checkpoints)";
  }
  std::cout << "\n";
  if (config.objectives) {
    std::cout << "\n"
              << read_file(config.output + "/mo_summary.md") << "\nwrote " << config.output
              << "/{exact_front.csv, fronts.csv, hypervolume_curves.csv, mo_summary.csv, "
              << (outcome.plot_warning.empty() && run_options.report.plots
                      ? "mo_summary.md, fronts.svg, fronts.png}"
                      : "mo_summary.md}")
              << "\n";
  }
  std::cout << "\nreport: " << config.output << "/report.html\n";
  return 0;
}

}  // namespace nhb2::cli
