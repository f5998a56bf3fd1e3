// nhb2 export: the benchmark table as long-form CSV (for analysis) or in the authors' pickle
// layout (bench12.pkl, cellinfo.pkl, avgaccs200.pkl; `nhb2 import` reads it back identically).

#include "common.hpp"

#include <nhb2/benchmark_api/official_export.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/file_io.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace nhb2::cli {

int run_export(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()("format", po::value<std::string>()->required()->value_name("F"),
                        "csv (long form, one row per class, hp, seed, epoch) or pickle-layout")(
      "out", po::value<std::string>()->value_name("PATH"),
      "csv: output file (default: standard output); pickle-layout: output folder (required)")(
      "per-cellcode", "csv: one row block per cellcode (4096) instead of per class");
  add_data_options(options);
  po::variables_map vm;
  if (!parse_options("export", "--format csv|pickle-layout [--out PATH] [--data FILE]", options, {},
                     args, vm)) {
    return 0;
  }
  const std::string format = vm["format"].as<std::string>();
  if (format != "csv" && format != "pickle-layout") {
    throw InvalidArgument("--format '" + format + "' is unknown; allowed: csv, pickle-layout");
  }
  if (vm.count("per-cellcode") && format != "csv") {
    throw InvalidArgument("--per-cellcode applies only to --format csv");
  }
  const std::string out = vm.count("out") ? vm["out"].as<std::string>() : "";
  if (format == "pickle-layout" && out.empty()) {
    throw InvalidArgument("--format pickle-layout needs --out DIR");
  }
  const Benchmark benchmark = load_benchmark(vm);
  const Table& table = benchmark.table();

  if (format == "pickle-layout") {
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    write_pickle_layout(table, out);
    std::cerr << "wrote " << out << "/{bench12,cellinfo,avgaccs200}.pkl from "
              << table.source().description << " (checksum " << benchmark.checksum() << ")\n";
    return 0;
  }
  CsvOptions csv;
  csv.per_cellcode = vm.count("per-cellcode") > 0;
  if (out.empty()) {
    if (!write_csv(table, stdout, csv)) throw Error("cannot write the CSV to standard output");
    return 0;
  }
  write_file_atomic(out, [&](std::FILE* file) { return write_csv(table, file, csv); });
  std::cerr << "wrote " << out << ": " << csv_row_count(table, csv) << " rows from "
            << table.source().description << " (checksum " << benchmark.checksum() << ")\n";
  return 0;
}

}  // namespace nhb2::cli
