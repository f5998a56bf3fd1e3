#pragma once
// The `.nhb2` file: a versioned binary copy of a Table that opens in milliseconds.
//
// Contract (the byte layout is specified field by field in docs/data-format.md):
// - write_nhb2 validates the table, writes it to a unique temporary file beside `path` and renames
//   it over `path`, so a reader never sees a half-written file. On any failure it throws DataError
//   naming the path and the OS reason, removes the temporary file and leaves `path` untouched.
// - read_nhb2 refuses any file that is not exactly what write_nhb2 writes, throwing DataError with
//   a one-line message that starts with the path and says what is wrong (missing, not an nhb2
//   file, unsupported version, wrong byte order, truncated, absurd dimensions, checksum mismatch,
//   bad column directory, then Table::validate()). It never reads out of bounds, never crashes on
//   any bytes, and never allocates more than the file's actual size justifies.
// - read_nhb2 maps the file (read-only, private) and the returned table's columns are views of
//   the mapping (column_values.hpp): no copy. The mapping lives as long as any column viewing it;
//   the checksum is verified on every open over the mapped bytes. A file truncated by another
//   process while mapped ends the process with SIGBUS at the next access to a lost page; nhb2
//   itself only ever replaces files by renaming (docs/data-format.md, "Reading").
// - The file checksum (stored in the header) guards the bytes of the file; it is not
//   Table::checksum(), which hashes the table's content and is what results should cite.
//   Version 2 stores XXH3-64 of every byte after the 56-byte header, so a user can check a file
//   with `tail -c +57 FILE | xxhsum -H3`. Version 1 files (a legacy hash) are still read; every
//   file written is version 2.
// - Files are written on little-endian hosts only; a file with another byte order is refused.

#include <nhb2/benchmark_api/table.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nhb2 {

// The version write_nhb2 writes; read_nhb2 also reads kLegacyNhb2FormatVersion.
constexpr std::uint32_t kNhb2FormatVersion = 2;
constexpr std::uint32_t kLegacyNhb2FormatVersion = 1;
// Bytes before the checksummed part of a file.
constexpr std::size_t kNhb2HeaderSize = 56;

// One entry of the column directory; offsets are from the start of the file.
struct Nhb2ColumnInfo {
  std::string name;
  ColumnKind kind = ColumnKind::per_epoch;
  std::uint64_t byte_offset = 0;
  std::uint64_t byte_length = 0;
};

// What a file holds, read from its header, metadata and directory (not its column payloads).
struct Nhb2FileInfo {
  std::string path;
  std::uint32_t version = 0;
  std::uint64_t file_size = 0;
  std::uint64_t stored_checksum = 0;  // file checksum from the header; not verified by inspect
  int num_classes = 0;
  int num_epochs = 0;
  std::vector<int> seeds;
  DataSource source;
  std::vector<Nhb2ColumnInfo> columns;

  // The stored file checksum as 16 hex digits.
  std::string stored_checksum_hex() const;
};

// Writes `table` to `path` atomically. Throws DataError (table invalid, or the folder is missing or
// unwritable, or the disk is full) and then leaves no file behind.
void write_nhb2(const Table& table, const std::string& path);

// Reads and fully checks a file written by write_nhb2 (checksum included).
Table read_nhb2(const std::string& path);

// The file checksum a file of format `version` stores for `size` bytes that follow its header
// (file bytes [56, file_size)): XXH3-64 for version 2, the legacy block hash for version 1.
// For tools and tests that build or repair files byte by byte.
std::uint64_t nhb2_file_checksum(std::uint32_t version, const void* bytes_after_header,
                                 std::size_t size);

// Reads only the header, metadata and column directory, checking their structure but not the
// checksum of the payloads; fast on any file size (for `nhb2 info`).
Nhb2FileInfo inspect_nhb2(const std::string& path);

}  // namespace nhb2
