#pragma once
// Multi-objective regularized (aging) evolution: REA (Real et al., AAAI 2019) with NSGA-II's
// crowded comparison (Deb et al., IEEE TEVC 2002) as the tournament criterion, maximising
// valid_acc and minimising the run's second objective (algorithms/mo_selection.hpp).
//
// The population is filled with uniform random configs; then each step computes every member's
// non-dominated rank and crowding distance within the population, draws sample_size members
// uniformly WITH replacement, takes the crowded-comparison best as the parent (the first drawn on
// ties), proposes space.mutate(parent) trained for 12 epochs, appends the child at its tell()
// and removes the oldest member whatever its rank.
//
// Parameters: population_size (20, >= 2), sample_size (5, 1 .. population_size).
//
// Pending trials: as regularized_evolution (members join in tell() order; random configs until
// population_size members have been told).

#include <nhb2/algorithms/mo_selection.hpp>
#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

namespace nhb2 {

class MoRegularizedEvolution : public Optimizer {
 public:
  // Throws ConfigError for population_size < 2, sample_size < 1 or
  // sample_size > population_size (naming both).
  MoRegularizedEvolution(int population_size, int sample_size);

  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;

  // Oldest first.
  const std::vector<MoMember>& population() const { return population_; }

  // The tournament: the index (into population) of the crowded-comparison best of `drawn`
  // (indices into population, in draw order), the first drawn on ties.
  static std::size_t tournament_winner(const std::vector<MoMember>& population,
                                       const std::vector<std::size_t>& drawn);

  static OptimizerInfo info();

 private:
  int population_size_;
  int sample_size_;
  SearchSpace space_;
  Rng rng_;
  std::vector<MoMember> population_;
  std::uint64_t next_id_ = 0;
};

}  // namespace nhb2
