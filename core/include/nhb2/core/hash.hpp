#pragma once
// Checksums: XXH3-64 with seed 0 (xxHash 0.8), the value `xxhsum -H3 FILE` prints, so any
// checksum nhb2 reports over a byte range can be checked with that command line tool.
// xxHash is used header-only inside core/src/hash.cpp; nothing here exposes it.
//
// xxh3_64(data, size) hashes one byte range; Xxh3Stream hashes a sequence of ranges as if they
// were one (the same value as xxh3_64 over their concatenation), for data that arrives in pieces.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace nhb2 {

std::uint64_t xxh3_64(const void* data, std::size_t size);

// XXH3-64 of a whole file's bytes, read in blocks (what `xxhsum -H3 FILE` prints). Throws
// DataError naming the path when it cannot be read.
std::uint64_t file_xxh3_64(const std::string& path);

class Xxh3Stream {
 public:
  Xxh3Stream();
  ~Xxh3Stream();
  Xxh3Stream(const Xxh3Stream&) = delete;
  Xxh3Stream& operator=(const Xxh3Stream&) = delete;

  void update(const void* data, std::size_t size);
  // The hash of everything passed to update() so far; more updates may follow.
  std::uint64_t digest() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace nhb2
