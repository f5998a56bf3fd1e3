#include "bo_candidates.hpp"

#include <cstdint>

namespace nhb2 {

namespace {

constexpr int kSampleAttempts = 100;  // tries to draw an unseen uniform sample

}  // namespace

bool ProposedConfigs::seen(const Config& config) const {
  if (evaluated[static_cast<std::size_t>(config.index())]) return true;
  for (const auto& entry : pending) {
    if (entry.second == config) return true;
  }
  return false;
}

Config ProposedConfigs::fresh_sample(const SearchSpace& space, Rng& rng) const {
  Config config = space.sample(rng);
  for (int attempt = 1; attempt < kSampleAttempts && seen(config); ++attempt) {
    config = space.sample(rng);
  }
  return config;
}

std::vector<Config> bo_candidates(const SearchSpace& space, Rng& rng, int n_uniform,
                                  const std::vector<Config>& top, int n_mutations,
                                  const std::function<bool(const Config&)>& excluded) {
  std::vector<Config> result;
  // Which configs are in result, by index; cleared again on the way out (an exception included),
  // so the next call on this thread finds it all zero.
  thread_local std::vector<std::uint8_t> included(kNumConfigs, 0);
  struct Clear {
    const std::vector<Config>& configs;
    void operator()() const {
      for (const Config& config : configs) included[static_cast<std::size_t>(config.index())] = 0;
    }
    ~Clear() { (*this)(); }  // result is still whole when an exception leaves
  } clear{result};
  auto add = [&](const Config& config) {
    if (excluded(config)) return;
    std::uint8_t& mark = included[static_cast<std::size_t>(config.index())];
    if (mark != 0) return;
    result.push_back(config);
    mark = 1;
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
  clear();  // before result may be moved out (the destructor then finds it empty)
  return result;
}

}  // namespace nhb2
