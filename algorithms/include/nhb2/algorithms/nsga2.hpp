#pragma once
// NSGA-II (Deb, Pratap, Agarwal, Meyarivan, IEEE Trans. Evol. Comput. 6(2), 2002) over the joint
// NAS+HPO space, maximising valid_acc and minimising the run's second objective
// (Observation::objective_value; algorithms/mo_selection.hpp).
//
// The first population_size trials are uniform random configs; once that many have been told
// they form the parent population. Each later ask() picks a parent by binary tournament (two
// parents drawn uniformly with replacement; the crowded-comparison winner, the first on ties),
// and proposes space.mutate(parent) (one element of the 8 changed), trained for 12 epochs.
// Offspring join a pool in tell() order; when the pool holds population_size members, parents
// and pool are merged and NSGA-II's environmental selection (whole non-dominated fronts, the last
// one cut by crowding distance) keeps population_size of them as the next parents.
//
// Parameters: population_size (20, >= 2).
//
// Pending trials: asks draw from the current parents, so any number may be in flight; tell()s
// may come in any order.

#include <nhb2/algorithms/mo_selection.hpp>
#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

namespace nhb2 {

class Nsga2 : public Optimizer {
 public:
  // Throws ConfigError for population_size < 2.
  explicit Nsga2(int population_size);

  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;

  // The parents (empty until population_size members have been told), in preference order.
  const std::vector<MoMember>& parents() const { return parents_; }
  // Told offspring (or, before the first parents, told random members) not yet selected.
  const std::vector<MoMember>& pool() const { return pool_; }
  int generations() const { return generations_; }

  static OptimizerInfo info();

 private:
  int population_size_;
  SearchSpace space_;
  Rng rng_;
  std::vector<MoMember> parents_;
  RankCrowding parent_order_;
  std::vector<MoMember> pool_;
  int generations_ = 0;
  std::uint64_t next_id_ = 0;
};

}  // namespace nhb2
