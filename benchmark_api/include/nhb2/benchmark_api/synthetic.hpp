#pragma once
// The built-in synthetic benchmark: the default data source when no data file is given.
//
// Contract: make_synthetic_table(seed) returns a complete Table with the real benchmark's shape
// (the 1011 canonical classes of core/canonical.hpp, seeds 222/555/888, 12 epochs, exactly the
// standard columns of table.hpp), generated in memory from `seed` alone.
// The same seed gives a bit-identical table (same checksum()) on every platform and thread
// count; different seeds give different tables. Every value is finite. The table is labelled
// source() = {"synthetic", "synthetic (generator v1, seed N)"} and must never be presented as the
// real benchmark. cell_hash of a cellcode is "syn-" followed by 32 hex digits derived from the
// seed and its class representative, so all members of a class share it.
// Per run, the stored totals equal the sums of the per-epoch times (in epoch order):
// total_train_time = Σ train_time, total_trainval_time = total_train_time + Σ valid_time,
// total_test_time = Σ test_time.
// The model and which facts of the real data it reproduces are described in docs/synthetic.md.

#include <nhb2/benchmark_api/table.hpp>

#include <cstdint>
#include <string>

namespace nhb2 {

constexpr std::uint64_t kDefaultSyntheticSeed = 1;
// Bumped whenever the same seed would produce different values.
constexpr int kSyntheticGeneratorVersion = 1;

Table make_synthetic_table(std::uint64_t seed = kDefaultSyntheticSeed);
// The source description of that table: "synthetic (generator vV, seed N)".
std::string make_synthetic_description(std::uint64_t seed);

}  // namespace nhb2
