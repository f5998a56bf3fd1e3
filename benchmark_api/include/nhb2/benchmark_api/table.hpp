#pragma once
// The benchmark data: one dense, immutable table of doubles.
//
// Rows are indexed by (class, hp, seed[, epoch]) where class is the table's class of a cellcode
// (0 .. num_classes-1), hp = lr_index × 6 + bs_index (0 .. 47), seed indexes seeds() and epoch
// is 0 .. 11. Three column kinds:
//   per_epoch   one value per (class, hp, seed, epoch)  e.g. valid_acc, train_time
//   per_run     one value per (class, hp, seed)         e.g. total_trainval_time
//   per_config  one value per (class, hp)               e.g. avg_acc_200
// The standard columns (kStandard*) are always present; a source may carry more (losses,
// params, FLOPs), which are kept under their own names.
// Accuracies are percent, times seconds, as stored by the source (never recomputed).

#include <nhb2/benchmark_api/column_values.hpp>
#include <nhb2/core/cell.hpp>
#include <nhb2/core/config.hpp>
#include <nhb2/core/constants.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nhb2 {

constexpr int kEpochsPerRun = kMaxEpochs;
constexpr std::array<int, 3> kReferenceSeeds = {222, 555, 888};

enum class ColumnKind : std::uint8_t { per_epoch = 0, per_run = 1, per_config = 2 };
const char* column_kind_name(ColumnKind kind);

struct Column {
  std::string name;
  ColumnKind kind = ColumnKind::per_epoch;
  ColumnValues values;
};

// Standard column names.
namespace columns {
inline const char* const kTrainAcc = "train_acc";
inline const char* const kValidAcc = "valid_acc";
inline const char* const kTestAcc = "test_acc";
inline const char* const kTrainTime = "train_time";
inline const char* const kValidTime = "valid_time";
inline const char* const kTestTime = "test_time";
inline const char* const kTotalTrainTime = "total_train_time";
inline const char* const kTotalTrainvalTime = "total_trainval_time";
inline const char* const kTotalTestTime = "total_test_time";
inline const char* const kAvgAcc200 = "avg_acc_200";
}  // namespace columns

// Where the table came from; printed in every output.
struct DataSource {
  std::string kind;         // "synthetic" or "official"
  std::string description;  // e.g. "synthetic (generator v1, seed 1)" or the import folder
};

class Table {
 public:
  // An empty table: num_classes classes, the given seeds, all standard columns zero-filled,
  // class_of_cell and cell_hash unset (-1 / empty).
  Table(int num_classes, std::vector<int> seeds);
  // A table with exactly these columns, in this order (no zero-filled standard columns are
  // allocated): for readers whose columns already exist, such as views of a mapped .nhb2 file.
  // class_of_cell and cell_hash are unset as above; validate() checks the columns.
  Table(int num_classes, std::vector<int> seeds, std::vector<Column> columns);

  int num_classes() const { return num_classes_; }
  int num_seeds() const { return static_cast<int>(seeds_.size()); }
  const std::vector<int>& seeds() const { return seeds_; }

  std::size_t num_rows(ColumnKind kind) const;
  std::size_t config_row(int class_index, int hp_index) const {
    return static_cast<std::size_t>(class_index) * kNumHyperparameterPairs + hp_index;
  }
  std::size_t run_row(int class_index, int hp_index, int seed_index) const {
    return config_row(class_index, hp_index) * seeds_.size() + seed_index;
  }
  std::size_t epoch_row(int class_index, int hp_index, int seed_index, int epoch) const {
    return run_row(class_index, hp_index, seed_index) * kEpochsPerRun + epoch;
  }

  // Per-cellcode data: the table class (row block) of each of the 4096 cellcodes and the
  // source's hash text of its class.
  std::array<std::int16_t, kNumCells>& class_of_cell() { return class_of_cell_; }
  const std::array<std::int16_t, kNumCells>& class_of_cell() const { return class_of_cell_; }
  std::vector<std::string>& cell_hash() { return cell_hash_; }
  const std::vector<std::string>& cell_hash() const { return cell_hash_; }

  // Adds a zero-filled column; throws Error if the name exists.
  Column& add_column(const std::string& name, ColumnKind kind);
  Column* find(const std::string& name);
  const Column* find(const std::string& name) const;
  // Throws DataError naming the missing column.
  const Column& at(const std::string& name) const;
  const std::vector<Column>& columns() const { return columns_; }
  std::vector<Column>& columns() { return columns_; }

  DataSource& source() { return source_; }
  const DataSource& source() const { return source_; }

  // Structural check (dimensions, every cellcode mapped to a valid class, every class used,
  // standard columns present with the right sizes). Throws DataError saying what is wrong.
  void validate() const;

  // Content checksum of everything above except the source: XXH3-64 of the canonical byte layout
  // specified in docs/data-format.md ("Table checksum"), as 16 lowercase hex digits.
  std::string checksum() const;

 private:
  int num_classes_ = 0;
  std::vector<int> seeds_;
  std::array<std::int16_t, kNumCells> class_of_cell_{};
  std::vector<std::string> cell_hash_;
  std::vector<Column> columns_;
  DataSource source_;
};

}  // namespace nhb2
