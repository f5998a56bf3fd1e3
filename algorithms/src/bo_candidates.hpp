#pragma once
// The candidate set a model-based ask scores with its acquisition function (private to the
// algorithms library).
//
// In order: `n_uniform` uniform samples of the space; every neighbour (single-element change) of
// each config in `top`; then `n_mutations` double mutations (space.mutate twice) of configs of
// `top` drawn uniformly (skipped when `top` is empty or the space has no free dimension).
// Configs for which `excluded` is true (already evaluated or pending) and repeats are left out,
// so the result may be empty. Random draws, from rng, in that order: the uniform samples, then per
// mutation the parent's index and the two mutations. This is gp_bo's candidate set (there with
// its 5 best observed configs as `top`); parego uses it with the 5 best under the ask's
// scalarisation.
//
// Cost: O((n_uniform + 30 |top| + n_mutations) · c), c the cost of one `excluded` call.

#include <nhb2/core/config.hpp>
#include <nhb2/core/rng.hpp>
#include <nhb2/core/search_space.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

namespace nhb2 {

// What a model-based optimizer (gp_bo, parego) must not propose again: the configs it was told
// about and those asked but not yet told.
struct ProposedConfigs {
  std::vector<char> evaluated = std::vector<char>(kNumConfigs, 0);  // by config index
  std::map<std::uint64_t, Config> pending;                          // by trial id

  // Evaluated or pending. O(1 + pending).
  bool seen(const Config& config) const;
  // A uniform sample of space that is not seen, drawing at most 100 times (the last draw is
  // returned when every one was seen).
  Config fresh_sample(const SearchSpace& space, Rng& rng) const;
};

std::vector<Config> bo_candidates(const SearchSpace& space, Rng& rng, int n_uniform,
                                  const std::vector<Config>& top, int n_mutations,
                                  const std::function<bool(const Config&)>& excluded);

}  // namespace nhb2
