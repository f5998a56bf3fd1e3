#include <nhb2/benchmark_api/column_values.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace nhb2 {

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

void free_column_memory(void* pointer) noexcept {
  std::free(pointer);
}

namespace {

double* allocate_values(std::size_t count) {
  if (count == 0) return nullptr;
  return static_cast<double*>(allocate_column_memory(count * sizeof(double)));
}

}  // namespace

ColumnValues::ColumnValues(std::size_t count, double value)
    : storage_(allocate_values(count)), size_(count) {
  values_ = storage_;
  std::fill(storage_, storage_ + count, value);
}

ColumnValues ColumnValues::view(const double* data, std::size_t count,
                                std::shared_ptr<const void> owner) {
  ColumnValues values;
  values.values_ = data;
  values.size_ = count;
  values.owner_ = std::move(owner);
  return values;
}

ColumnValues::ColumnValues(const ColumnValues& other) : size_(other.size_), owner_(other.owner_) {
  if (owner_) {
    values_ = other.values_;
  } else {
    storage_ = allocate_values(size_);
    if (size_ > 0) std::memcpy(storage_, other.storage_, size_ * sizeof(double));
    values_ = storage_;
  }
}

ColumnValues::ColumnValues(ColumnValues&& other) noexcept {
  swap(*this, other);
}

ColumnValues& ColumnValues::operator=(ColumnValues other) noexcept {
  swap(*this, other);
  return *this;
}

ColumnValues::~ColumnValues() {
  if (storage_) free_column_memory(storage_);
}

void swap(ColumnValues& a, ColumnValues& b) noexcept {
  std::swap(a.values_, b.values_);
  std::swap(a.storage_, b.storage_);
  std::swap(a.size_, b.size_);
  std::swap(a.owner_, b.owner_);
}

void ColumnValues::materialize() {
  double* storage = allocate_values(size_);
  if (size_ > 0) std::memcpy(storage, values_, size_ * sizeof(double));
  storage_ = storage;
  values_ = storage;
  owner_.reset();
}

void ColumnValues::resize(std::size_t count) {
  if (count == size_ && !owner_) return;
  double* storage = allocate_values(count);
  const std::size_t kept = std::min(size_, count);
  if (kept > 0) std::memcpy(storage, values_, kept * sizeof(double));
  std::fill(storage + kept, storage + count, 0.0);
  if (storage_) free_column_memory(storage_);
  storage_ = storage;
  values_ = storage;
  size_ = count;
  owner_.reset();
}

bool operator==(const ColumnValues& a, const ColumnValues& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace nhb2
