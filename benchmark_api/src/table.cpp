#include <nhb2/benchmark_api/table.hpp>

#include <nhb2/core/error.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace nhb2 {

namespace {

constexpr std::uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t kPrime3 = 0x165667B19E3779F9ULL;

inline std::uint64_t rotate_left(std::uint64_t x, int r) {
  return (x << r) | (x >> (64 - r));
}
inline std::uint64_t round_step(std::uint64_t accumulator, std::uint64_t input) {
  accumulator += input * kPrime2;
  return rotate_left(accumulator, 31) * kPrime1;
}
inline std::uint64_t load64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

const char* const kStandardPerEpoch[] = {columns::kTrainAcc,  columns::kValidAcc,
                                         columns::kTestAcc,   columns::kTrainTime,
                                         columns::kValidTime, columns::kTestTime};
const char* const kStandardPerRun[] = {columns::kTotalTrainTime, columns::kTotalTrainvalTime,
                                       columns::kTotalTestTime};

}  // namespace

std::uint64_t hash_bytes(const void* data, std::size_t size, std::uint64_t seed) {
  // Four independent lanes over 32-byte stripes (fast: several GB/s), then a tail and an
  // avalanche. The byte order of the input is what is hashed; callers hash little-endian data.
  const auto* p = static_cast<const unsigned char*>(data);
  const unsigned char* const end = p + size;
  std::uint64_t lanes[4] = {seed + kPrime1 + kPrime2, seed + kPrime2, seed, seed - kPrime1};
  while (end - p >= 32) {
    for (int lane = 0; lane < 4; ++lane)
      lanes[lane] = round_step(lanes[lane], load64(p + 8 * lane));
    p += 32;
  }
  std::uint64_t h = rotate_left(lanes[0], 1) + rotate_left(lanes[1], 7) +
                    rotate_left(lanes[2], 12) + rotate_left(lanes[3], 18);
  h += static_cast<std::uint64_t>(size);
  while (end - p >= 8) {
    h ^= round_step(0, load64(p));
    h = rotate_left(h, 27) * kPrime1 + kPrime3;
    p += 8;
  }
  while (p < end) {
    h ^= (*p) * kPrime3;
    h = rotate_left(h, 11) * kPrime1;
    ++p;
  }
  h ^= h >> 33;
  h *= kPrime2;
  h ^= h >> 29;
  h *= kPrime3;
  h ^= h >> 32;
  return h;
}

void* allocate_column_memory(std::size_t bytes) {
  constexpr std::size_t kHugePage = std::size_t{1} << 21;
  if (bytes < kHugePage) {
    void* pointer = std::malloc(bytes == 0 ? 1 : bytes);
    if (!pointer) throw std::bad_alloc();
    return pointer;
  }
  const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* pointer = std::aligned_alloc(kHugePage, rounded);
  if (!pointer) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  ::madvise(pointer, rounded, MADV_HUGEPAGE);  // advice only: failure changes nothing
#endif
  return pointer;
}

void free_column_memory(void* pointer) noexcept { std::free(pointer); }

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
  std::uint64_t h = hash_bytes(&num_classes_, sizeof num_classes_);
  h = hash_bytes(seeds_.data(), seeds_.size() * sizeof(int), h);
  h = hash_bytes(class_of_cell_.data(), sizeof class_of_cell_, h);
  for (const auto& text : cell_hash_) h = hash_bytes(text.data(), text.size(), h + 1);
  for (const auto& column : columns_) {
    h = hash_bytes(column.name.data(), column.name.size(), h);
    const auto kind = static_cast<std::uint8_t>(column.kind);
    h = hash_bytes(&kind, 1, h);
    h = hash_bytes(column.values.data(), column.values.size() * sizeof(double), h);
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(h));
  return buffer;
}

}  // namespace nhb2
