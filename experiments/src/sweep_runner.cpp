#include <nhb2/experiments/sweep_runner.hpp>

#include <nhb2/core/constants.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/file_io.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/core/hash.hpp>
#include <nhb2/core/rng.hpp>
#include <nhb2/experiments/driver.hpp>
#include <nhb2/experiments/html_report.hpp>
#include <nhb2/experiments/mo_report.hpp>

#include <algorithm>
#include <array>
#include <exception>
#include <filesystem>
#include <future>
#include <mutex>
#include <system_error>
#include <thread>

namespace nhb2 {

namespace fs = std::filesystem;

namespace {

const char* const kFingerprintFile = "sweep.fingerprint";

// The incumbent test accuracy used for curves and regret (see the header).
class TestAccuracy {
 public:
  TestAccuracy(const Benchmark& benchmark, SeedPolicy policy)
      : benchmark_(benchmark), fixed_(policy == SeedPolicy::fixed) {
    const auto& seeds = benchmark.seeds();
    smallest_ = static_cast<int>(std::min_element(seeds.begin(), seeds.end()) - seeds.begin());
  }
  double operator()(const Config& config, int epoch) const {
    if (epoch == kSurrogateEpoch) return benchmark_.avg_acc_200(config);
    if (fixed_) return benchmark_.accuracy(config, Mode::test, kMaxEpochs, smallest_);
    // The same summation order as Session's mean policy.
    const int n = benchmark_.table().num_seeds();
    double sum = 0.0;
    for (int s = 0; s < n; ++s) sum += benchmark_.accuracy(config, Mode::test, kMaxEpochs, s);
    return sum / n;
  }

