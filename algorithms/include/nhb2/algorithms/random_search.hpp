#pragma once
// Random search (Bergstra & Bengio, JMLR 2012): every trial is a uniform sample of the space,
// trained for the full 12 epochs.
//
// Pending trials: ask() never depends on results, so any number may be in flight and tell()s
// may come in any order (they are ignored).

#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

namespace nhb2 {

class RandomSearch : public Optimizer {
 public:
  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;

  static OptimizerInfo info();

 private:
  SearchSpace space_;
  Rng rng_;
  std::uint64_t next_id_ = 0;
};

}  // namespace nhb2
