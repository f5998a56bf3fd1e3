#include "epsilon_greedy.hpp"

#include <nhb2/core/error.hpp>

#include <string>

namespace nhb2 {

EpsilonGreedy::EpsilonGreedy(double epsilon, int epochs) : epsilon_(epsilon), epochs_(epochs) {
  if (!(epsilon >= 0.0 && epsilon <= 1.0)) {
    throw ConfigError("epsilon_greedy: epsilon " + std::to_string(epsilon) +
                      " is out of range; allowed: [0, 1]");
  }
  if (epochs < 1 || epochs > kMaxEpochs) {
    throw ConfigError("epsilon_greedy: epochs " + std::to_string(epochs) +
                      " is out of range; allowed: 1.." + std::to_string(kMaxEpochs));
  }
}

void EpsilonGreedy::reset(const SearchSpace& space, Rng rng) {
  space_ = space;
  rng_ = rng;
  best_config_.reset();
  best_valid_acc_ = 0.0;
  next_id_ = 0;
}

Trial EpsilonGreedy::ask() {
  // Explore until something was told, and then with probability epsilon.
  const bool explore = !best_config_ || uniform_real(rng_) < epsilon_;
  const Config config = explore ? space_.sample(rng_) : space_.mutate(*best_config_, rng_);
  return Trial{config, epochs_, next_id_++};
}

void EpsilonGreedy::tell(const Trial& trial, const Observation& observation) {
  if (!best_config_ || observation.valid_acc > best_valid_acc_) {
    best_config_ = trial.config;
    best_valid_acc_ = observation.valid_acc;
  }
}

OptimizerInfo EpsilonGreedy::info() {
  return OptimizerInfo{
      "epsilon_greedy",
      "mutate the best config so far; explore uniformly with probability epsilon",
      {ParamSpec::real("epsilon", 0.2, 0.0, 1.0, "probability of a uniform random trial"),
       ParamSpec::integer("epochs", 12, 1, 12, "training epochs of every trial (fidelity)")},
      [](const ParamValues& values) {
        return std::make_unique<EpsilonGreedy>(values.get_real("epsilon"),
                                               static_cast<int>(values.get_int("epochs")));
      }};
}

}  // namespace nhb2