 private:
  const Benchmark& benchmark_;
  bool fixed_;
  int smallest_ = 0;
};

RunRecord make_record(const SweepOptimizer& entry, int run, std::uint64_t seed,
                      const RunOutcome& outcome, const std::vector<int>& epochs,
                      const TestAccuracy& test_accuracy) {
  const Session& s = outcome.session;
  RunRecord r;
  r.label = entry.label;
  r.run = run;
  r.run_seed = seed;
  r.stop_reason = stop_reason_name(outcome.stop_reason);
  r.total_cost = s.total_cost();
  r.incumbent = *s.best_key();
  r.incumbent_valid_acc = s.best_acc();
  r.test_accs = outcome.results.final_accs;
  r.queries.resize(s.num_queries());
  std::array<double, kMaxReportEpochs> incumbent_accs{};
  for (std::size_t i = 0; i < s.num_queries(); ++i) {
    QueryRecord& q = r.queries[i];
    const LogRecord& logged = s.log()[i];
    q.config = logged.key;
    q.epochs = logged.epochs;
    q.valid_acc = logged.acc;
    q.cost = logged.cost;
    q.total_cost = logged.total_cost;
    q.incumbent = logged.best_key;
    q.incumbent_valid_acc = logged.best_acc;
    q.wallclock = logged.wallclock;
    q.worker = logged.worker;
    if (i == 0 || q.incumbent != r.queries[i - 1].incumbent) {
      for (std::size_t e = 0; e < epochs.size(); ++e) {
        incumbent_accs[e] = test_accuracy(q.incumbent, epochs[e]);
      }
    }
    q.incumbent_test_accs = incumbent_accs;
  }
  trace_queries(r);
  return r;
}

// trajectories.csv, streamed from the runs' checkpoints in record order: the checkpoints hold
// exactly its rows, so the sweep needs no run's queries in memory to write it.
void write_trajectories_from_checkpoints(const std::string& dir, const SweepData& data) {
  AtomicFile file(dir + "/trajectories.csv");
  std::string chunk = trajectories_csv_head(data.header);
  for (const RunRecord& record : data.runs) {
    const std::string path = dir + "/" + checkpoint_path(record.label, record.run);
    append_checkpoint_rows(chunk, read_file(path), record.trace.queries, path);
    if (chunk.size() > (1u << 22)) {
      file.write(chunk);
      chunk.clear();
    }
  }
  file.write(chunk);
  file.commit();
}

// A checkpoint temporary's run index ("<run>.csv.tmp-..."), or -1 for any other name.
long checkpoint_temp_run(const std::string& file_name) {
  const std::string target = atomic_temp_target(file_name);
  if (target.size() > 4 && target.compare(target.size() - 4, 4, ".csv") == 0 &&
      target.find_first_not_of("0123456789") == target.size() - 4 && target.size() < 14) {
    return std::stol(target.substr(0, target.size() - 4));
  }
  return -1;
}

// The shard files of the folder, checked against this sweep's (ConfigError when they differ).
ShardFile check_shards(const SweepConfig& config, const Fingerprint& fingerprint,
                       const SweepRunOptions& options, std::vector<ShardFile>& existing) {
  ShardFile mine;
  mine.shard = options.shard;
  mine.nhb2_version = options.nhb2_version;
  mine.binary_checksum = options.binary_checksum.empty() ? "unknown" : options.binary_checksum;
  const std::string fingerprint_text = format_fingerprint(fingerprint);
  mine.config_checksum = to_hex(xxh3_64(fingerprint_text.data(), fingerprint_text.size()));
  existing = read_shard_files(config.output);
  check_shard_files(config.output, existing, mine);
  return mine;
}

// Creates runs/<label>/ and deletes the temporaries a killed process left: of checkpoints (with
// a shard, of its own runs only, since other shards may be writing theirs) and, without a shard,
// of the output files; nothing else is touched.
void prepare_run_folders(const SweepConfig& config, const SweepRunOptions& options) {
  const bool sharded = options.shard.count > 1;
  const fs::path out(config.output);
  const std::string where = config.output_location + ": key 'output': ";
  std::error_code ec;
  const std::size_t num_runs = static_cast<std::size_t>(config.runs);
  for (std::size_t o = 0; o < config.optimizers.size(); ++o) {
    const fs::path dir = out / "runs" / config.optimizers[o].label;
    fs::create_directories(dir, ec);
    if (ec) throw ConfigError(where + "cannot create '" + dir.string() + "': " + ec.message());
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const long run = checkpoint_temp_run(entry.path().filename().string());
      if (run < 0) continue;
      if (sharded && (static_cast<std::size_t>(run) >= num_runs ||
                      !shard_holds(options.shard, o * num_runs + static_cast<std::size_t>(run)))) {
        continue;
      }
      fs::remove(entry.path(), ec);
    }
  }
  if (sharded) return;  // the folder's own files may be in use by another shard
  static const char* const kOutputNames[] = {"trajectories.csv", "runs.csv",         "curves.csv",
                                             "summary.csv",      "summary.md",       "curves.svg",
                                             "curves.png",       "curves.gp",        "gnuplot.log",
                                             "resolved.yaml",    "sweep.fingerprint"};
  for (const auto& entry : fs::directory_iterator(out, ec)) {
    const std::string target = atomic_temp_target(entry.path().filename().string());
    for (const char* name : kOutputNames) {
      if (target == name) fs::remove(entry.path(), ec);
    }
  }
}

// Checks the folder (the config's fingerprint first, so that a changed key is named, then the
// shard files), then creates what the sweep writes into. Returns this process's shard file.
ShardFile prepare_output(const SweepConfig& config, const Fingerprint& fingerprint,
                         const std::string& resolved, const SweepRunOptions& options,
                         std::vector<ShardFile>& existing) {
  const bool sharded = options.shard.count > 1;
  const bool resume = options.resume;
  const fs::path out(config.output);
  const std::string where = config.output_location + ": key 'output': ";
  std::error_code ec;
  const fs::path fingerprint_path = out / kFingerprintFile;
  if (fs::exists(out, ec) && !fs::is_directory(out, ec)) {
    throw ConfigError(where + "'" + config.output + "' exists and is not a folder");
  }
  if (fs::exists(fingerprint_path, ec)) {
    if (!resume && !sharded && !options.merge) {
      throw ConfigError(where + "the output folder '" + config.output +
                        "' already holds a sweep; add --resume to finish (or re-report) it, or "
                        "choose another folder (--out DIR)");
    }
    const std::string changes = describe_fingerprint_changes(
        parse_fingerprint(read_file(fingerprint_path.string())), fingerprint);
    if (!changes.empty()) {
      throw ConfigError(std::string(resume ? "--resume refuses a changed config: " : "") +
                        "the sweep in '" + config.output +
                        "' was started with different settings: " + changes +
                        " (old → new). Restore them, or run the new config into another folder "
                        "(--out DIR)");
    }
  } else if (options.merge) {
    throw ConfigError(where + "--merge: '" + config.output +
                      "' holds no sweep (no sweep.fingerprint); run the shards (--shard K/N) "
                      "into it first");
  }
  const ShardFile mine = check_shards(config, fingerprint, options, existing);
  if (sharded && !resume) {
    for (const ShardFile& f : existing) {
      if (f.shard.index == options.shard.index) {
        throw ConfigError(where + "shard " + format_shard(options.shard) + " already ran in '" +
                          config.output + "' (" + shard_file_path(options.shard) +
                          "); add --resume to finish it, or choose another folder (--out DIR)");
      }
    }
  }
  if (!options.merge) {
    fs::create_directories(out, ec);
    if (ec || !fs::is_directory(out)) {
      throw ConfigError(where + "cannot create the output folder '" + config.output +
                        "': " + (ec ? ec.message() : "not a folder"));
    }
    try {
      write_file_atomic(fingerprint_path.string(), format_fingerprint(fingerprint));
    } catch (const Error& e) {
      throw ConfigError(where + "the output folder is not writable: " + e.what());
    }
    write_file_atomic((out / "resolved.yaml").string(), resolved);
  }
  if (sharded) {
    fs::create_directories(out / "shards", ec);
    if (ec)
      throw ConfigError(where + "cannot create '" + (out / "shards").string() +
                        "': " + ec.message());
    write_file_atomic((out / shard_file_path(options.shard)).string(), format_shard_file(mine));
  }
  if (!options.merge) prepare_run_folders(config, options);
  return mine;
}

}  // namespace

