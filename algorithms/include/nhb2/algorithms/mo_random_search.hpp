#pragma once
// Multi-objective random search: uniform samples of the whole space, each trained for 12 epochs,
// keeping every told member so that front() gives the non-dominated set found (valid_acc
// maximised, the run's objective minimised; algorithms/mo_selection.hpp). The baseline the
// multi-objective optimizers are compared against.
//
// Pending trials: ask() never depends on results; tell()s may come in any order.

#include <nhb2/algorithms/mo_selection.hpp>
#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

namespace nhb2 {

class MoRandomSearch : public Optimizer {
 public:
  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;

  // Every told member, in tell order, and the non-dominated ones among them.
  const std::vector<MoMember>& members() const { return members_; }
  std::vector<MoMember> front() const;

  static OptimizerInfo info();

 private:
  SearchSpace space_;
  Rng rng_;
  std::vector<MoMember> members_;
  std::uint64_t next_id_ = 0;
};

}  // namespace nhb2
