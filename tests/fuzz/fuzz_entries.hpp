#pragma once
// The entry functions of the fuzz targets, shared by the libFuzzer binaries (tests/fuzz/fuzz_*.cpp,
// built with clang and NHB2_FUZZ=ON) and the corpus replay test (tests/fuzz_replay_test.cpp), so
// that any input the fuzzer saved can be replayed by the ordinary test suite without clang.
//
// Contract: each entry feeds the bytes to one reader and returns normally when the reader accepts
// them or throws nhb2::Error (DataError, InvalidArgument, ConfigError): those are the only
// allowed outcomes. Any other exception escapes, and a crash or sanitizer report is a finding.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nhb2::fuzz {

// nhb2::pickle::parse on the bytes, then a walk over the whole document with every accessor;
// then nhb2::pickle::parse_file on the same bytes written to a scratch file, read in windows of
// 1-23 bytes, which must give the same document or the same error.
void fuzz_pickle(const std::uint8_t* data, std::size_t size);

// The bytes as a .nhb2 file: inspect_nhb2 and read_nhb2 on them as they are, then once more with
// the header's file_size and checksum patched to match, so that mutations reach the metadata and
// directory checks behind the checksum. The readers take only a path, so each input is written
// to a per-process temporary file (in /dev/shm when it exists).
void fuzz_nhb2_file(const std::uint8_t* data, std::size_t size);

// parse_cellcode, parse_lr and parse_batch_size on the text, whole and split at each '\n'.
void fuzz_cellcode(const std::uint8_t* data, std::size_t size);

// parse_sweep_config on the text as YAML.
void fuzz_sweep_config(const std::uint8_t* data, std::size_t size);

using FuzzEntry = void (*)(const std::uint8_t*, std::size_t);

struct FuzzTarget {
  const char* name;  // also the corpus folder: tests/fuzz/corpus/<name>/
  FuzzEntry entry;
};

// Every target, in a fixed order.
const std::vector<FuzzTarget>& fuzz_targets();

}  // namespace nhb2::fuzz
