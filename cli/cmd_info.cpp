// nhb2 info: what data is loaded and what it holds.

#include "common.hpp"
#include "json.hpp"

#include <nhb2/benchmark_api/nhb2_file.hpp>
#include <nhb2/core/config.hpp>
#include <nhb2/core/constants.hpp>

#include <algorithm>
#include <iostream>
#include <limits>

namespace nhb2::cli {

namespace {

struct Range {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
};

Range range_of(const ColumnValues& values, std::size_t stride = 1, std::size_t offset = 0) {
  Range range;
  for (std::size_t i = offset; i < values.size(); i += stride) {
    range.min = std::min(range.min, values[i]);
    range.max = std::max(range.max, values[i]);
  }
  return range;
}

Json range_json(const Range& range) {
  return {{"min", range.min}, {"max", range.max}};
}

Json info_json(const Benchmark& benchmark, const po::variables_map& vm, const Range& final_valid,
               const Range& cost) {
  const Table& table = benchmark.table();
  Json document = data_json(benchmark, vm);
  document["num_cellcodes"] = kNumCells;
  document["num_classes"] = table.num_classes();
  document["learning_rates"] = kLearningRates;
  document["batch_sizes"] = kBatchSizes;
  document["num_configs"] = kNumConfigs;
  document["seeds"] = table.seeds();
  document["epochs_per_run"] = kEpochsPerRun;
  document["surrogate_epochs"] = 200;
  Json& columns = document["columns"] = Json::array();
  for (const auto& column : table.columns()) {
    const Range all = range_of(column.values);
    columns.push_back({{"name", column.name},
                       {"kind", column_kind_name(column.kind)},
                       {"min", all.min},
                       {"max", all.max}});
  }
  document["valid_acc_12"] = range_json(final_valid);
  document["cost_seconds"] = range_json(cost);
  return document;
}

}  // namespace

int run_info(const std::vector<std::string>& args) {
  po::options_description options("options");
  add_data_options(options);
  add_json_option(options);
  po::variables_map vm;
  if (!parse_options("info", "[--data FILE] [--json]", options, {}, args, vm)) return 0;
  const Benchmark benchmark = load_benchmark(vm);
  const Table& table = benchmark.table();
  const Range final_valid =
      range_of(table.at(columns::kValidAcc).values, kEpochsPerRun, kEpochsPerRun - 1);
  const Range cost = range_of(table.at(columns::kTotalTrainvalTime).values);
  if (json_requested(vm)) {
    print_json(info_json(benchmark, vm, final_valid, cost));
    return 0;
  }

  std::cout << "source:        " << benchmark.source().kind << "\n"
            << "description:   " << benchmark.source().description << "\n"
            << "checksum:      " << benchmark.checksum() << "\n";
  if (const std::string path = data_file(vm); !path.empty()) {
    // Benchmark::open has verified this checksum; xxhsum can check it again independently.
    const Nhb2FileInfo file = inspect_nhb2(path);
    std::cout << "file:          " << path << " (.nhb2 version " << file.version << ")\n"
              << "file checksum: " << file.stored_checksum_hex();
    if (file.version == kNhb2FormatVersion) {
      std::cout << " (XXH3-64 of the bytes after the " << kNhb2HeaderSize
                << "-byte header; check: tail -c +" << kNhb2HeaderSize + 1 << " " << path
                << " | xxhsum -H3)";
    } else {
      std::cout << " (legacy version-" << file.version << " hash)";
    }
    std::cout << "\n";
  }
  std::cout << "cellcodes:     " << kNumCells << " (" << table.num_classes()
            << " unique cells trained)\n"
            << "learning rates: " << allowed_learning_rates() << "\n"
            << "batch sizes:   " << allowed_batch_sizes() << "\n"
            << "configurations: " << kNumConfigs << "\n"
            << "seeds:         ";
  for (std::size_t i = 0; i < table.seeds().size(); ++i) {
    std::cout << (i ? ", " : "") << table.seeds()[i];
  }
  std::cout << "\nepochs:        " << kMaxEpochs << " (per-epoch data), " << kSurrogateEpoch
            << " (surrogate avg_acc_200)\n"
            << "columns:\n";
  for (const auto& column : table.columns()) {
    const Range all = range_of(column.values);
    std::cout << "  " << column.name
              << std::string(column.name.size() < 22 ? 22 - column.name.size() : 1, ' ')
              << column_kind_name(column.kind) << "  [" << format_fixed(all.min, 3) << ", "
              << format_fixed(all.max, 3) << "]\n";
  }
  std::cout << "12-epoch valid accuracy: " << format_fixed(final_valid.min, 2) << " .. "
            << format_fixed(final_valid.max, 2) << " %\n"
            << "train+valid cost:        " << format_fixed(cost.min, 1) << " .. "
            << format_fixed(cost.max, 1) << " s\n";
  return 0;
}

}  // namespace nhb2::cli
