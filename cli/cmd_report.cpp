// nhb2 report: recompute a sweep's curves, summary and plots from its trajectories.csv and
// runs.csv (no benchmark data needed); for a multi-objective sweep also its fronts, hypervolume
// curves and summary, which need the objective values of the data its resolved.yaml names.

#include "common.hpp"

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/file_io.hpp>
#include <nhb2/experiments/html_report.hpp>
#include <nhb2/experiments/mo_report.hpp>
#include <nhb2/experiments/report.hpp>
#include <nhb2/experiments/sweep_config.hpp>
#include <nhb2/experiments/sweep_results.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

namespace nhb2::cli {

namespace {

// The multi-objective inputs of a sweep folder: its objectives, seed policy and data, from
// resolved.yaml, when that names objectives (a single-objective folder is not read further, so
// its report never depends on the data or the plug-ins being found again).
struct MoInputs {
  SweepConfig config;
  Benchmark benchmark;
};

// Whether resolved.yaml names objectives (a top-level `objectives:` key).
bool names_objectives(const std::string& dir) {
  const std::string resolved = dir + "/resolved.yaml";
  if (!std::filesystem::exists(resolved)) return false;
  const std::string text = read_file(resolved);
  return text.rfind("objectives:", 0) == 0 || text.find("\nobjectives:") != std::string::npos;
}

// `multi_objective`: names_objectives(dir), read once by the caller.
std::optional<MoInputs> multi_objective_inputs(const std::string& dir, const SweepData& data,
                                               bool multi_objective) {
  if (!multi_objective) return std::nullopt;
  const std::string resolved = dir + "/resolved.yaml";
  const Registry registry = load_sweep_plugins(resolved, builtin_optimizers());
  SweepConfig config = load_sweep_config(resolved, registry);
  if (!config.objectives) return std::nullopt;
  Benchmark benchmark = load_sweep_benchmark(config.data);
  if (benchmark.checksum() != data.header.data_checksum) {
    throw DataError(resolved + ": its data (" + benchmark.source().description +
                    ", table checksum " + benchmark.checksum() +
                    ") is not the data the sweep ran on (checksum " + data.header.data_checksum +
                    " in runs.csv); the multi-objective outputs need the same data");
  }
  return MoInputs{std::move(config), std::move(benchmark)};
}

}  // namespace

int run_report(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("dir", po::value<std::string>()->value_name("DIR"),
                        "a sweep's output folder")("no-plots", "do not run gnuplot");
  po::positional_options_description positional;
  positional.add("dir", 1);
  po::variables_map vm;
  if (!parse_options("report", "DIR", options, positional, args, vm)) return 0;
  if (!vm.count("dir")) {
    throw InvalidArgument("nhb2 report needs the output folder of a sweep: nhb2 report DIR");
  }
  const std::string dir = vm["dir"].as<std::string>();
  if (std::filesystem::is_directory(dir + "/shards") &&
      !std::filesystem::exists(dir + "/runs.csv")) {
    throw DataError("'" + dir +
                    "' holds the shards of a sweep, not yet combined: run nhb2 sweep "
                    "CONFIG --merge --out " +
                    dir + " (docs/sweeps.md)");
  }
  // The single-objective reports read only the incumbent traces; the multi-objective fronts and
  // hypervolume curves read every query.
  const bool multi_objective = names_objectives(dir);
  const SweepData data = read_sweep_results(dir, /*keep_queries=*/multi_objective);
  ReportOptions report_options;
  report_options.plots = vm.count("no-plots") == 0;
  if (const char* gnuplot = std::getenv("NHB2_GNUPLOT"); gnuplot && *gnuplot) {
    report_options.gnuplot = gnuplot;
  }
  // Everything is read and checked before anything is written.
  const std::optional<MoInputs> mo = multi_objective_inputs(dir, data, multi_objective);
  // The multi-objective files first: report.html shows them.
  std::string mo_warning;
  if (mo) {
    mo_warning = write_mo_report(dir, data, mo->benchmark, *mo->config.objectives,
                                 mo->config.seed_policy, report_options.plots);
  }
  write_analysis_report(dir, data, nullptr);
  const ReportOutcome outcome = write_report(dir, data, report_options);
  if (!outcome.plot_warning.empty()) {
    std::fprintf(stderr, "nhb2: warning: %s\n", outcome.plot_warning.c_str());
  }
  if (!mo_warning.empty() && mo_warning != outcome.plot_warning) {
    std::fprintf(stderr, "nhb2: warning: %s\n", mo_warning.c_str());
  }
  std::cout << read_file(dir + "/summary.md");
  if (mo) std::cout << "\n" << read_file(dir + "/mo_summary.md");
  std::cout << "\nwrote " << dir << "/{curves.csv, summary.md, summary.csv"
            << (outcome.plot_warning.empty() && report_options.plots ? ", curves.svg, curves.png"
                                                                     : "")
            << ", regret.csv, trajectory_regret.csv, regret_curves.csv, statistics.md, report.html";
  if (mo) {
    std::cout << ", exact_front.csv, fronts.csv, hypervolume_curves.csv, mo_summary.csv, "
                 "mo_summary.md"
              << (mo_warning.empty() && report_options.plots ? ", fronts.svg, fronts.png" : "");
  }
  std::cout << "}\n";
  return 0;
}

}  // namespace nhb2::cli
