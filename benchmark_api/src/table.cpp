#include <nhb2/benchmark_api/table.hpp>

#include <nhb2/core/error.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/core/hash.hpp>

namespace nhb2 {

namespace {

const char* const kStandardPerEpoch[] = {columns::kTrainAcc,  columns::kValidAcc,
                                         columns::kTestAcc,   columns::kTrainTime,
                                         columns::kValidTime, columns::kTestTime};
const char* const kStandardPerRun[] = {columns::kTotalTrainTime, columns::kTotalTrainvalTime,
                                       columns::kTotalTestTime};

}  // namespace

const char* column_kind_name(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::per_epoch:
      return "per_epoch";
    case ColumnKind::per_run:
      return "per_run";
    case ColumnKind::per_config:
      return "per_config";
  }
  return "?";
}

Table::Table(int num_classes, std::vector<int> seeds, std::vector<Column> columns)
    : num_classes_(num_classes),
      seeds_(std::move(seeds)),
      cell_hash_(kNumCells),
      columns_(std::move(columns)) {
  class_of_cell_.fill(-1);
}

Table::Table(int num_classes, std::vector<int> seeds)
    : num_classes_(num_classes), seeds_(std::move(seeds)), cell_hash_(kNumCells) {
  class_of_cell_.fill(-1);
  for (const char* name : kStandardPerEpoch) add_column(name, ColumnKind::per_epoch);
  for (const char* name : kStandardPerRun) add_column(name, ColumnKind::per_run);
  add_column(columns::kAvgAcc200, ColumnKind::per_config);
}

std::size_t Table::num_rows(ColumnKind kind) const {
  const std::size_t configs = static_cast<std::size_t>(num_classes_) * kNumHyperparameterPairs;
  switch (kind) {
    case ColumnKind::per_config:
      return configs;
    case ColumnKind::per_run:
      return configs * seeds_.size();
    case ColumnKind::per_epoch:
      return configs * seeds_.size() * kEpochsPerRun;
  }
  return 0;
}

Column& Table::add_column(const std::string& name, ColumnKind kind) {
  if (find(name)) throw Error("column '" + name + "' already exists");
  columns_.push_back(Column{name, kind, ColumnValues(num_rows(kind), 0.0)});
  return columns_.back();
}

Column* Table::find(const std::string& name) {
  for (auto& column : columns_) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

const Column* Table::find(const std::string& name) const {
  for (const auto& column : columns_) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

const Column& Table::at(const std::string& name) const {
  const Column* column = find(name);
  if (!column) throw DataError("the benchmark table has no column '" + name + "'");
  return *column;
}

void Table::validate() const {
  if (num_classes_ <= 0 || num_classes_ > kNumCells) {
    throw DataError("the table has " + std::to_string(num_classes_) + " classes; allowed: 1.." +
                    std::to_string(kNumCells));
  }
  if (seeds_.empty()) throw DataError("the table has no seeds");
  std::vector<bool> used(num_classes_, false);
  for (int cell = 0; cell < kNumCells; ++cell) {
    const int c = class_of_cell_[cell];
    if (c < 0 || c >= num_classes_) {
      throw DataError("cellcode " + format_cellcode(cell) + " is mapped to class " +
                      std::to_string(c) + "; allowed: 0.." + std::to_string(num_classes_ - 1));
    }
    used[c] = true;
  }
  for (int c = 0; c < num_classes_; ++c) {
    if (!used[c]) throw DataError("class " + std::to_string(c) + " has no cellcode");
  }
  if (cell_hash_.size() != static_cast<std::size_t>(kNumCells)) {
    throw DataError("the table has " + std::to_string(cell_hash_.size()) +
                    " cell hashes; expected 4096");
  }
  for (const char* name : kStandardPerEpoch) at(name);
  for (const char* name : kStandardPerRun) at(name);
  at(columns::kAvgAcc200);
  for (const auto& column : columns_) {
    if (column.values.size() != num_rows(column.kind)) {
      throw DataError("column '" + column.name + "' has " + std::to_string(column.values.size()) +
                      " values; expected " + std::to_string(num_rows(column.kind)));
    }
  }
}

std::string Table::checksum() const {
  // The canonical byte layout of docs/data-format.md ("Table checksum"), little-endian, fed to
  // XXH3-64 piece by piece (the columns are never copied).
  Xxh3Stream hash;
  const auto u32 = [&](std::uint32_t value) { hash.update(&value, sizeof value); };
  const auto u64 = [&](std::uint64_t value) { hash.update(&value, sizeof value); };
  const auto text = [&](const std::string& value) {
    u32(static_cast<std::uint32_t>(value.size()));
    hash.update(value.data(), value.size());
  };
  u32(static_cast<std::uint32_t>(num_classes_));
  u32(static_cast<std::uint32_t>(seeds_.size()));
  for (const int seed : seeds_) u32(static_cast<std::uint32_t>(static_cast<std::int32_t>(seed)));
  hash.update(class_of_cell_.data(), sizeof class_of_cell_);
  for (const auto& cell_hash : cell_hash_) text(cell_hash);
  u32(static_cast<std::uint32_t>(columns_.size()));
  for (const auto& column : columns_) {
    text(column.name);
    const auto kind = static_cast<std::uint8_t>(column.kind);
    hash.update(&kind, 1);
    u64(column.values.size());
    hash.update(column.values.data(), column.values.size() * sizeof(double));
  }
  return to_hex(hash.digest());
}

}  // namespace nhb2
