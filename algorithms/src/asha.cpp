#include <nhb2/algorithms/asha.hpp>

#include <nhb2/core/error.hpp>

#include "option_checks.hpp"

#include <algorithm>
#include <string>

namespace nhb2 {

Asha::Asha(AshaOptions options) : options_(options) {
  namespace check = option_checks;
  check::integer_in("asha", "eta", options_.eta, 2, 12);
  check::integer_in("asha", "min_budget", options_.min_budget, 1, kMaxEpochs);
  check::integer_in("asha", "max_budget", options_.max_budget, 1, kMaxEpochs);
  if (options_.min_budget > options_.max_budget) {
    check::refuse("asha", "min_budget", std::to_string(options_.min_budget),
                  "integer <= max_budget (" + std::to_string(options_.max_budget) + ")");
  }
  rung_epochs_ = rungs_for(options_);
}

std::vector<int> Asha::rungs_for(const AshaOptions& options) {
  std::vector<int> rungs;
  for (long long r = options.min_budget; r < options.max_budget; r *= options.eta) {
    rungs.push_back(static_cast<int>(r));
  }
  rungs.push_back(options.max_budget);
  return rungs;
}

void Asha::reset(const SearchSpace& space, Rng rng) {
  space_ = space;
  rng_ = rng;
  rungs_.assign(rung_epochs_.size(), {});
  pending_.clear();
  next_id_ = 0;
}

Trial Asha::ask() {
  const std::uint64_t id = next_id_++;
  for (int k = static_cast<int>(rungs_.size()) - 2; k >= 0; --k) {
    std::vector<Result>& rung = rungs_[k];
    const std::size_t quota = rung.size() / static_cast<std::size_t>(options_.eta);
    for (std::size_t i = 0; i < quota; ++i) {
      if (rung[i].promoted) continue;
      rung[i].promoted = true;
      pending_[id] = k + 1;
      return Trial{rung[i].config, rung_epochs_[k + 1], id};
    }
  }
  pending_[id] = 0;
  return Trial{space_.sample(rng_), rung_epochs_[0], id};
}

void Asha::tell(const Trial& trial, const Observation& observation) {
  const auto it = pending_.find(trial.id);
  if (it == pending_.end()) return;  // not ours (or told twice): nothing to update
  std::vector<Result>& rung = rungs_[it->second];
  pending_.erase(it);
  // Keep the rung sorted best first; a tie goes after the results told before it.
  const auto at = std::upper_bound(
      rung.begin(), rung.end(), observation.valid_acc,
      [](double valid_acc, const Result& result) { return valid_acc > result.valid_acc; });
  rung.insert(at, Result{trial.config, observation.valid_acc, false});
}

AshaOptions Asha::options_from(const ParamValues& values) {
  AshaOptions o;
  o.eta = static_cast<int>(values.get_int("eta"));
  o.min_budget = static_cast<int>(values.get_int("min_budget"));
  o.max_budget = static_cast<int>(values.get_int("max_budget"));
  return o;
}

OptimizerInfo Asha::info() {
  const AshaOptions d;
  return OptimizerInfo{
      "asha",
      "asynchronous successive halving, rungs 1, 3, 9, 12 epochs by default (Li 2020)",
      {ParamSpec::integer("eta", d.eta, 2, 12, "reduction factor: top 1/eta of a rung advance"),
       ParamSpec::integer("min_budget", d.min_budget, 1, kMaxEpochs,
                          "bottom rung, in epochs (<= max_budget)"),
       ParamSpec::integer("max_budget", d.max_budget, 1, kMaxEpochs, "top rung, in epochs")},
      [](const ParamValues& values) { return std::make_unique<Asha>(options_from(values)); }};
}

}  // namespace nhb2
