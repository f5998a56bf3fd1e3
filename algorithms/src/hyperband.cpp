#include <nhb2/algorithms/hyperband.hpp>

#include <nhb2/core/error.hpp>

#include "bracket_scheduler.hpp"
#include "option_checks.hpp"

#include <string>

namespace nhb2 {

Hyperband::Hyperband(HyperbandOptions options) : options_(options) {
  namespace check = option_checks;
  check::integer_in("hyperband", "eta", options_.eta, 2, 12);
  check::integer_in("hyperband", "min_budget", options_.min_budget, 1, kMaxEpochs);
  check::integer_in("hyperband", "max_budget", options_.max_budget, 1, kMaxEpochs);
  if (options_.min_budget > options_.max_budget) {
    check::refuse("hyperband", "min_budget", std::to_string(options_.min_budget),
                  "integer <= max_budget (" + std::to_string(options_.max_budget) + ")");
  }
  check::integer_at_least("hyperband", "n_iterations", options_.n_iterations, 0);
  brackets_ = std::make_unique<BracketScheduler>(options_.eta, options_.min_budget,
                                                 options_.max_budget, options_.n_iterations);
}

Hyperband::~Hyperband() = default;

void Hyperband::reset(const SearchSpace& space, Rng rng) {
  space_ = space;
  rng_ = rng;
  brackets_->clear();
  pending_.clear();
  next_id_ = 0;
}

Trial Hyperband::ask() {
  const auto run = brackets_->next([this](const BracketScheduler::Request& request) {
    if (request.stage == 0) return BracketScheduler::Made{space_.sample(rng_), -1};
    return BracketScheduler::Made{request.promoted[request.index]->config, -1};
  });
  const std::uint64_t id = next_id_++;
  if (!run) {
    pending_[id] = Pending{};
    return Trial{space_.sample(rng_), options_.max_budget, id};
  }
  pending_[id] = Pending{run->ref.bracket, run->ref.stage, run->ref.slot};
  return Trial{run->config, run->epochs, id};
}

void Hyperband::tell(const Trial& trial, const Observation& observation) {
  const auto it = pending_.find(trial.id);
  if (it == pending_.end()) return;  // not ours (or told twice): nothing to update
  const Pending pending = it->second;
  pending_.erase(it);
  if (pending.bracket < 0) return;
  brackets_->record(BracketScheduler::SlotRef{pending.bracket, pending.stage, pending.slot},
                    observation.valid_acc);
}

bool Hyperband::finished() const {
  return brackets_->finished();
}

int Hyperband::iterations_started() const {
  return brackets_->iterations_started();
}

HyperbandOptions Hyperband::options_from(const ParamValues& values) {
  HyperbandOptions o;
  o.eta = static_cast<int>(values.get_int("eta"));
  o.min_budget = static_cast<int>(values.get_int("min_budget"));
  o.max_budget = static_cast<int>(values.get_int("max_budget"));
  o.n_iterations = static_cast<int>(values.get_int("n_iterations"));
  return o;
}

OptimizerInfo Hyperband::info() {
  const HyperbandOptions d;
  return OptimizerInfo{
      "hyperband",
      "synchronous Hyperband, successive halving over 1..12 epochs, uniform configs (Li 2018)",
      {ParamSpec::integer("eta", d.eta, 2, 12, "reduction factor of successive halving"),
       ParamSpec::integer("min_budget", d.min_budget, 1, kMaxEpochs,
                          "smallest budget, in epochs (<= max_budget)"),
       ParamSpec::integer("max_budget", d.max_budget, 1, kMaxEpochs, "largest budget, in epochs"),
       ParamSpec::integer("n_iterations", d.n_iterations, 0, 1000000,
                          "Hyperband iterations before the run ends (0: until the budget)")},
      [](const ParamValues& values) {
        return std::make_unique<Hyperband>(options_from(values));
      }};
}

}  // namespace nhb2
