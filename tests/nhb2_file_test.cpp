// The .nhb2 file format: exact round trips, and a clear DataError (never a crash or a huge
// allocation) for every truncated, corrupted or crafted file.

#include <nhb2/benchmark_api/nhb2_file.hpp>
#include <nhb2/benchmark_api/table.hpp>
#include <nhb2/core/canonical.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/core/hash.hpp>

#include <catch2/catch.hpp>

#include "test_support.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// Header offsets as specified in docs/data-format.md.
constexpr std::size_t kHeaderSize = 56;
constexpr std::size_t kOffsetVersion = 8;
constexpr std::size_t kOffsetEndian = 12;
constexpr std::size_t kOffsetFileSize = 16;
constexpr std::size_t kOffsetChecksum = 24;
constexpr std::size_t kOffsetNumClasses = 32;
constexpr std::size_t kOffsetNumSeeds = 36;
constexpr std::size_t kOffsetNumEpochs = 40;
constexpr std::size_t kOffsetNumColumns = 44;
constexpr std::size_t kOffsetPayloadOffset = 48;

// A fresh folder under the system temp folder, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() / ("nhb2_file_test_" + std::to_string(::getpid()) + "_" +
                                         std::to_string(counter.fetch_add(1)));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(path_, ignored);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }
  std::set<std::string> entries() const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(path_)) {
      names.insert(entry.path().filename().string());
    }
    return names;
  }

 private:
  fs::path path_;
};

// Deterministic values that include the awkward ones (signed zero, NaN payload, infinities,
// subnormals) so the round trip is checked bit for bit.
void fill_column(nhb2::Column& column, int column_index) {
  for (std::size_t i = 0; i < column.values.size(); ++i) {
    column.values[i] =
        static_cast<double>((i * 7919 + column_index * 104729) % 100003) / 1000.0 + column_index;
  }
  if (column.values.size() >= 5) {
    std::uint64_t nan_bits = 0x7FF8000000ABCDEFULL;
    std::memcpy(&column.values[0], &nan_bits, sizeof nan_bits);
    column.values[1] = -0.0;
    column.values[2] = std::numeric_limits<double>::infinity();
    column.values[3] = -std::numeric_limits<double>::infinity();
    column.values[4] = std::numeric_limits<double>::denorm_min();
  }
}

void fill_table(nhb2::Table& table) {
  table.add_column("train_loss", nhb2::ColumnKind::per_epoch);
  table.add_column("params_mb", nhb2::ColumnKind::per_config);
  int index = 0;
  for (auto& column : table.columns()) fill_column(column, index++);
  table.source() = {"synthetic", "nhb2_file_test (seed 7) — ünïcödé"};
}

// The real dimensions: 1011 classes from the canonical cell classes, 3 seeds.
nhb2::Table make_full_table() {
  const auto& classes = nhb2::CellClasses::get();
  nhb2::Table table(classes.num_classes(), {222, 555, 888});
  for (int cell = 0; cell < nhb2::kNumCells; ++cell) {
    table.class_of_cell()[cell] = static_cast<std::int16_t>(classes.class_of(cell));
    table.cell_hash()[cell] = "h" + std::to_string(classes.class_of(cell));
  }
  fill_table(table);
  return table;
}

// A small table (3 classes, one seed) so that corruption tests can rewrite it hundreds of times.
nhb2::Table make_small_table() {
  nhb2::Table table(3, {222});
  for (int cell = 0; cell < nhb2::kNumCells; ++cell) {
    table.class_of_cell()[cell] = static_cast<std::int16_t>(cell % 3);
    table.cell_hash()[cell] = "h" + std::to_string(cell);
  }
  fill_table(table);
  return table;
}

std::vector<unsigned char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

