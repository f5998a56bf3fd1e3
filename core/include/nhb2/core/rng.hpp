#pragma once
// Explicit random streams. Every random decision in nhb2 draws from an engine that was passed in;
// there is no global engine, no random_device and no clock. Boost.Random engines and distributions
// produce the same sequence on every platform and standard library, so a seed replays a run.
//
// master_seed --splitmix64(master_seed, run_index)--> run_seed, identical for every optimizer so
// runs are paired; a run then derives one independent stream per consumer with stream_seed().

#include <boost/random/mersenne_twister.hpp>

#include <cstdint>

namespace nhb2 {

using Rng = boost::random::mt19937_64;

// The splitmix64 finaliser: a bijective 64-bit mixer.
std::uint64_t splitmix64(std::uint64_t x);
// The index-th output of a splitmix64 sequence started at seed.
std::uint64_t splitmix64(std::uint64_t seed, std::uint64_t index);

inline std::uint64_t run_seed(std::uint64_t master_seed, std::uint64_t run_index) {
  return splitmix64(master_seed, run_index);
}

// The consumers of a run's randomness; each gets an independent stream.
enum class Stream : std::uint64_t { optimizer = 1, oracle = 2, synthetic = 3 };

inline std::uint64_t stream_seed(std::uint64_t seed, Stream stream) {
  return splitmix64(seed ^ 0x6e6862322d727321ULL, static_cast<std::uint64_t>(stream));
}

inline Rng make_rng(std::uint64_t seed) {
  return Rng(seed);
}

// Uniform integer in [0, n). Precondition: n > 0.
int uniform_index(Rng& rng, int n);
// Uniform real in [0, 1).
double uniform_real(Rng& rng);
// Standard normal deviate.
double standard_normal(Rng& rng);

}  // namespace nhb2
