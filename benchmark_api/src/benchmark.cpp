#include <nhb2/benchmark_api/benchmark.hpp>

#include <nhb2/benchmark_api/nhb2_file.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/benchmark_api/synthetic_cache.hpp>
#include <nhb2/core/error.hpp>

#include <cstdio>
#include <mutex>

namespace nhb2 {

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::train:
      return "train";
    case Mode::valid:
      return "valid";
    case Mode::test:
      return "test";
  }
  return "?";
}

Mode parse_mode(const std::string& text) {
  if (text == "train") return Mode::train;
  if (text == "valid") return Mode::valid;
  if (text == "test") return Mode::test;
  throw InvalidArgument("mode '" + text + "' is not allowed; allowed: train, valid, test");
}

Benchmark Benchmark::synthetic(std::uint64_t seed) {
  if (synthetic_cache_disabled()) return generate_synthetic(seed);
  SyntheticLoad load = load_synthetic_table(seed, synthetic_cache_dir());
  if (!load.warning.empty()) std::fprintf(stderr, "nhb2: warning: %s\n", load.warning.c_str());
  return Benchmark(std::move(load.table));
}

Benchmark Benchmark::generate_synthetic(std::uint64_t seed) {
  return Benchmark(make_synthetic_table(seed));
}

Benchmark Benchmark::open(const std::string& path) {
  return Benchmark(read_nhb2(path));
}

struct Benchmark::LazyChecksum {
  std::once_flag once;
  std::string value;
};

Benchmark::Benchmark(Table table) {
  table.validate();
  table_ = std::make_shared<const Table>(std::move(table));
  checksum_ = std::make_shared<LazyChecksum>();
  class_of_cell_ = table_->class_of_cell().data();
  num_seeds_ = table_->seeds().size();
  accuracy_[0] = table_->at(columns::kTrainAcc).values.data();
  accuracy_[1] = table_->at(columns::kValidAcc).values.data();
  accuracy_[2] = table_->at(columns::kTestAcc).values.data();
  epoch_time_[0] = table_->at(columns::kTrainTime).values.data();
  epoch_time_[1] = table_->at(columns::kValidTime).values.data();
  epoch_time_[2] = table_->at(columns::kTestTime).values.data();
  total_train_time_ = table_->at(columns::kTotalTrainTime).values.data();
  total_trainval_time_ = table_->at(columns::kTotalTrainvalTime).values.data();
  total_test_time_ = table_->at(columns::kTotalTestTime).values.data();
  avg_acc_200_ = table_->at(columns::kAvgAcc200).values.data();
}

const std::string& Benchmark::checksum() const {
  std::call_once(checksum_->once, [this] { checksum_->value = table_->checksum(); });
  return checksum_->value;
}

int Benchmark::seed_index(int seed) const {
  const auto& seeds = table_->seeds();
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    if (seeds[i] == seed) return static_cast<int>(i);
  }
  std::string allowed;
  for (int s : seeds) allowed += (allowed.empty() ? "" : ", ") + std::to_string(s);
  throw InvalidArgument("seed " + std::to_string(seed) + " is not recorded; allowed: " + allowed);
}

double Benchmark::cost(const Config& config, Mode mode, int iepoch, int seed_index) const {
  const std::size_t run = run_row(config, seed_index);
  if (iepoch == kEpochsPerRun) {
    switch (mode) {
      case Mode::train:
        return total_train_time_[run];
      case Mode::valid:
        return total_trainval_time_[run];
      case Mode::test:
        return total_trainval_time_[run] + total_test_time_[run];
    }
  }
  // Left to right in the reference's order: all train times, then valid, then test.
  const std::size_t first = run * kEpochsPerRun;
  double sum = 0.0;
  for (int m = 0; m <= static_cast<int>(mode); ++m) {
    const double* times = epoch_time_[m] + first;
    for (int i = 0; i < iepoch; ++i) sum += times[i];
  }
  return sum;
}

}  // namespace nhb2
