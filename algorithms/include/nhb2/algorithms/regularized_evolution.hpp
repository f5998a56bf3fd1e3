#pragma once
// Regularized (aging) evolution, REA (Real et al., AAAI 2019, Algorithm 1), as in the reference
// NAS-HPO-Bench-II experiments (yoichii/nashpobench2api, bench_algos/rea.py).
//
// The population is filled with uniform random configs; then each step draws `sample_size`
// members uniformly WITH replacement, takes the one with the best validation accuracy as the
// parent (the first of them on ties), proposes space.mutate(parent) (one element changed), appends
// the child and removes the oldest member. Every trial is trained for the full 12 epochs.
//
// Parameters: population_size (10, >= 2), sample_size (3, 1 .. population_size).
//
// Ask/tell with pending trials: members join the population in tell() order, and the oldest is
// removed when it grows past population_size. While fewer than population_size members have been
// told, ask() keeps returning random configs. Only space.sample() and space.mutate() are used, so
// the class also works in a restricted space (two-stage methods fix lr and batch size).

#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/registry.hpp>

#include <deque>

namespace nhb2 {

class RegularizedEvolution : public Optimizer {
 public:
  struct Member {
    Config config;
    double valid_acc = 0.0;
  };

  // Throws ConfigError for population_size < 2, sample_size < 1 or
  // sample_size > population_size (naming both).
  RegularizedEvolution(int population_size, int sample_size);

  void reset(const SearchSpace& space, Rng rng) override;
  Trial ask() override;
  void tell(const Trial& trial, const Observation& observation) override;

  // Oldest first.
  const std::deque<Member>& population() const { return population_; }
  int population_size() const { return population_size_; }
  int sample_size() const { return sample_size_; }

  static OptimizerInfo info();

 private:
  int population_size_;
  int sample_size_;
  SearchSpace space_;
  Rng rng_;
  std::deque<Member> population_;
  std::uint64_t next_id_ = 0;
};

}  // namespace nhb2
