#pragma once
// The search space an optimizer explores: the 8 categorical dimensions of a Config, each either
// free or fixed to one value (two-stage methods fix lr and batch size for their NAS stage).
//
// sample()     uniform over the free dimensions (fixed ones keep their value);
// mutate()     the reference REA mutation: pick one free dimension uniformly, then a different
//              value for it uniformly;
// neighbours() every single-dimension change: 30 in the full space.

#include <nhb2/core/config.hpp>
#include <nhb2/core/rng.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace nhb2 {

class SearchSpace {
 public:
  // The full space of 196,608 configurations.
  SearchSpace() = default;

  // Restricts dimension dim to one value. Throws InvalidArgument for a bad dim or value.
  SearchSpace& fix(int dim, int value);
  bool is_fixed(int dim) const { return fixed_[dim] >= 0; }
  int fixed_value(int dim) const { return fixed_[dim]; }
  int num_free_dims() const;
  std::uint64_t size() const;

  bool contains(const Config& config) const;
  Config sample(Rng& rng) const;
  // Precondition: at least one free dimension with two or more values.
  Config mutate(const Config& config, Rng& rng) const;
  std::vector<Config> neighbours(const Config& config) const;

 private:
  std::array<int, kNumDims> fixed_{-1, -1, -1, -1, -1, -1, -1, -1};
};

}  // namespace nhb2