std::string checkpoint_path(const std::string& label, int run) {
  return "runs/" + label + "/" + std::to_string(run) + ".csv";
}

SweepHeader make_sweep_header(const SweepConfig& config, const Benchmark& benchmark) {
  SweepHeader h;
  h.data_kind = benchmark.source().kind;
  h.data_description = benchmark.source().description;
  h.data_checksum = benchmark.checksum();
  h.name = config.name;
  h.budget_seconds = config.budget_seconds;
  h.runs = config.runs;
  h.master_seed = config.master_seed;
  h.seed_policy = seed_policy_name(config.seed_policy);
  h.report_epochs = config.report_epochs;
  h.curve_points = config.curve_points;
  h.workers = config.workers;
  h.budget_kind = budget_kind_name(config.budget_kind);
  h.fidelity_cost = fidelity_cost_name(config.fidelity_cost);
  h.speed_factors = config.speed_factors;
  h.decision_time = config.decision_time;
  h.curve_axis = config.curve_axis;
  for (const auto& o : config.optimizers) h.labels.push_back(o.label);
  const TestAccuracy test_accuracy(benchmark, config.seed_policy);
  for (int e : config.report_epochs) {
    double best = -1e300;
    for (int index = 0; index < kNumConfigs; ++index) {
      best = std::max(best, test_accuracy(Config::from_index(index), e));
    }
    h.best_test_accs.push_back(best);
  }
  return h;
}

RunRecord run_sweep_task(const SweepConfig& config, const Benchmark& benchmark,
                         const Registry& registry, std::size_t job) {
  const std::size_t num_runs = static_cast<std::size_t>(config.runs);
  const SweepOptimizer& entry = config.optimizers.at(job / num_runs);
  const int run = static_cast<int>(job % num_runs);
  const std::uint64_t seed = run_seed(config.master_seed, static_cast<std::uint64_t>(run));
  RunSpec spec;
  spec.budget_seconds = config.budget_seconds;
  spec.run_seed = seed;
  spec.seed_policy = config.seed_policy;
  spec.report_epochs = config.report_epochs;
  spec.workers = entry.workers;
  spec.budget_kind = config.budget_kind;
  spec.fidelity_cost = config.fidelity_cost;
  spec.speed_factors = entry.speed_factors;
  spec.decision_time = config.decision_time;
  if (config.objectives) spec.objectives = *config.objectives;
  const RunOutcome outcome =
      run_registered(benchmark, registry, entry.optimizer, entry.params, SearchSpace(), spec, run);
  const TestAccuracy test_accuracy(benchmark, config.seed_policy);
  return make_record(entry, run, seed, outcome, config.report_epochs, test_accuracy);
}