template <typename T>
void put(std::vector<unsigned char>& bytes, std::size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

template <typename T>
T get(const std::vector<unsigned char>& bytes, std::size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

// Recomputes the stored file checksum so only the structural checks can catch a change.
void fix_checksum(std::vector<unsigned char>& bytes) {
  put(bytes, kOffsetChecksum,
      nhb2::nhb2_file_checksum(get<std::uint32_t>(bytes, kOffsetVersion),
                               bytes.data() + kHeaderSize, bytes.size() - kHeaderSize));
}

// The message read_nhb2 gives for `bytes`, or "" if it accepted them.
std::string read_error(const std::string& path, const std::vector<unsigned char>& bytes) {
  write_bytes(path, bytes);
  try {
    nhb2::read_nhb2(path);
  } catch (const nhb2::DataError& error) {
    return error.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void require_same_bits(const nhb2::Table& a, const nhb2::Table& b) {
  REQUIRE(a.num_classes() == b.num_classes());
  REQUIRE(a.seeds() == b.seeds());
  REQUIRE(a.class_of_cell() == b.class_of_cell());
  REQUIRE(a.cell_hash() == b.cell_hash());
  REQUIRE(a.source().kind == b.source().kind);
  REQUIRE(a.source().description == b.source().description);
  REQUIRE(a.columns().size() == b.columns().size());
  for (std::size_t i = 0; i < a.columns().size(); ++i) {
    const auto& x = a.columns()[i];
    const auto& y = b.columns()[i];
    REQUIRE(x.name == y.name);
    REQUIRE(x.kind == y.kind);
    REQUIRE(x.values.size() == y.values.size());
    REQUIRE(std::memcmp(x.values.data(), y.values.data(), x.values.size() * sizeof(double)) == 0);
  }
  REQUIRE(a.checksum() == b.checksum());
}

// Byte offsets where one section ends and the next begins, computed from the documented layout.
std::vector<std::size_t> section_boundaries(const nhb2::Table& table, const std::string& path) {
  std::vector<std::size_t> cuts = {0,          8, kOffsetEndian, kOffsetChecksum, kOffsetNumClasses,
                                   kHeaderSize};
  std::size_t at = kHeaderSize + 4 * table.seeds().size();
  cuts.push_back(at);
  at += 4 + table.source().kind.size();
  cuts.push_back(at);
  at += 4 + table.source().description.size();
  cuts.push_back(at);
  at += 2 * nhb2::kNumCells;
  cuts.push_back(at);
  for (const auto& hash : table.cell_hash()) at += 4 + hash.size();
  cuts.push_back(at);
  for (const auto& column : table.columns()) {
    at += 4 + column.name.size() + 1 + 8 + 8;
    cuts.push_back(at);
  }
  const auto info = nhb2::inspect_nhb2(path);
  REQUIRE(info.columns.front().byte_offset == ((at + 7) / 8) * 8);
  for (const auto& column : info.columns) {
    cuts.push_back(static_cast<std::size_t>(column.byte_offset));
    cuts.push_back(static_cast<std::size_t>(column.byte_offset + 1));
  }
  cuts.push_back(static_cast<std::size_t>(info.file_size - 8));
  cuts.push_back(static_cast<std::size_t>(info.file_size - 1));
  return cuts;
}

}  // namespace

TEST_CASE("a full-size table survives a round trip bit for bit", "[nhb2_file]") {
  TempDir dir;
  const nhb2::Table table = make_full_table();
  const std::string path = dir.file("full.nhb2");
  nhb2::write_nhb2(table, path);
  const nhb2::Table back = nhb2::read_nhb2(path);
  require_same_bits(table, back);
  REQUIRE(back.find("train_loss") != nullptr);
  REQUIRE(dir.entries() == std::set<std::string>{"full.nhb2"});
}

TEST_CASE("a round trip keeps extra columns, their order and the source", "[nhb2_file]") {
  TempDir dir;
  nhb2::Table table = make_small_table();
  // Put an extra column first: Table::checksum depends on the order, so the file must keep it.
  std::rotate(table.columns().begin(), table.columns().end() - 1, table.columns().end());
  REQUIRE(table.columns().front().name == "params_mb");
  const std::string path = dir.file("small.nhb2");
  nhb2::write_nhb2(table, path);
  const nhb2::Table back = nhb2::read_nhb2(path);
  require_same_bits(table, back);
  REQUIRE(back.source().description == "nhb2_file_test (seed 7) — ünïcödé");
}

TEST_CASE("the header holds the documented fields at the documented offsets", "[nhb2_file]") {
  TempDir dir;
  const nhb2::Table table = make_small_table();
  const std::string path = dir.file("t.nhb2");
  nhb2::write_nhb2(table, path);
  const auto bytes = read_bytes(path);
  REQUIRE(std::memcmp(bytes.data(), "NHB2DATA", 8) == 0);
  REQUIRE(get<std::uint32_t>(bytes, kOffsetVersion) == nhb2::kNhb2FormatVersion);
  REQUIRE(get<std::uint32_t>(bytes, kOffsetEndian) == 0x01020304u);
  REQUIRE(bytes[kOffsetEndian] == 0x04);  // little-endian on disk
  REQUIRE(get<std::uint64_t>(bytes, kOffsetFileSize) == bytes.size());
  REQUIRE(get<std::uint64_t>(bytes, kOffsetChecksum) ==
          nhb2::xxh3_64(bytes.data() + kHeaderSize, bytes.size() - kHeaderSize));
  REQUIRE(get<std::uint32_t>(bytes, kOffsetNumClasses) == 3);
  REQUIRE(get<std::uint32_t>(bytes, kOffsetNumSeeds) == 1);
  REQUIRE(get<std::uint32_t>(bytes, kOffsetNumEpochs) == 12);
  REQUIRE(get<std::uint32_t>(bytes, kOffsetNumColumns) == table.columns().size());
  REQUIRE(get<std::uint64_t>(bytes, kOffsetPayloadOffset) % 8 == 0);
  REQUIRE(get<std::int32_t>(bytes, kHeaderSize) == 222);
  // Payloads are raw doubles: the first value of the first column is at payload_offset.
  const auto payload = static_cast<std::size_t>(get<std::uint64_t>(bytes, kOffsetPayloadOffset));
  REQUIRE(std::memcmp(bytes.data() + payload, table.columns()[0].values.data(), 8) == 0);
}

TEST_CASE("inspect_nhb2 reports header, source and directory without loading", "[nhb2_file]") {
  TempDir dir;
  const nhb2::Table table = make_small_table();
  const std::string path = dir.file("t.nhb2");
  nhb2::write_nhb2(table, path);
  const auto bytes = read_bytes(path);
  const nhb2::Nhb2FileInfo info = nhb2::inspect_nhb2(path);
  REQUIRE(info.path == path);
  REQUIRE(info.version == nhb2::kNhb2FormatVersion);
  REQUIRE(info.file_size == bytes.size());
  REQUIRE(info.stored_checksum == get<std::uint64_t>(bytes, kOffsetChecksum));
  REQUIRE(info.stored_checksum_hex().size() == 16);
  REQUIRE(info.num_classes == 3);
  REQUIRE(info.num_epochs == 12);
  REQUIRE(info.seeds == std::vector<int>{222});
  REQUIRE(info.source.kind == "synthetic");
  REQUIRE(info.source.description == table.source().description);
  REQUIRE(info.columns.size() == table.columns().size());
  std::uint64_t offset = info.columns.front().byte_offset;
  for (std::size_t i = 0; i < info.columns.size(); ++i) {
    REQUIRE(info.columns[i].name == table.columns()[i].name);
    REQUIRE(info.columns[i].kind == table.columns()[i].kind);
    REQUIRE(info.columns[i].byte_offset == offset);
    REQUIRE(info.columns[i].byte_length == table.columns()[i].values.size() * 8);
    offset += info.columns[i].byte_length;
  }
  REQUIRE(offset == info.file_size);
}

TEST_CASE("a file cut at any section boundary or sample offset is refused", "[nhb2_file]") {
  TempDir dir;
  const nhb2::Table table = make_small_table();
  const std::string good = dir.file("good.nhb2");
  nhb2::write_nhb2(table, good);
  const auto bytes = read_bytes(good);
  std::vector<std::size_t> cuts = section_boundaries(table, good);
  for (std::size_t cut = 1; cut < bytes.size(); cut += 997) cuts.push_back(cut);
  const std::string bad = dir.file("bad.nhb2");
  for (const std::size_t cut : cuts) {
    INFO("cut at " << cut << " of " << bytes.size());
    const std::vector<unsigned char> prefix(bytes.begin(), bytes.begin() + cut);
    const std::string message = read_error(bad, prefix);
    REQUIRE(message.rfind(bad + ": ", 0) == 0);
    REQUIRE((contains(message, "truncated") || contains(message, "corrupt")));
    REQUIRE_THROWS_AS(nhb2::inspect_nhb2(bad), nhb2::DataError);
  }
  REQUIRE(contains(read_error(bad, {}), "truncated: file has 0 bytes"));
}

TEST_CASE("a file with trailing bytes is refused", "[nhb2_file]") {
  TempDir dir;
  const std::string path = dir.file("t.nhb2");
  nhb2::write_nhb2(make_small_table(), path);
  auto bytes = read_bytes(path);
  bytes.push_back(0);
  REQUIRE(contains(read_error(path, bytes), "corrupt: file has"));
}

TEST_CASE("any changed header byte is refused", "[nhb2_file]") {
  TempDir dir;
  const std::string path = dir.file("t.nhb2");
  nhb2::write_nhb2(make_small_table(), path);
  const auto bytes = read_bytes(path);
  for (std::size_t offset = 0; offset < kHeaderSize; ++offset) {
    for (const unsigned char mask : {0x01, 0x10, 0x80}) {
      INFO("byte " << offset << " xor " << int(mask));
      auto changed = bytes;
      changed[offset] ^= mask;
      const std::string message = read_error(path, changed);
      REQUIRE(!message.empty());
      REQUIRE(message.rfind(path + ": ", 0) == 0);
    }
  }
}

TEST_CASE("a changed byte after the header is refused as corrupt", "[nhb2_file]") {
  TempDir dir;
  const nhb2::Table table = make_small_table();
  const std::string path = dir.file("t.nhb2");
  nhb2::write_nhb2(table, path);
  const auto bytes = read_bytes(path);
  const auto info = nhb2::inspect_nhb2(path);
  // Metadata (seeds, source, class_of_cell, hashes), directory, padding and payload samples.
  std::vector<std::size_t> offsets = {kHeaderSize,
                                      kHeaderSize + 4,
                                      kHeaderSize + 20,
                                      9000,
                                      20000,
                                      static_cast<std::size_t>(info.columns[0].byte_offset - 20),
                                      static_cast<std::size_t>(info.columns[0].byte_offset - 1)};
  for (const auto& column : info.columns) {
    offsets.push_back(static_cast<std::size_t>(column.byte_offset + column.byte_length / 2));
  }
  offsets.push_back(bytes.size() - 1);
  for (const std::size_t offset : offsets) {
    INFO("byte " << offset);
    auto changed = bytes;
    changed[offset] ^= 0x04;
    // The metadata is parsed (with its structural checks) before the streamed checksum is
    // complete, so a damaged length field is named as such; anything else is a mismatch.
    const std::string message = read_error(path, changed);
    INFO(message);
    REQUIRE(message.rfind(path + ": corrupt: ", 0) == 0);
    if (offset >= info.columns[0].byte_offset || offset == kHeaderSize) {
      REQUIRE(contains(message, "checksum mismatch, stored "));
      REQUIRE(contains(message, " computed "));
    }
  }
}

TEST_CASE("a file that is not nhb2 is refused by its magic", "[nhb2_file]") {
  TempDir dir;
  const std::string path = dir.file("t.nhb2");
  nhb2::write_nhb2(make_small_table(), path);
  auto bytes = read_bytes(path);
  bytes[3] = 'X';
  REQUIRE(read_error(path, bytes) ==
          path + ": not an nhb2 file (bad magic: the file does not " + "start with \"NHB2DATA\")");
  const std::vector<unsigned char> text = {'h', 'e', 'l', 'l', 'o'};
  REQUIRE(contains(read_error(path, text), "not an nhb2 file"));
}

TEST_CASE("a newer format version is refused by number", "[nhb2_file]") {
  TempDir dir;
  const std::string path = dir.file("t.nhb2");
  nhb2::write_nhb2(make_small_table(), path);
  auto bytes = read_bytes(path);
  put<std::uint32_t>(bytes, kOffsetVersion, 3);
  REQUIRE(read_error(path, bytes) ==
          path + ": unsupported version 3 (this build reads versions 1 and 2)");
}

TEST_CASE("a file with another byte order is refused", "[nhb2_file]") {
  TempDir dir;
  const std::string path = dir.file("t.nhb2");
  nhb2::write_nhb2(make_small_table(), path);
  auto bytes = read_bytes(path);
  put<std::uint32_t>(bytes, kOffsetEndian, 0x04030201u);
  REQUIRE(contains(read_error(path, bytes), "wrong byte order"));
  // As a big-endian writer would have written it: the version byte-swapped too (2, or legacy 1).
  put<std::uint32_t>(bytes, kOffsetVersion, 0x02000000u);
  REQUIRE(contains(read_error(path, bytes), "wrong byte order"));
  put<std::uint32_t>(bytes, kOffsetVersion, 0x01000000u);
  REQUIRE(contains(read_error(path, bytes), "wrong byte order"));
  put<std::uint32_t>(bytes, kOffsetVersion, 2);
  put<std::uint32_t>(bytes, kOffsetEndian, 0x01020305u);
  REQUIRE(contains(read_error(path, bytes), "corrupt: bad endianness marker 0x01020305"));
}

TEST_CASE("absurd header dimensions are refused before the checksum", "[nhb2_file]") {
  TempDir dir;
  const std::string path = dir.file("t.nhb2");
  nhb2::write_nhb2(make_small_table(), path);
  const auto bytes = read_bytes(path);
  struct Case {
    std::size_t offset;
    std::uint32_t value;
    const char* expected;
  };
  const Case cases[] = {
      {kOffsetNumClasses, 0, "num_classes 0"},
      {kOffsetNumClasses, 4097, "num_classes 4097"},
      {kOffsetNumClasses, 0xFFFFFFFFu, "num_classes 4294967295"},
      {kOffsetNumSeeds, 0, "num_seeds 0"},
      {kOffsetNumSeeds, 65, "num_seeds 65"},
      {kOffsetNumSeeds, 0x7FFFFFFFu, "num_seeds 2147483647"},
      {kOffsetNumEpochs, 13, "num_epochs 13"},
      {kOffsetNumColumns, 0, "num_columns 0"},
      {kOffsetNumColumns, 4097, "num_columns 4097"},
  };
  for (const auto& c : cases) {
    INFO(c.expected);
    auto changed = bytes;
    put(changed, c.offset, c.value);
    fix_checksum(changed);  // the header is not under the checksum anyway
    const std::string message = read_error(path, changed);
    REQUIRE(contains(message, "absurd dimensions"));
    REQUIRE(contains(message, c.expected));
  }
}

TEST_CASE("dimensions that are in range but do not match the file are refused", "[nhb2_file]") {
  TempDir dir;
  const std::string path = dir.file("t.nhb2");
  nhb2::write_nhb2(make_small_table(), path);
  const auto bytes = read_bytes(path);
  // The largest allowed table would be gigabytes; this small file must not make the reader
  // allocate it.
  auto changed = bytes;
  put<std::uint32_t>(changed, kOffsetNumClasses, 4096);
  REQUIRE(contains(read_error(path, changed), "bytes; expected"));
  changed = bytes;
  put<std::uint32_t>(changed, kOffsetNumClasses, 2);
  REQUIRE(contains(read_error(path, changed), "bytes; expected"));
  changed = bytes;
  put<std::uint64_t>(changed, kOffsetPayloadOffset, 1ULL << 40);
  REQUIRE(contains(read_error(path, changed), "truncated"));
  changed = bytes;
  put<std::uint64_t>(changed, kOffsetFileSize, 1ULL << 62);
  REQUIRE(contains(read_error(path, changed), "truncated: file has"));
}

TEST_CASE("absurd lengths inside the metadata are refused even with a valid checksum",
          "[nhb2_file]") {
  TempDir dir;
  const nhb2::Table table = make_small_table();
  const std::string path = dir.file("t.nhb2");
  nhb2::write_nhb2(table, path);
  const auto bytes = read_bytes(path);
  const std::size_t kind_length_at = kHeaderSize + 4;  // after the one seed
  const std::size_t description_length_at = kind_length_at + 4 + table.source().kind.size();
  const std::size_t first_hash_at =
      description_length_at + 4 + table.source().description.size() + 2 * nhb2::kNumCells;
  std::size_t directory_at = first_hash_at;
  for (const auto& hash : table.cell_hash()) directory_at += 4 + hash.size();
  const std::string first_name = table.columns()[0].name;
  const std::size_t kind_at = directory_at + 4 + first_name.size();
  const std::size_t length_at = kind_at + 1 + 8;

  const auto error_with = [&](auto edit) {
    auto changed = bytes;
    edit(changed);
    fix_checksum(changed);
    return read_error(path, changed);
  };
  using Bytes = std::vector<unsigned char>;
  CHECK(contains(error_with([&](Bytes& b) { put<std::uint32_t>(b, kind_length_at, ~0u); }),
                 "absurd dimensions: source kind length 4294967295"));
  CHECK(contains(
      error_with([&](Bytes& b) { put<std::uint32_t>(b, description_length_at, 1u << 30); }),
      "absurd dimensions: source description length"));
  CHECK(contains(error_with([&](Bytes& b) { put<std::uint32_t>(b, first_hash_at, 300); }),
                 "absurd dimensions: hash of cell 0 length 300"));
  CHECK(contains(error_with([&](Bytes& b) { put<std::uint32_t>(b, directory_at, 5000); }),
                 "absurd dimensions: column directory entry 0 name length 5000"));
  // A length within the limit that runs past the metadata.
  CHECK(contains(error_with([&](Bytes& b) { put<std::uint32_t>(b, first_hash_at, 256); }),
                 "corrupt"));
  CHECK(contains(error_with([&](Bytes& b) { b[kind_at] = 7; }), "unknown column kind 7"));
  CHECK(contains(error_with([&](Bytes& b) { b[kind_at] = 1; }),
                 "column '" + first_name + "' (per_run) has"));
  CHECK(contains(error_with([&](Bytes& b) { put<std::uint64_t>(b, length_at, 1ULL << 60); }),
                 "bytes; expected"));
  CHECK(contains(error_with([&](Bytes& b) { put<std::uint64_t>(b, length_at - 8, 8); }),
                 "starts at byte 8"));
  // A changed source text under a valid checksum is content, not corruption.
  CHECK(error_with([&](Bytes& b) { b[kHeaderSize + 4 + 4 + 2] = 'Y'; }).empty());
}

TEST_CASE("random damage gives a DataError or a valid table, never anything else", "[nhb2_file]") {
  TempDir dir;
  const std::string path = dir.file("t.nhb2");
  nhb2::write_nhb2(make_small_table(), path);
  const auto bytes = read_bytes(path);
  std::mt19937_64 rng(20240601);
  // Most damage goes to the header, metadata and directory, where the structure is.
  const std::size_t structured =
      static_cast<std::size_t>(get<std::uint64_t>(bytes, kOffsetPayloadOffset));
  for (int trial = 0; trial < 400; ++trial) {
    auto changed = bytes;
    const int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % 4 == 0 ? rng() % changed.size() : rng() % structured;
      changed[at] = static_cast<unsigned char>(rng());
    }
    if (rng() % 5 == 0) changed.resize(rng() % changed.size());
    // Half of the time the checksum is made valid, so the structural checks must hold alone.
    if (changed.size() >= kHeaderSize && rng() % 2 == 0) fix_checksum(changed);
    write_bytes(path, changed);
    INFO("trial " << trial);
    try {
      nhb2::read_nhb2(path).validate();
    } catch (const nhb2::DataError& error) {
      REQUIRE(std::string(error.what()).rfind(path + ": ", 0) == 0);
    }
    try {
      nhb2::inspect_nhb2(path);
    } catch (const nhb2::DataError&) {
    }
  }
}

TEST_CASE("a structurally valid file with an invalid table is refused by validate", "[nhb2_file]") {
  TempDir dir;
  const nhb2::Table table = make_small_table();
  const std::string path = dir.file("t.nhb2");
  nhb2::write_nhb2(table, path);
  auto bytes = read_bytes(path);
  const std::size_t class_of_cell_at =
      kHeaderSize + 4 + 4 + table.source().kind.size() + 4 + table.source().description.size();
  put<std::int16_t>(bytes, class_of_cell_at + 2 * 5, 9);
  fix_checksum(bytes);
  const std::string message = read_error(path, bytes);
  REQUIRE(message.rfind(path + ": invalid table: cellcode ", 0) == 0);
  REQUIRE(contains(message, "mapped to class 9"));
}

TEST_CASE("a missing or unreadable input names the path and the OS reason", "[nhb2_file]") {
  TempDir dir;
  const std::string missing = dir.file("missing.nhb2");
  try {
    nhb2::read_nhb2(missing);
    FAIL("read_nhb2 accepted a missing file");
  } catch (const nhb2::DataError& error) {
    REQUIRE(std::string(error.what()) == missing + ": cannot open: " + std::strerror(ENOENT));
  }
  REQUIRE_THROWS_AS(nhb2::inspect_nhb2(missing), nhb2::DataError);
  REQUIRE_THROWS_WITH(nhb2::read_nhb2(dir.path().string()), Catch::Contains(std::strerror(EISDIR)));
}

TEST_CASE("writing into a missing folder fails clearly and leaves nothing", "[nhb2_file]") {
  TempDir dir;
  const std::string path = dir.file("no_such_folder/t.nhb2");
  try {
    nhb2::write_nhb2(make_small_table(), path);
    FAIL("write_nhb2 wrote into a missing folder");
  } catch (const nhb2::DataError& error) {
    const std::string message = error.what();
    REQUIRE(message.rfind(path + ": cannot write: ", 0) == 0);
    REQUIRE(contains(message, std::strerror(ENOENT)));
  }
  REQUIRE(dir.entries().empty());
}

TEST_CASE("writing where no file can be created fails clearly and leaves nothing", "[nhb2_file]") {
  TempDir dir;
  // A "folder" that is a regular file refuses even root.
  write_bytes(dir.file("plain_file"), {'x'});
  const std::string inside_file = dir.file("plain_file/t.nhb2");
  REQUIRE_THROWS_WITH(nhb2::write_nhb2(make_small_table(), inside_file),
                      Catch::StartsWith(inside_file + ": cannot write: ") &&
                          Catch::Contains(std::strerror(ENOTDIR)));
  REQUIRE(dir.entries() == std::set<std::string>{"plain_file"});

  if (::geteuid() == 0) return;  // root ignores folder permissions
  fs::create_directory(dir.path() / "locked");
  fs::permissions(dir.path() / "locked", fs::perms::owner_read | fs::perms::owner_exec);
  const std::string path = dir.file("locked/t.nhb2");
  REQUIRE_THROWS_WITH(
      nhb2::write_nhb2(make_small_table(), path),
      Catch::StartsWith(path + ": cannot write: ") && Catch::Contains(std::strerror(EACCES)));
  fs::permissions(dir.path() / "locked", fs::perms::owner_all);
  REQUIRE(fs::is_empty(dir.path() / "locked"));
}

TEST_CASE("a failed rename removes the temporary file", "[nhb2_file]") {
  TempDir dir;
  // The target is an existing non-empty folder, so only the final rename fails.
  fs::create_directories(dir.path() / "target" / "inside");
  const std::string path = dir.file("target");
  REQUIRE_THROWS_WITH(nhb2::write_nhb2(make_small_table(), path),
                      Catch::StartsWith(path + ": cannot write: renaming "));
  REQUIRE(dir.entries() == std::set<std::string>{"target"});
}

TEST_CASE("writing replaces an existing file and leaves no temporary file", "[nhb2_file]") {
  TempDir dir;
  const std::string path = dir.file("t.nhb2");
  nhb2::Table first = make_small_table();
  nhb2::write_nhb2(first, path);
  nhb2::Table second = make_small_table();
  second.source().description = "second";
  second.columns()[0].values[7] = 42.5;
  nhb2::write_nhb2(second, path);
  REQUIRE(dir.entries() == std::set<std::string>{"t.nhb2"});
  require_same_bits(second, nhb2::read_nhb2(path));
}

TEST_CASE("an invalid table is not written", "[nhb2_file]") {
  TempDir dir;
  const std::string path = dir.file("t.nhb2");
  nhb2::Table table(3, {222});  // class_of_cell left unset
  REQUIRE_THROWS_WITH(nhb2::write_nhb2(table, path),
                      Catch::StartsWith(path + ": cannot write: invalid table: "));
  nhb2::Table long_name = make_small_table();
  long_name.add_column(std::string(300, 'x'), nhb2::ColumnKind::per_config);
  REQUIRE_THROWS_WITH(nhb2::write_nhb2(long_name, path), Catch::Contains("longer than 256"));
  REQUIRE(dir.entries().empty());
}

// ---- Format version 2: XXH3-64 file checksum; version 1 still read ----

namespace {

// tests/data/nhb2_v1_one_class.nhb2 was written by the version-1 writer (the fuzz seed
// `one_class.nhb2` of tests/fuzz/make_nhb2_seeds.cpp): 1 class, seed 222, empty cell hashes,
// every value of every column in order 0.25, 0.5, 0.75, ...
const std::string kV1File = std::string(NHB2_TEST_DATA_DIR) + "/nhb2_v1_one_class.nhb2";

// Runs a shell command and returns its standard output.
std::string shell_output(const std::string& command) {
  std::string output;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  ::pclose(pipe);
  return output;
}

}  // namespace

TEST_CASE("a version-1 file (legacy checksum) still opens", "[nhb2_file]") {
  const auto bytes = read_bytes(kV1File);
  REQUIRE(get<std::uint32_t>(bytes, kOffsetVersion) == nhb2::kLegacyNhb2FormatVersion);
  const nhb2::Table table = nhb2::read_nhb2(kV1File);
  CHECK(table.num_classes() == 1);
  CHECK(table.seeds() == std::vector<int>{222});
  CHECK(table.source().description == "fuzz seed");
  double expected = 0.0;
  for (const auto& column : table.columns()) {
    for (const double value : column.values) REQUIRE(value == (expected += 0.25));
  }
  const nhb2::Nhb2FileInfo info = nhb2::inspect_nhb2(kV1File);
  CHECK(info.version == nhb2::kLegacyNhb2FormatVersion);
  CHECK(info.stored_checksum == nhb2::nhb2_file_checksum(nhb2::kLegacyNhb2FormatVersion,
                                                         bytes.data() + kHeaderSize,
                                                         bytes.size() - kHeaderSize));
}

TEST_CASE("a damaged version-1 file is refused by its legacy checksum", "[nhb2_file]") {
  TempDir dir;
  auto bytes = read_bytes(kV1File);
  bytes[bytes.size() - 3] ^= 0x10;
  REQUIRE(contains(read_error(dir.file("damaged.nhb2"), bytes), "checksum mismatch"));
}

TEST_CASE("a version-1 file is rewritten as version 2 with the same table checksum",
          "[nhb2_file]") {
  TempDir dir;
  const nhb2::Table v1 = nhb2::read_nhb2(kV1File);
  nhb2::write_nhb2(v1, dir.file("v2.nhb2"));
  CHECK(nhb2::inspect_nhb2(dir.file("v2.nhb2")).version == nhb2::kNhb2FormatVersion);
  CHECK(nhb2::read_nhb2(dir.file("v2.nhb2")).checksum() == v1.checksum());
}

TEST_CASE("the file checksum is what xxhsum -H3 prints for the bytes after the header",
          "[nhb2_file][xxhsum]") {
  if (std::system("command -v xxhsum > /dev/null 2>&1") != 0) {
    WARN("xxhsum is not installed (Debian package xxhash): the independent check is skipped");
    return;
  }
  TempDir dir;
  const std::string path = dir.file("t.nhb2");
  nhb2::write_nhb2(make_small_table(), path);
  const nhb2::Nhb2FileInfo info = nhb2::inspect_nhb2(path);
  // The command docs/data-format.md gives users; xxhsum prints "XXH3 (stdin) = <16 hex digits>".
  const std::string output = shell_output("tail -c +57 '" + path + "' | xxhsum -H3");
  INFO("xxhsum printed: " << output);
  const auto end = output.find_last_not_of(" \n");
  REQUIRE((end != std::string::npos && end >= 15));
  CHECK(output.substr(end - 15, 16) == info.stored_checksum_hex());
  // nhb2 info reports the same value.
  const auto cli = nhb2::test::run_cli("info --data '" + path + "'");
  REQUIRE(cli.exit_code == 0);
  CHECK(contains(cli.out, "file checksum: " + info.stored_checksum_hex() + " "));
}

TEST_CASE("the table checksum is XXH3-64 of the documented canonical layout", "[nhb2_file]") {
  // docs/data-format.md, "Table checksum", rebuilt byte by byte.
  const nhb2::Table table = make_small_table();
  std::string bytes;
  const auto append = [&](const auto& value) {
    bytes.append(reinterpret_cast<const char*>(&value), sizeof value);
  };
  const auto text = [&](const std::string& value) {
    append(static_cast<std::uint32_t>(value.size()));
    bytes += value;
  };
  append(static_cast<std::uint32_t>(table.num_classes()));
  append(static_cast<std::uint32_t>(table.seeds().size()));
  for (const int seed : table.seeds()) append(static_cast<std::int32_t>(seed));
  for (const std::int16_t c : table.class_of_cell()) append(c);
  for (const auto& hash : table.cell_hash()) text(hash);
  append(static_cast<std::uint32_t>(table.columns().size()));
  for (const auto& column : table.columns()) {
    text(column.name);
    append(static_cast<std::uint8_t>(column.kind));
    append(static_cast<std::uint64_t>(column.values.size()));
    for (const double value : column.values) append(value);
  }
  CHECK(table.checksum() == nhb2::to_hex(nhb2::xxh3_64(bytes.data(), bytes.size())));
}
