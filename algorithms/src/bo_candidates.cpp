#include "bo_candidates.hpp"

#include <unordered_set>

namespace nhb2 {

std::vector<Config> bo_candidates(const SearchSpace& space, Rng& rng, int n_uniform,
                                  const std::vector<Config>& top, int n_mutations,
                                  const std::function<bool(const Config&)>& excluded) {
  std::vector<Config> result;
  std::unordered_set<int> included;
  auto add = [&](const Config& config) {
    if (excluded(config) || !included.insert(config.index()).second) return;
    result.push_back(config);
  };
  for (int i = 0; i < n_uniform; ++i) add(space.sample(rng));
  for (const Config& config : top) {
    for (const Config& neighbour : space.neighbours(config)) add(neighbour);
  }
  if (space.num_free_dims() > 0 && !top.empty()) {
    for (int i = 0; i < n_mutations; ++i) {
      const Config& parent = top[uniform_index(rng, static_cast<int>(top.size()))];
      add(space.mutate(space.mutate(parent, rng), rng));
    }
  }
  return result;
}

}  // namespace nhb2
