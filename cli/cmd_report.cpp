// nhb2 report: recompute a sweep's curves, summary and plots from its trajectories.csv and
// runs.csv (no benchmark data needed).

#include "common.hpp"

#include <nhb2/core/error.hpp>
#include <nhb2/core/file_io.hpp>
#include <nhb2/experiments/html_report.hpp>
#include <nhb2/experiments/report.hpp>
#include <nhb2/experiments/sweep_results.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace nhb2::cli {

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
  // The queries themselves are not needed: the traces hold what the report reads.
  const SweepData data = read_sweep_results(dir, /*keep_queries=*/false);
  ReportOptions report_options;
  report_options.plots = vm.count("no-plots") == 0;
  if (const char* gnuplot = std::getenv("NHB2_GNUPLOT"); gnuplot && *gnuplot) {
    report_options.gnuplot = gnuplot;
  }
  write_analysis_report(dir, data, nullptr);
  const ReportOutcome outcome = write_report(dir, data, report_options);
  if (!outcome.plot_warning.empty()) {
    std::fprintf(stderr, "nhb2: warning: %s\n", outcome.plot_warning.c_str());
  }
  std::cout << read_file(dir + "/summary.md");
  std::cout
      << "\nwrote " << dir << "/{curves.csv, summary.md, summary.csv"
      << (outcome.plot_warning.empty() && report_options.plots ? ", curves.svg, curves.png" : "")
      << ", regret.csv, trajectory_regret.csv, regret_curves.csv, statistics.md, report.html}\n";
  return 0;
}

}  // namespace nhb2::cli
