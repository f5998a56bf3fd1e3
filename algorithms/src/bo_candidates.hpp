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

#include <functional>
#include <vector>

namespace nhb2 {

std::vector<Config> bo_candidates(const SearchSpace& space, Rng& rng, int n_uniform,
                                  const std::vector<Config>& top, int n_mutations,
                                  const std::function<bool(const Config&)>& excluded);

}  // namespace nhb2
