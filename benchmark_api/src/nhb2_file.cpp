#include <nhb2/benchmark_api/nhb2_file.hpp>

#include <nhb2/core/error.hpp>
#include <nhb2/core/file_io.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/core/hash.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <unordered_set>
#include <utility>

namespace nhb2 {

namespace {

// Layout constants; docs/data-format.md is the specification.

constexpr char kMagic[8] = {'N', 'H', 'B', '2', 'D', 'A', 'T', 'A'};
constexpr std::uint32_t kEndianMarker = 0x01020304u;
constexpr std::uint32_t kSwappedEndianMarker = 0x04030201u;

constexpr std::size_t kHeaderSize = kNhb2HeaderSize;
constexpr std::size_t kOffsetVersion = 8;
constexpr std::size_t kOffsetEndian = 12;
constexpr std::size_t kOffsetFileSize = 16;
constexpr std::size_t kOffsetChecksum = 24;
constexpr std::size_t kOffsetNumClasses = 32;
constexpr std::size_t kOffsetNumSeeds = 36;
constexpr std::size_t kOffsetNumEpochs = 40;
constexpr std::size_t kOffsetNumColumns = 44;
constexpr std::size_t kOffsetPayloadOffset = 48;

// Limits far above any real table; they keep a hostile header from steering allocations.
constexpr std::uint32_t kMaxSeeds = 64;
constexpr std::uint32_t kMaxColumns = 4096;
constexpr std::uint32_t kMaxNameLength = 256;
constexpr std::uint32_t kMaxHashLength = 256;
constexpr std::uint32_t kMaxSourceKindLength = 256;
constexpr std::uint32_t kMaxSourceDescriptionLength = 65536;

// Smallest directory entry: name length, empty name, kind, offset, length.
constexpr std::uint64_t kMinDirectoryEntrySize = 4 + 1 + 8 + 8;

std::string to_hex32(std::uint32_t value) {
  char buffer[11];
  std::snprintf(buffer, sizeof buffer, "0x%08x", value);
  return buffer;
}

std::uint64_t align8(std::uint64_t value) {
  return (value + 7) & ~std::uint64_t{7};
}

bool host_is_little_endian() {
  const std::uint32_t probe = kEndianMarker;
  unsigned char first = 0;
  std::memcpy(&first, &probe, 1);
  return first == 0x04;
}

template <typename T>
T load(const unsigned char* p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

template <typename T>
void store(unsigned char* p, T value) {
  std::memcpy(p, &value, sizeof value);
}

std::string quoted(const std::string& text) {
  return "'" + text + "'";
}

// Every read error starts with the path.
[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw DataError(path + ": " + what);
}

// ---- Reading ----

// An open file: its size and either a mapping of all of it or positional reads of parts of it.
class InputFile {
 public:
  explicit InputFile(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) fail(path_, std::string("cannot open: ") + std::strerror(errno));
    // The destructor does not run if the constructor throws: close first.
    const auto close_and_fail = [this](const std::string& what) {
      ::close(fd_);
      fd_ = -1;
      fail(path_, what);
    };
    struct stat status {};
    if (::fstat(fd_, &status) != 0) {
      close_and_fail(std::string("cannot stat: ") + std::strerror(errno));
    }
    if (S_ISDIR(status.st_mode))
      close_and_fail(std::string("cannot read: ") + std::strerror(EISDIR));
    if (!S_ISREG(status.st_mode)) close_and_fail("cannot read: not a regular file");
    size_ = static_cast<std::uint64_t>(status.st_size);
  }
  ~InputFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  std::uint64_t size() const { return size_; }

  // A read-only private mapping of the whole file (size() bytes, at least 1), unmapped when the
  // last holder lets go; closing the file does not end it. Advised as huge pages: a file read
  // from disk through the mapping then lands in the page cache in 2 MiB pieces, which later
  // opens map with one page-table entry each instead of 512 (much cheaper to fault in and to
  // look up, especially on virtual machines).
  std::shared_ptr<const void> map() const {
    const auto length = static_cast<std::size_t>(size_);
    void* address = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (address == MAP_FAILED) fail(path_, std::string("cannot map: ") + std::strerror(errno));
#ifdef MADV_HUGEPAGE
    ::madvise(address, length, MADV_HUGEPAGE);  // advice only: failure changes nothing
#endif
    return std::shared_ptr<const void>(
        address, [length](const void* p) { ::munmap(const_cast<void*>(p), length); });
  }

  // Reads exactly `count` bytes at `offset`; the caller has checked they lie inside the file.
  void read_at(std::uint64_t offset, std::size_t count, unsigned char* destination) const {
    std::size_t done = 0;
    while (done < count) {
      const ::ssize_t got =
          ::pread(fd_, destination + done, count - done, static_cast<::off_t>(offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail(path_, std::string("cannot read: ") + std::strerror(errno));
      if (got == 0) {
        fail(path_, "truncated: file shrank while being read (" + std::to_string(offset + done) +
                        " bytes available, " + std::to_string(offset + count) + " needed)");
      }
      done += static_cast<std::size_t>(got);
    }
  }

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

// ---- Legacy: the file checksum of format version 1, kept only to read version-1 files ----
// A hand-written 64-bit hash (four lanes over 32-byte stripes, a tail and an avalanche), chained
// over 1 MiB blocks of the bytes after the header: h = legacy_v1_hash(block, length, h), from 0.
// Version 2 replaced it with XXH3-64, which a user can check with xxhsum. Never write it.

constexpr std::uint64_t kLegacyPrime1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t kLegacyPrime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t kLegacyPrime3 = 0x165667B19E3779F9ULL;

inline std::uint64_t legacy_rotate_left(std::uint64_t x, int r) {
  return (x << r) | (x >> (64 - r));
}
inline std::uint64_t legacy_round(std::uint64_t accumulator, std::uint64_t input) {
  accumulator += input * kLegacyPrime2;
  return legacy_rotate_left(accumulator, 31) * kLegacyPrime1;
}

std::uint64_t legacy_v1_hash(const unsigned char* p, std::size_t size, std::uint64_t seed) {
  const unsigned char* const end = p + size;
  std::uint64_t lanes[4] = {seed + kLegacyPrime1 + kLegacyPrime2, seed + kLegacyPrime2, seed,
                            seed - kLegacyPrime1};
  while (end - p >= 32) {
    for (int lane = 0; lane < 4; ++lane) {
      lanes[lane] = legacy_round(lanes[lane], load<std::uint64_t>(p + 8 * lane));
    }
    p += 32;
  }
  std::uint64_t h = legacy_rotate_left(lanes[0], 1) + legacy_rotate_left(lanes[1], 7) +
                    legacy_rotate_left(lanes[2], 12) + legacy_rotate_left(lanes[3], 18);
  h += static_cast<std::uint64_t>(size);
  while (end - p >= 8) {
    h ^= legacy_round(0, load<std::uint64_t>(p));
    h = legacy_rotate_left(h, 27) * kLegacyPrime1 + kLegacyPrime3;
    p += 8;
  }
  while (p < end) {
    h ^= (*p) * kLegacyPrime3;
    h = legacy_rotate_left(h, 11) * kLegacyPrime1;
    ++p;
  }
  h ^= h >> 33;
  h *= kLegacyPrime2;
  h ^= h >> 29;
  h *= kLegacyPrime3;
  h ^= h >> 32;
  return h;
}

class LegacyV1BlockHash {
 public:
  static constexpr std::size_t kBlock = std::size_t{1} << 20;

  void update(const unsigned char* data, std::size_t size) {
    while (size > 0) {
      if (pending_.empty() && size >= kBlock) {
        hash_ = legacy_v1_hash(data, kBlock, hash_);
        data += kBlock;
        size -= kBlock;
        continue;
      }
      const std::size_t take = std::min(size, kBlock - pending_.size());
      pending_.insert(pending_.end(), data, data + take);
      data += take;
      size -= take;
      if (pending_.size() == kBlock) {
        hash_ = legacy_v1_hash(pending_.data(), kBlock, hash_);
        pending_.clear();
      }
    }
  }
  std::uint64_t finish() {
    if (!pending_.empty()) hash_ = legacy_v1_hash(pending_.data(), pending_.size(), hash_);
    pending_.clear();
    return hash_;
  }

 private:
  std::vector<unsigned char> pending_;
  std::uint64_t hash_ = 0;
};

// ---- End of legacy ----

// The file checksum of the bytes after the header, fed as they stream from the file straight
// into the table (peak memory is the table, not the table plus the file): XXH3-64 for version 2,
// the legacy block hash for version 1.
class FileChecksum {
 public:
  explicit FileChecksum(std::uint32_t version) : legacy_(version == kLegacyNhb2FormatVersion) {}
  void update(const unsigned char* data, std::size_t size) {
    if (legacy_) {
      legacy_v1_.update(data, size);
    } else {
      xxh3_.update(data, size);
    }
  }
  std::uint64_t finish() { return legacy_ ? legacy_v1_.finish() : xxh3_.digest(); }

 private:
  bool legacy_;
  LegacyV1BlockHash legacy_v1_;
  Xxh3Stream xxh3_;
};

struct Header {
  std::uint32_t version = 0;
  std::uint64_t file_size = 0;
  std::uint64_t checksum = 0;
  std::uint32_t num_classes = 0;
  std::uint32_t num_seeds = 0;
  std::uint32_t num_epochs = 0;
  std::uint32_t num_columns = 0;
  std::uint64_t payload_offset = 0;
};

std::uint64_t min_metadata_size(std::uint64_t num_seeds, std::uint64_t num_columns) {
  return num_seeds * 4 + 4 + 4 + 2ull * kNumCells + 4ull * kNumCells +
         num_columns * kMinDirectoryEntrySize;
}

std::uint64_t rows_of(ColumnKind kind, std::uint64_t num_classes, std::uint64_t num_seeds) {
  const std::uint64_t configs = num_classes * kNumHyperparameterPairs;
  switch (kind) {
    case ColumnKind::per_config:
      return configs;
    case ColumnKind::per_run:
      return configs * num_seeds;
    case ColumnKind::per_epoch:
      return configs * num_seeds * kEpochsPerRun;
  }
  return 0;
}

// Checks the fixed header alone. `bytes` holds min(file size, kHeaderSize) bytes. After this,
// every dimension is within its limits and the declared sizes agree with the real file size, so
// nothing later can be asked to allocate or read more than the file holds.
Header parse_header(const std::string& path, const unsigned char* bytes,
                    std::uint64_t actual_size) {
  const std::size_t available = static_cast<std::size_t>(std::min<std::uint64_t>(actual_size, 8));
  if (std::memcmp(bytes, kMagic, available) != 0) {
    fail(path, "not an nhb2 file (bad magic: the file does not start with \"NHB2DATA\")");
  }
  if (actual_size < kHeaderSize) {
    fail(path, "truncated: file has " + std::to_string(actual_size) + " bytes, the header needs " +
                   std::to_string(kHeaderSize));
  }
  Header header;
  header.version = load<std::uint32_t>(bytes + kOffsetVersion);
  const std::uint32_t marker = load<std::uint32_t>(bytes + kOffsetEndian);
  const std::string byte_order_message =
      "wrong byte order: the file was written on a big-endian host; this build reads only "
      "little-endian files (endianness marker " +
      to_hex32(marker) + ", expected " + to_hex32(kEndianMarker) + ")";
  const auto known = [](std::uint32_t version) {
    return version == kNhb2FormatVersion || version == kLegacyNhb2FormatVersion;
  };
  if (!known(header.version)) {
    // A big-endian file's version reads byte-swapped (version 2 as 0x02000000); name the real
    // cause.
    const std::uint32_t swapped = ((header.version & 0xffu) << 24) |
                                  ((header.version & 0xff00u) << 8) |
                                  ((header.version >> 8) & 0xff00u) | (header.version >> 24);
    if (marker == kSwappedEndianMarker && known(swapped)) fail(path, byte_order_message);
    fail(path, "unsupported version " + std::to_string(header.version) + " (this build reads " +
                   "versions " + std::to_string(kLegacyNhb2FormatVersion) + " and " +
                   std::to_string(kNhb2FormatVersion) + ")");
  }
  if (marker == kSwappedEndianMarker) fail(path, byte_order_message);
  if (marker != kEndianMarker) {
    fail(path, "corrupt: bad endianness marker " + to_hex32(marker) + ", expected " +
                   to_hex32(kEndianMarker));
  }
  header.file_size = load<std::uint64_t>(bytes + kOffsetFileSize);
  header.checksum = load<std::uint64_t>(bytes + kOffsetChecksum);
  header.num_classes = load<std::uint32_t>(bytes + kOffsetNumClasses);
  header.num_seeds = load<std::uint32_t>(bytes + kOffsetNumSeeds);
  header.num_epochs = load<std::uint32_t>(bytes + kOffsetNumEpochs);
  header.num_columns = load<std::uint32_t>(bytes + kOffsetNumColumns);
  header.payload_offset = load<std::uint64_t>(bytes + kOffsetPayloadOffset);

  if (actual_size < header.file_size) {
    fail(path, "truncated: file has " + std::to_string(actual_size) + " bytes, the header says " +
                   std::to_string(header.file_size));
  }
  if (actual_size > header.file_size) {
    fail(path, "corrupt: file has " + std::to_string(actual_size) + " bytes, the header says " +
                   std::to_string(header.file_size));
  }
  if (header.num_classes == 0 || header.num_classes > static_cast<std::uint32_t>(kNumCells)) {
    fail(path, "corrupt: absurd dimensions: num_classes " + std::to_string(header.num_classes) +
                   " (allowed 1.." + std::to_string(kNumCells) + ")");
  }
  if (header.num_seeds == 0 || header.num_seeds > kMaxSeeds) {
    fail(path, "corrupt: absurd dimensions: num_seeds " + std::to_string(header.num_seeds) +
                   " (allowed 1.." + std::to_string(kMaxSeeds) + ")");
  }
  if (header.num_epochs != static_cast<std::uint32_t>(kEpochsPerRun)) {
    fail(path, "corrupt: absurd dimensions: num_epochs " + std::to_string(header.num_epochs) +
                   " (this build reads " + std::to_string(kEpochsPerRun) + ")");
  }
  if (header.num_columns == 0 || header.num_columns > kMaxColumns) {
    fail(path, "corrupt: absurd dimensions: num_columns " + std::to_string(header.num_columns) +
                   " (allowed 1.." + std::to_string(kMaxColumns) + ")");
  }
  const std::uint64_t min_payload_offset =
      kHeaderSize + min_metadata_size(header.num_seeds, header.num_columns);
  if (header.payload_offset < min_payload_offset || header.payload_offset % 8 != 0) {
    fail(path, "corrupt: header says column payloads start at byte " +
                   std::to_string(header.payload_offset) + "; the metadata needs at least " +
                   std::to_string(min_payload_offset) + " bytes and the offset must be 8-aligned");
  }
  if (header.payload_offset > header.file_size) {
    fail(path, "truncated: file has " + std::to_string(header.file_size) +
                   " bytes, the metadata section needs " + std::to_string(header.payload_offset));
  }
  return header;
}

// Names a metadata field in error messages; built into text only when a check fails, since the
// 4096 cell hashes are read on every open.
struct Label {
  const char* what;
  long index = -1;  // entry number, when the field belongs to a list
  const char* part = "";

  std::string str() const {
    std::string text = what;
    if (index >= 0) text += " " + std::to_string(index);
    if (*part != '\0') text += std::string(" ") + part;
    return text;
  }
};

// Bounds-checked reader of the metadata section [kHeaderSize, payload_offset).
class Cursor {
 public:
  Cursor(const std::string& path, const unsigned char* data, std::uint64_t end)
      : path_(path), data_(data), end_(end), position_(kHeaderSize) {}

  std::uint64_t position() const { return position_; }

  const unsigned char* take(std::uint64_t count, const Label& label) {
    if (count > end_ - position_) {
      fail(path_, "corrupt: " + label.str() + " at byte " + std::to_string(position_) + " needs " +
                      std::to_string(count) + " bytes, but the metadata ends at byte " +
                      std::to_string(end_));
    }
    const unsigned char* p = data_ + position_;
    position_ += count;
    return p;
  }
  template <typename T>
  T value(const Label& label) {
    return load<T>(take(sizeof(T), label));
  }
  // A u32 length, at most max_length, then that many bytes.
  std::string text(std::uint32_t max_length, const Label& label) {
    const auto length = value<std::uint32_t>(label);
    if (length > max_length) {
      fail(path_, "corrupt: absurd dimensions: " + label.str() + " length " +
                      std::to_string(length) + " (allowed 0.." + std::to_string(max_length) + ")");
    }
    const unsigned char* p = take(length, label);
    return std::string(reinterpret_cast<const char*>(p), length);
  }

 private:
  const std::string& path_;
  const unsigned char* data_;
  std::uint64_t end_;
  std::uint64_t position_;
};

struct Metadata {
  std::vector<int> seeds;
  DataSource source;
  const unsigned char* class_of_cell = nullptr;  // 4096 × i16 inside the file bytes
  std::vector<std::string> cell_hash;
  std::vector<Nhb2ColumnInfo> columns;
};

// The standard columns a Table always has, with their kinds (taken from a tiny Table so this list
// cannot drift from the constructor's).
const std::vector<std::pair<std::string, ColumnKind>>& standard_columns() {
  static const std::vector<std::pair<std::string, ColumnKind>> list = [] {
    std::vector<std::pair<std::string, ColumnKind>> result;
    const Table tiny(1, {0});
    for (const auto& column : tiny.columns()) result.emplace_back(column.name, column.kind);
    return result;
  }();
  return list;
}

// Parses metadata and directory from `data` (which holds at least payload_offset bytes) and checks
// the directory against the header: known kinds, exact byte lengths, contiguous payloads that end
// exactly at the end of the file, no duplicate names, every standard column present.
Metadata parse_metadata(const std::string& path, const unsigned char* data, const Header& header,
                        bool keep_cell_data) {
  Metadata meta;
  Cursor cursor(path, data, header.payload_offset);
  meta.seeds.resize(header.num_seeds);
  for (auto& seed : meta.seeds) seed = cursor.value<std::int32_t>({"seed list"});
  meta.source.kind = cursor.text(kMaxSourceKindLength, {"source kind"});
  meta.source.description = cursor.text(kMaxSourceDescriptionLength, {"source description"});
  meta.class_of_cell = cursor.take(2ull * kNumCells, {"class_of_cell table"});
  if (keep_cell_data) meta.cell_hash.reserve(kNumCells);
  for (int cell = 0; cell < kNumCells; ++cell) {
    std::string hash = cursor.text(kMaxHashLength, {"hash of cell", cell});
    if (keep_cell_data) meta.cell_hash.push_back(std::move(hash));
  }

  meta.columns.resize(header.num_columns);
  for (std::uint32_t i = 0; i < header.num_columns; ++i) {
    Nhb2ColumnInfo& column = meta.columns[i];
    const long entry = static_cast<long>(i);
    column.name = cursor.text(kMaxNameLength, {"column directory entry", entry, "name"});
    const auto kind = cursor.value<std::uint8_t>({"column directory entry", entry, "kind"});
    if (kind > static_cast<std::uint8_t>(ColumnKind::per_config)) {
      fail(path, "corrupt: unknown column kind " + std::to_string(kind) + " for column " +
                     quoted(column.name) + " (known: 0 per_epoch, 1 per_run, 2 per_config)");
    }
    column.kind = static_cast<ColumnKind>(kind);
    column.byte_offset = cursor.value<std::uint64_t>({"column directory entry", entry, "offset"});
    column.byte_length = cursor.value<std::uint64_t>({"column directory entry", entry, "length"});
  }
  const std::uint64_t directory_end = cursor.position();
  if (align8(directory_end) != header.payload_offset) {
    fail(path, "corrupt: the column directory ends at byte " + std::to_string(directory_end) +
                   ", but the header says column payloads start at byte " +
                   std::to_string(header.payload_offset));
  }
  for (std::uint64_t i = directory_end; i < header.payload_offset; ++i) {
    if (data[i] != 0) fail(path, "corrupt: nonzero padding byte at " + std::to_string(i));
  }

  std::unordered_set<std::string> names;
  std::uint64_t expected_offset = header.payload_offset;
  for (const auto& column : meta.columns) {
    if (!names.insert(column.name).second) {
      fail(path, "corrupt: duplicate column " + quoted(column.name));
    }
    const std::uint64_t rows = rows_of(column.kind, header.num_classes, header.num_seeds);
    if (column.byte_length != rows * sizeof(double)) {
      fail(path, "corrupt: column " + quoted(column.name) + " (" + column_kind_name(column.kind) +
                     ") has " + std::to_string(column.byte_length) + " bytes; expected " +
                     std::to_string(rows * sizeof(double)) + " (" + std::to_string(rows) +
                     " rows × 8)");
    }
    if (column.byte_offset != expected_offset) {
      fail(path, "corrupt: column " + quoted(column.name) + " starts at byte " +
                     std::to_string(column.byte_offset) + "; expected " +
                     std::to_string(expected_offset));
    }
    if (column.byte_length > header.file_size - expected_offset) {
      fail(path, "truncated: file has " + std::to_string(header.file_size) + " bytes, column " +
                     quoted(column.name) + " needs " +
                     std::to_string(expected_offset + column.byte_length));
    }
    expected_offset += column.byte_length;
  }
  if (expected_offset != header.file_size) {
    fail(path, "corrupt: " + std::to_string(header.file_size - expected_offset) +
                   " unexpected bytes after the last column");
  }
  for (const auto& standard : standard_columns()) {
    // Plain locals: C++17 lambdas may not capture structured bindings.
    const std::string& name = standard.first;
    const ColumnKind kind = standard.second;
    const auto found = std::find_if(meta.columns.begin(), meta.columns.end(),
                                    [&](const Nhb2ColumnInfo& c) { return c.name == name; });
    if (found == meta.columns.end()) fail(path, "corrupt: missing standard column " + quoted(name));
    if (found->kind != kind) {
      fail(path, "corrupt: column " + quoted(name) + " is " + column_kind_name(found->kind) +
                     "; the standard column is " + column_kind_name(kind));
    }
  }
  return meta;
}

// ---- Writing ----

// Refuses what the reader would refuse, so write_nhb2 never produces an unreadable file.
void check_writable(const Table& table, const std::string& path) {
  const auto refuse = [&](const std::string& what) {
    throw DataError(path + ": cannot write: " + what);
  };
  try {
    table.validate();
  } catch (const DataError& error) {
    refuse(std::string("invalid table: ") + error.what());
  }
  if (table.seeds().size() > kMaxSeeds) {
    refuse(std::to_string(table.seeds().size()) + " seeds (the format allows at most " +
           std::to_string(kMaxSeeds) + ")");
  }
  if (table.columns().size() > kMaxColumns) {
    refuse(std::to_string(table.columns().size()) + " columns (the format allows at most " +
           std::to_string(kMaxColumns) + ")");
  }
  if (table.source().kind.size() > kMaxSourceKindLength)
    refuse("source kind longer than 256 bytes");
  if (table.source().description.size() > kMaxSourceDescriptionLength) {
    refuse("source description longer than 65536 bytes");
  }
  for (int cell = 0; cell < kNumCells; ++cell) {
    if (table.cell_hash()[cell].size() > kMaxHashLength) {
      refuse("the hash of cellcode " + format_cellcode(cell) + " is longer than 256 bytes");
    }
  }
  for (const auto& column : table.columns()) {
    if (column.name.size() > kMaxNameLength) {
      refuse("column name " + quoted(column.name) + " is longer than 256 bytes");
    }
  }
}

// Appends to a preallocated buffer.
class Writer {
 public:
  explicit Writer(unsigned char* data) : data_(data) {}
  std::size_t position() const { return position_; }
  void bytes(const void* source, std::size_t count) {
    if (count > 0) std::memcpy(data_ + position_, source, count);
    position_ += count;
  }
  template <typename T>
  void value(T v) {
    bytes(&v, sizeof v);
  }
  void text(const std::string& s) {
    value(static_cast<std::uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }
  void zeros(std::size_t count) {
    std::memset(data_ + position_, 0, count);
    position_ += count;
  }

 private:
  unsigned char* data_;
  std::size_t position_ = 0;
};

}  // namespace

std::uint64_t nhb2_file_checksum(std::uint32_t version, const void* bytes_after_header,
                                 std::size_t size) {
  FileChecksum checksum(version);
  checksum.update(static_cast<const unsigned char*>(bytes_after_header), size);
  return checksum.finish();
}

std::string Nhb2FileInfo::stored_checksum_hex() const {
  return to_hex(stored_checksum);
}

void write_nhb2(const Table& table, const std::string& path) {
  if (!host_is_little_endian()) {
    throw DataError(path + ": cannot write: .nhb2 files are written on little-endian hosts only");
  }
  check_writable(table, path);

  // Sizes first, then one buffer holding the whole file, so the checksum is one pass.
  std::uint64_t metadata_size = 4ull * table.seeds().size() + 4 + table.source().kind.size() + 4 +
                                table.source().description.size() + 2ull * kNumCells;
  for (const auto& hash : table.cell_hash()) metadata_size += 4 + hash.size();
  for (const auto& column : table.columns()) metadata_size += 4 + column.name.size() + 1 + 8 + 8;
  const std::uint64_t payload_offset = align8(kHeaderSize + metadata_size);
  std::uint64_t file_size = payload_offset;
  for (const auto& column : table.columns()) file_size += column.values.size() * sizeof(double);

  std::unique_ptr<unsigned char[]> buffer;
  try {
    buffer.reset(new unsigned char[static_cast<std::size_t>(file_size)]);
  } catch (const std::bad_alloc&) {
    throw DataError(path + ": cannot write: out of memory for " + std::to_string(file_size) +
                    " bytes");
  }
  Writer out(buffer.get());
  out.bytes(kMagic, sizeof kMagic);
  out.value(kNhb2FormatVersion);
  out.value(kEndianMarker);
  out.value(file_size);
  out.value(std::uint64_t{0});  // checksum, filled in below
  out.value(static_cast<std::uint32_t>(table.num_classes()));
  out.value(static_cast<std::uint32_t>(table.num_seeds()));
  out.value(static_cast<std::uint32_t>(kEpochsPerRun));
  out.value(static_cast<std::uint32_t>(table.columns().size()));
  out.value(payload_offset);

  for (int seed : table.seeds()) out.value(static_cast<std::int32_t>(seed));
  out.text(table.source().kind);
  out.text(table.source().description);
  out.bytes(table.class_of_cell().data(), 2ull * kNumCells);
  for (const auto& hash : table.cell_hash()) out.text(hash);
  std::uint64_t offset = payload_offset;
  for (const auto& column : table.columns()) {
    const std::uint64_t length = column.values.size() * sizeof(double);
    out.text(column.name);
    out.value(static_cast<std::uint8_t>(column.kind));
    out.value(offset);
    out.value(length);
    offset += length;
  }
  out.zeros(static_cast<std::size_t>(payload_offset - out.position()));
  for (const auto& column : table.columns()) {
    out.bytes(column.values.data(), column.values.size() * sizeof(double));
  }
  assert(out.position() == file_size);
  store(buffer.get() + kOffsetChecksum,
        nhb2_file_checksum(kNhb2FormatVersion, buffer.get() + kHeaderSize,
                           static_cast<std::size_t>(file_size - kHeaderSize)));
  write_file_atomic(path, std::string_view(reinterpret_cast<const char*>(buffer.get()),
                                           static_cast<std::size_t>(file_size)));
}

namespace {

// Header, metadata and column directory (everything before the payloads), structurally checked.
// The header alone is read first, so a non-nhb2 or absurd file is refused before the rest;
// payload_offset <= the real file size (checked), so the prefix buffer is justified by the file.
struct Prefix {
  Header header;
  std::vector<unsigned char> bytes;
  Metadata meta;
};

Prefix read_prefix(const std::string& path, InputFile& file, bool keep_cell_data) {
  unsigned char header_bytes[kHeaderSize] = {};
  file.read_at(0, static_cast<std::size_t>(std::min<std::uint64_t>(file.size(), kHeaderSize)),
               header_bytes);
  Prefix prefix;
  prefix.header = parse_header(path, header_bytes, file.size());
  prefix.bytes.resize(static_cast<std::size_t>(prefix.header.payload_offset));
  file.read_at(0, prefix.bytes.size(), prefix.bytes.data());
  prefix.meta = parse_metadata(path, prefix.bytes.data(), prefix.header, keep_cell_data);
  return prefix;
}

}  // namespace

Table read_nhb2(const std::string& path) {
  InputFile file(path);
  unsigned char header_bytes[kHeaderSize] = {};
  file.read_at(0, static_cast<std::size_t>(std::min<std::uint64_t>(file.size(), kHeaderSize)),
               header_bytes);
  const Header header = parse_header(path, header_bytes, file.size());
  // The header agrees with the real size (checked): map all of it. Everything below reads the
  // mapping, within bounds the structural checks established.
  const std::shared_ptr<const void> mapping = file.map();
  const auto* bytes = static_cast<const unsigned char*>(mapping.get());
  if (std::memcmp(bytes, header_bytes, kHeaderSize) != 0) {
    fail(path, "the file changed while being opened");
  }
  Metadata meta = parse_metadata(path, bytes, header, true);

  // Every byte after the header once, from the mapping (this also brings the whole file into
  // memory, so a file that cannot be read fails here and not at a later query).
  const std::uint64_t computed =
      nhb2_file_checksum(header.version, bytes + kHeaderSize,
                         static_cast<std::size_t>(header.file_size - kHeaderSize));
  if (computed != header.checksum) {
    fail(path, "corrupt: checksum mismatch, stored " + to_hex(header.checksum) + " computed " +
                   to_hex(computed));
  }

  // Columns are views of the mapping, in the file's order (Table::checksum depends on it); every
  // payload offset is 8-aligned (checked) and the mapping starts on a page, so the doubles are
  // aligned.
  std::vector<Column> columns;
  columns.reserve(meta.columns.size());
  for (const auto& info : meta.columns) {
    assert(info.byte_offset % alignof(double) == 0);
    const auto* values = reinterpret_cast<const double*>(bytes + info.byte_offset);
    columns.push_back(
        Column{info.name, info.kind,
               ColumnValues::view(values, info.byte_length / sizeof(double), mapping)});
  }
  Table table(static_cast<int>(header.num_classes), std::move(meta.seeds), std::move(columns));
  std::memcpy(table.class_of_cell().data(), meta.class_of_cell, 2ull * kNumCells);
  table.cell_hash() = std::move(meta.cell_hash);
  table.source() = std::move(meta.source);

  try {
    table.validate();
  } catch (const DataError& error) {
    fail(path, std::string("invalid table: ") + error.what());
  }
  return table;
}

Nhb2FileInfo inspect_nhb2(const std::string& path) {
  InputFile file(path);
  Prefix parsed = read_prefix(path, file, false);
  const Header& header = parsed.header;
  Metadata& meta = parsed.meta;

  Nhb2FileInfo info;
  info.path = path;
  info.version = header.version;
  info.file_size = header.file_size;
  info.stored_checksum = header.checksum;
  info.num_classes = static_cast<int>(header.num_classes);
  info.num_epochs = static_cast<int>(header.num_epochs);
  info.seeds = std::move(meta.seeds);
  info.source = std::move(meta.source);
  info.columns = std::move(meta.columns);
  return info;
}

}  // namespace nhb2
