// nhb2 import: convert the authors' pickle files (bench12.pkl, cellinfo.pkl, avgaccs200.pkl) into
// a .nhb2 file. Default output: DIR/nashpobench2.nhb2, beside the files it comes from.

#include "common.hpp"

#include <nhb2/benchmark_api/nhb2_file.hpp>
#include <nhb2/benchmark_api/official_import.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace nhb2::cli {

int run_import(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("dir", po::value<std::string>()->required()->value_name("DIR"),
                        "folder with bench12.pkl, cellinfo.pkl and avgaccs200.pkl")(
      "out", po::value<std::string>()->value_name("FILE"),
      "output .nhb2 file (default: DIR/nashpobench2.nhb2)")("quiet",
                                                            "no progress line, even on a terminal");
  po::positional_options_description positional;
  positional.add("dir", 1);
  po::variables_map vm;
  if (!parse_options("import", "DIR [--out FILE]", options, positional, args, vm)) return 0;
  const std::string dir = vm["dir"].as<std::string>();
  const std::string out = vm.count("out")
                              ? vm["out"].as<std::string>()
                              : (std::filesystem::path(dir) / "nashpobench2.nhb2").string();

  const auto start = std::chrono::steady_clock::now();
  const bool show_progress = !vm.count("quiet") && ::isatty(STDERR_FILENO);
  ImportOptions import_options;
  std::string last_stage;
  int last_percent = -1;
  if (show_progress) {
    import_options.progress = [&](const std::string& stage, double fraction) {
      const int percent = static_cast<int>(fraction * 100.0);
      if (stage == last_stage && percent == last_percent) return;
      last_stage = stage;
      last_percent = percent;
      std::fprintf(stderr, "\rimport: %3d%%  %-40s", percent, stage.c_str());
      std::fflush(stderr);
    };
  }
  ImportReport report;
  Table table = [&] {
    try {
      return import_official(dir, import_options, &report);
    } catch (...) {
      if (show_progress) std::fprintf(stderr, "\n");
      throw;
    }
  }();
  if (show_progress) std::fprintf(stderr, "\rimport: writing %-40s", out.c_str());
  try {
    write_nhb2(table, out);
  } catch (...) {
    if (show_progress) std::fprintf(stderr, "\n");
    throw;
  }
  if (show_progress) std::fprintf(stderr, "\r%-60s\r", "");
  for (const auto& warning : report.warnings) std::cerr << "nhb2: warning: " << warning << "\n";

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string seeds;
  for (const int seed : table.seeds()) seeds += (seeds.empty() ? "" : " ") + std::to_string(seed);
  std::string extras;
  for (const auto& name : report.extra_columns) extras += (extras.empty() ? "" : ", ") + name;
  std::cout << "wrote " << out << ": " << table.source().description << "\n"
            << "  classes: " << table.num_classes() << ", seeds: " << seeds
            << ", extra columns: " << (extras.empty() ? "none" : extras) << "\n"
            << "  checksum " << table.checksum() << ", " << report.warnings.size()
            << " warning(s), " << format_fixed(seconds, 2) << " s\n";
  return 0;
}

}  // namespace nhb2::cli
