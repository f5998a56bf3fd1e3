#include <nhb2/algorithms/regularized_evolution.hpp>

#include <nhb2/core/error.hpp>

#include <string>

namespace nhb2 {

namespace {
constexpr int kMaxPopulationSize = 100000;
}  // namespace

RegularizedEvolution::RegularizedEvolution(int population_size, int sample_size)
    : population_size_(population_size), sample_size_(sample_size) {
  if (population_size < 2) {
    throw ConfigError("regularized_evolution: population_size " + std::to_string(population_size) +
                      " is too small; allowed: integer >= 2");
  }
  if (sample_size < 1) {
    throw ConfigError("regularized_evolution: sample_size " + std::to_string(sample_size) +
                      " is too small; allowed: integer >= 1");
  }
  if (sample_size > population_size) {
    throw ConfigError("regularized_evolution: sample_size " + std::to_string(sample_size) +
                      " exceeds population_size " + std::to_string(population_size) +
                      "; sample_size must be <= population_size");
  }
}

void RegularizedEvolution::reset(const SearchSpace& space, Rng rng) {
  space_ = space;
  rng_ = rng;
  population_.clear();
  next_id_ = 0;
}

Trial RegularizedEvolution::ask() {
  if (static_cast<int>(population_.size()) < population_size_) {
    return Trial{space_.sample(rng_), kMaxEpochs, next_id_++};
  }
  const int n = static_cast<int>(population_.size());
  // With replacement, as the reference; strict '>' keeps the first of equal accuracies.
  const Member* parent = &population_[uniform_index(rng_, n)];
  for (int i = 1; i < sample_size_; ++i) {
    const Member& candidate = population_[uniform_index(rng_, n)];
    if (candidate.valid_acc > parent->valid_acc) parent = &candidate;
  }
  return Trial{space_.mutate(parent->config, rng_), kMaxEpochs, next_id_++};
}

void RegularizedEvolution::tell(const Trial& trial, const Observation& observation) {
  population_.push_back(Member{trial.config, observation.valid_acc});
  // Aging: the oldest member dies, whatever its accuracy.
  if (static_cast<int>(population_.size()) > population_size_) population_.pop_front();
}

OptimizerInfo RegularizedEvolution::info() {
  return OptimizerInfo{
      "regularized_evolution",
      "aging evolution: tournament of sample_size, one-element mutation, oldest dies (Real 2019)",
      {ParamSpec::integer("population_size", 10, 2, kMaxPopulationSize,
                          "members kept alive; the first ones are random configs"),
       ParamSpec::integer("sample_size", 3, 1, kMaxPopulationSize,
                          "members drawn with replacement per step; the best is the parent "
                          "(must be <= population_size)")},
      [](const ParamValues& values) {
        return std::make_unique<RegularizedEvolution>(
            static_cast<int>(values.get_int("population_size")),
            static_cast<int>(values.get_int("sample_size")));
      }};
}

}  // namespace nhb2
