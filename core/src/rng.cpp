#include <nhb2/core/rng.hpp>

#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include <cassert>

namespace nhb2 {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t splitmix64(std::uint64_t seed, std::uint64_t index) {
  return splitmix64(seed + index * 0x9e3779b97f4a7c15ULL);
}

int uniform_index(Rng& rng, int n) {
  assert(n > 0);
  boost::random::uniform_int_distribution<int> dist(0, n - 1);
  return dist(rng);
}

double uniform_real(Rng& rng) {
  boost::random::uniform_real_distribution<double> dist(0.0, 1.0);
  return dist(rng);
}

double standard_normal(Rng& rng) {
  boost::random::normal_distribution<double> dist(0.0, 1.0);
  return dist(rng);
}

}  // namespace nhb2
