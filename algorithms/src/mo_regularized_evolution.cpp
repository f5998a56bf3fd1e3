#include <nhb2/algorithms/mo_regularized_evolution.hpp>

#include <nhb2/core/error.hpp>

#include <string>

namespace nhb2 {

namespace {
constexpr int kMaxPopulationSize = 10000;
}  // namespace

MoRegularizedEvolution::MoRegularizedEvolution(int population_size, int sample_size)
    : population_size_(population_size), sample_size_(sample_size) {
  if (population_size < 2) {
    throw ConfigError("mo_regularized_evolution: population_size " +
                      std::to_string(population_size) + " is too small; allowed: integer >= 2");
  }
  if (sample_size < 1) {
    throw ConfigError("mo_regularized_evolution: sample_size " + std::to_string(sample_size) +
                      " is too small; allowed: integer >= 1");
  }
  if (sample_size > population_size) {
    throw ConfigError("mo_regularized_evolution: sample_size " + std::to_string(sample_size) +
                      " exceeds population_size " + std::to_string(population_size) +
                      "; sample_size must be <= population_size");
  }
}

void MoRegularizedEvolution::reset(const SearchSpace& space, Rng rng) {
  space_ = space;
  rng_ = rng;
  population_.clear();
  next_id_ = 0;
}

std::size_t MoRegularizedEvolution::tournament_winner(const std::vector<MoMember>& population,
                                                      const std::vector<std::size_t>& drawn) {
  const RankCrowding order = rank_and_crowd(population);
  std::size_t winner = drawn.front();
  for (std::size_t i = 1; i < drawn.size(); ++i) {
    if (crowded_better(order, drawn[i], winner)) winner = drawn[i];
  }
  return winner;
}

Trial MoRegularizedEvolution::ask() {
  if (static_cast<int>(population_.size()) < population_size_) {
    return Trial{space_.sample(rng_), kMaxEpochs, next_id_++};
  }
  const int n = static_cast<int>(population_.size());
  std::vector<std::size_t> drawn(static_cast<std::size_t>(sample_size_));
  for (std::size_t& index : drawn) index = static_cast<std::size_t>(uniform_index(rng_, n));
  const std::size_t parent = tournament_winner(population_, drawn);
  return Trial{space_.mutate(population_[parent].config, rng_), kMaxEpochs, next_id_++};
}

void MoRegularizedEvolution::tell(const Trial& trial, const Observation& observation) {
  population_.push_back(mo_member(trial, observation));
  // Aging: the oldest member dies, whatever its rank.
  if (static_cast<int>(population_.size()) > population_size_) {
    population_.erase(population_.begin());
  }
}

OptimizerInfo MoRegularizedEvolution::info() {
  return OptimizerInfo{
      "mo_regularized_evolution",
      "aging evolution with non-dominated rank + crowding as the tournament criterion",
      {ParamSpec::integer("population_size", 20, 2, kMaxPopulationSize,
                          "members kept alive; the first ones are random configs"),
       ParamSpec::integer("sample_size", 5, 1, kMaxPopulationSize,
                          "members drawn with replacement per step; the crowded-comparison best "
                          "is the parent (must be <= population_size)")},
      [](const ParamValues& values) {
        return std::make_unique<MoRegularizedEvolution>(
            static_cast<int>(values.get_int("population_size")),
            static_cast<int>(values.get_int("sample_size")));
      }};
}

}  // namespace nhb2
