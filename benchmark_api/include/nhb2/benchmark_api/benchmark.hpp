#pragma once
// The benchmark oracle: an immutable, thread-safe view of one Table.
//
// A Benchmark has no mutable state; copies share the table. Queries here are pure look-ups with
// the exact semantics of the reference API (README, "The search space and the query semantics");
// logging, incumbents and budgets belong to a Session (session.hpp).
//
//   accuracy(config, mode, iepoch, seed_index)  {mode}_acc_{iepoch-1} of (class, lr, bs, seed)
//   cost(config, mode, iepoch, seed_index)      iepoch = 12: train → total_train_time,
//       valid → total_trainval_time, test → total_trainval_time + total_test_time;
//       iepoch < 12: the sum, in this order, of train_time_i (i < iepoch), then valid_time_i
//       (valid, test), then test_time_i (test) — the reference's summation order, bit for bit
//   avg_acc_200(config)                         the surrogate's expected 200-epoch test accuracy

#include <nhb2/benchmark_api/table.hpp>
#include <nhb2/core/config.hpp>

#include <memory>
#include <string>

namespace nhb2 {

enum class Mode { train = 0, valid = 1, test = 2 };
const char* mode_name(Mode mode);
// "train", "valid" or "test"; throws InvalidArgument naming the value and the allowed ones.
Mode parse_mode(const std::string& text);

class Benchmark {
 public:
  // The built-in synthetic benchmark (synthetic.hpp) for the given generator seed: the default
  // benchmark of every front end. Read from the per-user cache of synthetic_cache.hpp when it
  // holds a valid copy, else generated (and stored there); when the cache cannot be used, a
  // one-line warning goes to stderr and the table is generated in memory.
  static Benchmark synthetic(std::uint64_t seed);
  // The same, always generated in memory (no cache).
  static Benchmark generate_synthetic(std::uint64_t seed);
  // Opens a .nhb2 file. Throws DataError for a missing, unreadable, truncated or corrupt file.
  static Benchmark open(const std::string& path);
  // Takes ownership of a table; validates it (DataError).
  explicit Benchmark(Table table);

  const Table& table() const { return *table_; }
  const DataSource& source() const { return table_->source(); }
  // Content checksum of the table (hex): computed on the first call (it hashes every value, and
  // a process that only queries never needs it), then kept; thread-safe, shared by copies.
  const std::string& checksum() const;

  const std::vector<int>& seeds() const { return table_->seeds(); }
  // Index of a recorded seed; throws InvalidArgument listing the recorded seeds.
  int seed_index(int seed) const;

  int class_of(const Config& config) const { return class_of_cell_[config.cell_index()]; }

  // Preconditions (checked by Session and the CLI): 1 <= iepoch <= 12, 0 <= seed_index < seeds.
  double accuracy(const Config& config, Mode mode, int iepoch, int seed_index) const {
    const std::size_t row = run_row(config, seed_index) * kEpochsPerRun + (iepoch - 1);
    return accuracy_[static_cast<int>(mode)][row];
  }
  double cost(const Config& config, Mode mode, int iepoch, int seed_index) const;
  // accuracy(config, mode, 12, seed_index) and cost(config, mode, 12, seed_index) with one row
  // computation: the hot path of a logged query.
  void full_fidelity(const Config& config, Mode mode, int seed_index, double& accuracy,
                     double& cost) const {
    const std::size_t run = run_row(config, seed_index);
    accuracy = accuracy_[static_cast<int>(mode)][run * kEpochsPerRun + (kEpochsPerRun - 1)];
    cost = mode == Mode::train ? total_train_time_[run] : total_trainval_time_[run];
    if (mode == Mode::test) cost += total_test_time_[run];
  }
  double avg_acc_200(const Config& config) const {
    return avg_acc_200_[table_->config_row(class_of(config), config.hp_index())];
  }

 private:
  // Table::run_row of the config's class and hp, from the cached members below.
  std::size_t run_row(const Config& config, int seed_index) const {
    const std::size_t config_row =
        static_cast<std::size_t>(class_of(config)) * kNumHyperparameterPairs + config.hp_index();
    return config_row * num_seeds_ + static_cast<std::size_t>(seed_index);
  }

  struct LazyChecksum;
  std::shared_ptr<const Table> table_;
  std::shared_ptr<LazyChecksum> checksum_;
  // Cached from *table_ for the hot path: no indirection through the table.
  const std::int16_t* class_of_cell_ = nullptr;
  std::size_t num_seeds_ = 0;
  const double* accuracy_[3] = {};
  const double* epoch_time_[3] = {};
  const double* total_train_time_ = nullptr;
  const double* total_trainval_time_ = nullptr;
  const double* total_test_time_ = nullptr;
  const double* avg_acc_200_ = nullptr;
};

}  // namespace nhb2