SweepOutcome run_sweep(const SweepConfig& config, const Benchmark& benchmark,
                       const Registry& registry, const SweepRunOptions& options) {
  // Everything that can fail on bad input is checked before the first write.
  for (const auto& o : config.optimizers) registry.create(o.optimizer, o.params);
  const Fingerprint fingerprint = sweep_fingerprint(config, benchmark);
  const bool sharded = options.shard.count > 1;
  std::vector<ShardFile> shard_files;
  const ShardFile shard_file =
      prepare_output(config, fingerprint, resolved_yaml(config, benchmark, options.nhb2_version),
                     options, shard_files);

  const std::size_t num_runs = static_cast<std::size_t>(config.runs);
  const std::size_t total = config.optimizers.size() * num_runs;
  // A shard writes no outputs: its records are not kept. The others keep only their traces
  // (bounded memory, sweep_results.hpp), except for the multi-objective report, which reads
  // every query.
  std::vector<RunRecord> records(sharded ? 0 : total);
  const bool keep_queries = config.objectives.has_value();
  std::vector<std::size_t> pending;
  SweepProgress progress;
  for (std::size_t job = 0; job < total; ++job) {
    if (!shard_holds(options.shard, job)) continue;
    ++progress.total;
    const SweepOptimizer& entry = config.optimizers[job / num_runs];
    const int run = static_cast<int>(job % num_runs);
    const std::string path = config.output + "/" + checkpoint_path(entry.label, run);
    std::error_code ec;
    if ((options.resume || sharded || options.merge) && fs::exists(path, ec)) {
      try {
        RunRecord record = parse_checkpoint(read_file(path), config.report_epochs);
        if (record.label == entry.label && record.run == run &&
            record.run_seed == run_seed(config.master_seed, static_cast<std::uint64_t>(run))) {
          if (!keep_queries) drop_queries(record);
          if (!sharded) records[job] = std::move(record);
          ++progress.resumed;
          continue;
        }
      } catch (const Error&) {
        // A damaged checkpoint is simply run again.
      }
    }
    pending.push_back(job);
  }
  progress.done = progress.resumed;
  if (options.merge) {
    if (!pending.empty()) {
      throw ConfigError("--merge: cannot combine the sweep in '" + config.output +
                        "': " + missing_shards_message(shard_files, pending, total) +
                        ". Nothing was written");
    }
    // Every shard is complete, so none is writing any more.
    prepare_run_folders(config, options);
  }

  std::mutex mutex;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> started{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  if (options.on_progress) options.on_progress(progress);

  auto worker = [&](int thread) {
    while (true) {
      if (failed || (options.stop && options.stop->load())) return;
      if (started.fetch_add(1) >= options.max_new_runs) return;
      const std::size_t k = next.fetch_add(1);
      if (k >= pending.size()) return;
      const std::size_t job = pending[k];
      const SweepOptimizer& entry = config.optimizers[job / num_runs];
      const int run = static_cast<int>(job % num_runs);
      try {
        RunRecord record = options.remote_run ? options.remote_run(job, thread)
                                              : run_sweep_task(config, benchmark, registry, job);
        write_file_atomic(config.output + "/" + checkpoint_path(entry.label, run),
                          checkpoint_text(record, config.report_epochs));
        if (!keep_queries) drop_queries(record);
        std::lock_guard<std::mutex> lock(mutex);
        if (!sharded) records[job] = std::move(record);
        ++progress.done;
        if (options.on_progress) options.on_progress(progress);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) {
          // Run failures already name the optimizer, its origin and the run (driver.hpp).
          const std::string label = entry.label == entry.optimizer ? "" : entry.label + ": ";
          try {
            throw;
          } catch (const Error& e) {
            error = std::make_exception_ptr(Error(label + e.what()));
          } catch (...) {
            error = std::current_exception();
          }
        }
        failed = true;
        return;
      }
    }
  };
  int jobs =
      options.jobs > 0 ? options.jobs : static_cast<int>(std::thread::hardware_concurrency());
  jobs =
      std::max(1, std::min<int>(jobs, static_cast<int>(std::max<std::size_t>(pending.size(), 1))));
  std::vector<std::thread> threads;
  for (int t = 1; t < jobs; ++t) {
    // When the system refuses more threads, the ones already running take all the runs.
    try {
      threads.emplace_back(worker, t);
    } catch (const std::system_error&) {
      break;
    }
  }
  worker(0);
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);

  SweepOutcome outcome;
  outcome.runs_total = progress.total;
  outcome.runs_done = progress.done;
  outcome.runs_resumed = progress.resumed;
  outcome.complete = progress.done == progress.total;
  if (!outcome.complete) return outcome;
  if (sharded) {
    ShardFile finished = shard_file;
    finished.complete = true;
    write_file_atomic(config.output + "/" + shard_file_path(options.shard),
                      format_shard_file(finished));
    outcome.shard_only = true;
    return outcome;
  }

  SweepData data;
  data.header = make_sweep_header(config, benchmark);
  data.runs = std::move(records);
  // trajectories.csv (copied from the checkpoints) is written on a second thread while the
  // reports are computed from the traces (here, at get(), when no thread can be started).
  std::future<void> trajectories_written =
      std::async(std::launch::async | std::launch::deferred,
                 [&] { write_trajectories_from_checkpoints(config.output, data); });
  try {
    write_file_atomic(config.output + "/runs.csv", runs_csv(data));
    outcome.plot_warning = write_report(config.output, data, options.report).plot_warning;
    if (config.objectives) {
      const std::string warning =
          write_mo_report(config.output, data, benchmark, *config.objectives, config.seed_policy,
                          options.report.plots);
      if (outcome.plot_warning.empty()) outcome.plot_warning = warning;
    }
    write_analysis_report(config.output, data, &benchmark);
  } catch (...) {
    trajectories_written.wait();  // it reads `data`
    throw;
  }
  trajectories_written.get();
  // Combined: the folder now holds exactly what one unsharded sweep leaves.
  std::error_code ec;
  fs::remove_all(fs::path(config.output) / "shards", ec);
  return outcome;
}

}  // namespace nhb2
