#include <nhb2/algorithms/nsga2.hpp>

#include <nhb2/core/error.hpp>

#include <string>

namespace nhb2 {

namespace {
constexpr int kMaxPopulationSize = 10000;
}  // namespace

Nsga2::Nsga2(int population_size) : population_size_(population_size) {
  if (population_size < 2) {
    throw ConfigError("nsga2: population_size " + std::to_string(population_size) +
                      " is too small; allowed: integer >= 2");
  }
}

void Nsga2::reset(const SearchSpace& space, Rng rng) {
  space_ = space;
  rng_ = rng;
  parents_.clear();
  parent_order_ = RankCrowding{};
  pool_.clear();
  generations_ = 0;
  next_id_ = 0;
}

Trial Nsga2::ask() {
  if (parents_.empty()) return Trial{space_.sample(rng_), kMaxEpochs, next_id_++};
  const int n = static_cast<int>(parents_.size());
  const std::size_t first = static_cast<std::size_t>(uniform_index(rng_, n));
  const std::size_t second = static_cast<std::size_t>(uniform_index(rng_, n));
  const std::size_t winner = crowded_better(parent_order_, second, first) ? second : first;
  return Trial{space_.mutate(parents_[winner].config, rng_), kMaxEpochs, next_id_++};
}

void Nsga2::tell(const Trial& trial, const Observation& observation) {
  pool_.push_back(mo_member(trial, observation));
  if (static_cast<int>(pool_.size()) < population_size_) return;
  std::vector<MoMember> merged = parents_;
  merged.insert(merged.end(), pool_.begin(), pool_.end());
  std::vector<MoMember> next;
  for (std::size_t i : survivors(merged, static_cast<std::size_t>(population_size_))) {
    next.push_back(merged[i]);
  }
  parents_ = std::move(next);
  // Rank and crowding among the parents themselves drive the tournaments of this generation.
  parent_order_ = rank_and_crowd(parents_);
  pool_.clear();
  ++generations_;
}

OptimizerInfo Nsga2::info() {
  return OptimizerInfo{
      "nsga2",
      "NSGA-II: non-dominated sorting + crowding, binary tournaments, mutation (Deb 2002)",
      {ParamSpec::integer("population_size", 20, 2, kMaxPopulationSize,
                          "parents kept per generation; also the offspring per generation")},
      [](const ParamValues& values) {
        return std::make_unique<Nsga2>(static_cast<int>(values.get_int("population_size")));
      }};
}

}  // namespace nhb2
