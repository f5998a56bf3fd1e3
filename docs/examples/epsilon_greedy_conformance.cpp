// The conformance kit of an installed nhb2 on the example optimizer, from an outside project:
// 1, 4 and 16 trials in flight, tells in shuffled order, valid trials, same seed → same trials.
// Exit status 0 when every check passes.

#include "epsilon_greedy.hpp"

#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/experiments/conformance.hpp>

#include <iostream>
#include <memory>

int main() {
  const nhb2::Benchmark benchmark = nhb2::Benchmark::synthetic(nhb2::kDefaultSyntheticSeed);
  const nhb2::ConformanceReport report = nhb2::check_conformance(
      "epsilon_greedy", [] { return std::make_unique<nhb2::EpsilonGreedy>(0.1, 12); }, benchmark);
  std::cout << report.summary() << "\n";
  return report.passed() ? 0 : 1;
}
