#include <nhb2/core/hash.hpp>

// Header-only use of Debian's libxxhash-dev: every function is compiled into this file, so there
// is no link dependency.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <nhb2/core/error.hpp>

#include <cassert>
#include <fstream>
#include <vector>

namespace nhb2 {

struct Xxh3Stream::State {
  XXH3_state_t xxh3;  // 64-byte aligned; operator new honours that (C++17)
};

std::uint64_t xxh3_64(const void* data, std::size_t size) {
  return XXH3_64bits(data, size);
}

Xxh3Stream::Xxh3Stream() : state_(std::make_unique<State>()) {
  XXH3_INITSTATE(&state_->xxh3);
  const XXH_errorcode reset = XXH3_64bits_reset(&state_->xxh3);
  assert(reset == XXH_OK);
  (void)reset;
}

Xxh3Stream::~Xxh3Stream() = default;

void Xxh3Stream::update(const void* data, std::size_t size) {
  const XXH_errorcode updated = XXH3_64bits_update(&state_->xxh3, data, size);
  assert(updated == XXH_OK);  // fails only for a null pointer with a nonzero size
  (void)updated;
}

std::uint64_t Xxh3Stream::digest() const {
  return XXH3_64bits_digest(&state_->xxh3);
}

std::uint64_t file_xxh3_64(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError("cannot read '" + path + "'");
  Xxh3Stream stream;
  std::vector<char> buffer(std::size_t{1} << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    stream.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw DataError("cannot read '" + path + "'");
  return stream.digest();
}

}  // namespace nhb2
