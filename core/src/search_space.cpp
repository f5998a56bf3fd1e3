#include <nhb2/core/search_space.hpp>

#include <nhb2/core/error.hpp>

#include <cassert>
#include <string>

namespace nhb2 {

SearchSpace& SearchSpace::fix(int dim, int value) {
  if (dim < 0 || dim >= kNumDims) {
    throw InvalidArgument("dimension " + std::to_string(dim) + " does not exist; allowed: 0..7");
  }
  if (value < 0 || value >= kDimSizes[dim]) {
    throw InvalidArgument("value " + std::to_string(value) + " of dimension " +
                          std::to_string(dim) + " is out of range; allowed: 0.." +
                          std::to_string(kDimSizes[dim] - 1));
  }
  fixed_[dim] = value;
  return *this;
}

int SearchSpace::num_free_dims() const {
  int n = 0;
  for (int dim = 0; dim < kNumDims; ++dim) n += !is_fixed(dim);
  return n;
}

std::uint64_t SearchSpace::size() const {
  std::uint64_t n = 1;
  for (int dim = 0; dim < kNumDims; ++dim) {
    if (!is_fixed(dim)) n *= static_cast<std::uint64_t>(kDimSizes[dim]);
  }
  return n;
}

bool SearchSpace::contains(const Config& config) const {
  for (int dim = 0; dim < kNumDims; ++dim) {
    if (config.values[dim] >= kDimSizes[dim]) return false;
    if (is_fixed(dim) && config.values[dim] != fixed_[dim]) return false;
  }
  return true;
}

Config SearchSpace::sample(Rng& rng) const {
  Config config;
  for (int dim = 0; dim < kNumDims; ++dim) {
    config.values[dim] =
        static_cast<std::uint8_t>(is_fixed(dim) ? fixed_[dim] : uniform_index(rng, kDimSizes[dim]));
  }
  return config;
}

Config SearchSpace::mutate(const Config& config, Rng& rng) const {
  std::array<int, kNumDims> free_dims{};
  int num_free = 0;
  for (int dim = 0; dim < kNumDims; ++dim) {
    if (!is_fixed(dim)) free_dims[num_free++] = dim;
  }
  assert(num_free > 0);
  const int dim = free_dims[uniform_index(rng, num_free)];
  // A different value, uniformly: draw among the size-1 others and skip over the current one.
  int value = uniform_index(rng, kDimSizes[dim] - 1);
  if (value >= config.values[dim]) ++value;
  Config child = config;
  child.values[dim] = static_cast<std::uint8_t>(value);
  return child;
}

std::vector<Config> SearchSpace::neighbours(const Config& config) const {
  std::vector<Config> result;
  result.reserve(30);
  for (int dim = 0; dim < kNumDims; ++dim) {
    if (is_fixed(dim)) continue;
    for (int value = 0; value < kDimSizes[dim]; ++value) {
      if (value == config.values[dim]) continue;
      Config neighbour = config;
      neighbour.values[dim] = static_cast<std::uint8_t>(value);
      result.push_back(neighbour);
    }
  }
  return result;
}

}  // namespace nhb2
