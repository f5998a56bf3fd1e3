#pragma once
// The values of one table column: a contiguous array of doubles that behaves like
// std::vector<double> (size, data, indexing, iteration, resize, ==), held in one of two ways:
//
//   owned   storage from allocate_column_memory (huge-page backed), as Table's constructor, the
//           importer and the synthetic generator make it;
//   view    doubles that live elsewhere, kept alive by a shared owner: read_nhb2 maps the file
//           and its columns are views of the mapping, so opening a file neither copies it nor
//           asks the kernel for fresh zeroed memory.
//
// A view is never written through. The first non-const access to it (non-const data(),
// operator[], begin(), resize) copies the values into owned storage first (copy-on-write per
// column), so a mapped file is never changed and const readers, such as every Benchmark, never
// pay for a copy. Copying a ColumnValues copies owned storage and shares a view.

#include <cstddef>
#include <memory>

namespace nhb2 {

// Column storage. Large blocks are 2 MiB aligned and advised as transparent huge pages: a full
// table is ~84 MB, and first-touching it in 4 KiB pages costs ~20x more than in huge pages on
// virtual machines (measured: 400 ms vs 18 ms).
void* allocate_column_memory(std::size_t bytes);
void free_column_memory(void* pointer) noexcept;

template <typename T>
struct ColumnAllocator {
  using value_type = T;
  ColumnAllocator() = default;
  template <typename U>
  ColumnAllocator(const ColumnAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(allocate_column_memory(n * sizeof(T))); }
  void deallocate(T* pointer, std::size_t) noexcept { free_column_memory(pointer); }
  template <typename U>
  bool operator==(const ColumnAllocator<U>&) const noexcept {
    return true;
  }
  template <typename U>
  bool operator!=(const ColumnAllocator<U>&) const noexcept {
    return false;
  }
};

class ColumnValues {
 public:
  ColumnValues() = default;
  // `count` owned values, all equal to `value`.
  explicit ColumnValues(std::size_t count, double value = 0.0);
  // A view of `count` doubles at `data` (8-aligned), valid while `owner` lives.
  static ColumnValues view(const double* data, std::size_t count,
                           std::shared_ptr<const void> owner);

  ColumnValues(const ColumnValues& other);
  ColumnValues(ColumnValues&& other) noexcept;
  ColumnValues& operator=(ColumnValues other) noexcept;
  ~ColumnValues();
  friend void swap(ColumnValues& a, ColumnValues& b) noexcept;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool is_view() const { return owner_ != nullptr; }

  const double* data() const { return values_; }
  double* data() {
    if (owner_) materialize();
    return storage_;
  }
  const double& operator[](std::size_t i) const { return values_[i]; }
  double& operator[](std::size_t i) { return data()[i]; }

  const double* begin() const { return values_; }
  const double* end() const { return values_ + size_; }
  double* begin() { return data(); }
  double* end() { return data() + size_; }

  // Keeps the first min(size, count) values; new ones are 0.
  void resize(std::size_t count);

 private:
  // Copies a view into owned storage.
  void materialize();

  const double* values_ = nullptr;  // where the values are read: storage_ or the view
  double* storage_ = nullptr;       // owned storage; nullptr for a view or an empty column
  std::size_t size_ = 0;
  std::shared_ptr<const void> owner_;  // set for a view
};

// Element-wise, as std::vector's (so NaN != NaN).
bool operator==(const ColumnValues& a, const ColumnValues& b);
inline bool operator!=(const ColumnValues& a, const ColumnValues& b) {
  return !(a == b);
}

}  // namespace nhb2
