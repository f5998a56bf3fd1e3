#include <nhb2/algorithms/bohb.hpp>

#include <nhb2/core/error.hpp>

#include "option_checks.hpp"

#include <algorithm>
#include <string>

namespace nhb2 {

Bohb::Bohb(BohbOptions options) : options_(options) {
  namespace check = option_checks;
  // eta <= 1 or min_budget 0 would make the Hyperband plan loop forever: refuse them here.
  check::integer_at_least("bohb", "eta", options_.eta, 2);
  check::integer_in("bohb", "min_budget", options_.min_budget, 1, kMaxEpochs);
  check::integer_in("bohb", "max_budget", options_.max_budget, 1, kMaxEpochs);
  if (options_.min_budget > options_.max_budget) {
    throw ConfigError("bohb: min_budget " + std::to_string(options_.min_budget) +
                      " exceeds max_budget " + std::to_string(options_.max_budget) +
                      "; min_budget must be <= max_budget");
  }
  check::integer_at_least("bohb", "num_samples", options_.num_samples, 1);
  check::real_in("bohb", "random_fraction", options_.random_fraction, 0.0, 1.0);
  check::real_in("bohb", "bandwidth_factor", options_.bandwidth_factor, 1.0, 100.0);
  check::real_in("bohb", "min_bandwidth", options_.min_bandwidth, 0.0, 1.0);
  check::integer_in("bohb", "top_n_percent", options_.top_n_percent, 1, 99);
  check::integer_at_least("bohb", "min_points_in_model", options_.min_points_in_model, 0);
  check::integer_at_least("bohb", "n_iterations", options_.n_iterations, 0);
}

void Bohb::reset(const SearchSpace& space, Rng rng) {
  space_ = space;
  rng_ = rng;
  free_dims_.clear();
  base_ = Config{};
  for (int dim = 0; dim < kNumDims; ++dim) {
    if (space.is_fixed(dim)) {
      base_.values[dim] = static_cast<std::uint8_t>(space.fixed_value(dim));
    } else {
      free_dims_.push_back(dim);
    }
  }
  const int d = static_cast<int>(free_dims_.size());
  // hpbandster raises a smaller min_points_in_model to d+1.
  min_points_ = std::max(options_.min_points_in_model, d + 1);
  brackets_.clear();
  observations_.clear();
  ranking_.clear();
  models_.clear();
  pending_.clear();
  next_id_ = 0;
}

Trial Bohb::make_trial(const Config& config, int epochs, Pending pending) {
  const std::uint64_t id = next_id_++;
  pending_[id] = pending;
  return Trial{config, epochs, id};
}

Trial Bohb::ask() {
  // hpbandster's master loop: the oldest active bracket with a runnable slot goes first;
  // otherwise a new bracket starts while iterations remain.
  for (;;) {
    for (int b = 0; b < static_cast<int>(brackets_.size()); ++b) {
      if (brackets_[b].finished) continue;
      if (auto trial = next_run(b)) return *trial;
    }
    if (options_.n_iterations > 0 && iterations_started() >= options_.n_iterations) break;
    Bracket bracket;
    bracket.plan = hyperband_bracket(iterations_started(), options_.eta, options_.min_budget,
                                     options_.max_budget);
    bracket.actual_num_configs.assign(bracket.plan.num_configs.size(), 0);
    brackets_.push_back(std::move(bracket));
  }
  // Every bracket waits for pending results and no more may start: never block the driver.
  return make_trial(sample_config(), options_.max_budget, Pending{});
}

std::optional<Trial> Bohb::next_run(int bracket_index) {
  Bracket& bracket = brackets_[bracket_index];
  for (;;) {
    if (bracket.finished) return std::nullopt;
    for (int e = 0; e < static_cast<int>(bracket.entries.size()); ++e) {
      Entry& entry = bracket.entries[e];
      if (entry.status != Status::queued) continue;
      entry.status = Status::running;
      ++bracket.num_running;
      return make_trial(entry.config, entry.epochs, Pending{bracket_index, e});
    }
    const int stage = bracket.stage;
    if (bracket.actual_num_configs[stage] < bracket.plan.num_configs[stage]) {
      Entry entry;
      entry.config = sample_config();
      entry.epochs = bracket.plan.epochs[stage];
      bracket.entries.push_back(entry);
      ++bracket.actual_num_configs[stage];
      continue;
    }
    if (bracket.num_running > 0) return std::nullopt;
    process_results(bracket);
  }
}

void Bohb::process_results(Bracket& bracket) {
  ++bracket.stage;
  std::vector<int> reviewed;
  for (int e = 0; e < static_cast<int>(bracket.entries.size()); ++e) {
    if (bracket.entries[e].status == Status::review) reviewed.push_back(e);
  }
  if (bracket.stage >= static_cast<int>(bracket.plan.num_configs.size())) {
    bracket.finished = true;
    return;
  }
  // Successive halving: the best num_configs[stage] by valid accuracy advance.
  std::vector<int> order = reviewed;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return bracket.entries[a].valid_acc > bracket.entries[b].valid_acc;
  });
  const int keep = bracket.plan.num_configs[bracket.stage];
  for (int rank = 0; rank < static_cast<int>(order.size()); ++rank) {
    Entry& entry = bracket.entries[order[rank]];
    if (rank < keep) {
      entry.status = Status::queued;
      entry.epochs = bracket.plan.epochs[bracket.stage];
      ++bracket.actual_num_configs[bracket.stage];
    } else {
      entry.status = Status::terminated;
    }
  }
}

Config Bohb::sample_config() {
  if (models_.empty()) return space_.sample(rng_);
  if (options_.random_fraction > 0.0 && uniform_real(rng_) < options_.random_fraction) {
    return space_.sample(rng_);
  }
  const Model& model = models_.rbegin()->second;  // the largest budget with a model
  Config best_config = base_;
  double best_ratio = 0.0;
  for (int i = 0; i < options_.num_samples; ++i) {
    const Config candidate = model.good.sample(base_, rng_);
    // Minimise g/l, i.e. maximise l/g, with hpbandster's guards against zero densities.
    const double ratio =
        std::max(1e-32, model.bad.pdf(candidate)) / std::max(model.good.pdf(candidate), 1e-32);
    if (i == 0 || ratio < best_ratio) {
      best_ratio = ratio;
      best_config = candidate;
    }
  }
  return best_config;
}

void Bohb::new_result(const Config& config, int epochs, double valid_acc) {
  // Results below a budget that already has a model are not even stored (hpbandster).
  if (!models_.empty() && models_.rbegin()->first > epochs) return;
  std::vector<Observed>& observed = observations_[epochs];
  observed.push_back(Observed{config, valid_acc});
  const int n = static_cast<int>(observed.size());
  // The new result goes after every earlier one at least as good: a stable sort's order.
  std::vector<int>& order = ranking_[epochs];
  const auto at = std::find_if(order.begin(), order.end(),
                               [&](int i) { return observed[i].valid_acc < valid_acc; });
  order.insert(at, n - 1);
  if (n < min_points_) return;

  const int n_good = std::max(min_points_, (options_.top_n_percent * n) / 100);
  const int n_bad = std::max(min_points_, ((100 - options_.top_n_percent) * n) / 100);
  std::vector<Config> good;
  std::vector<Config> bad;
  for (int rank = 0; rank < n; ++rank) {
    if (rank < n_good) {
      good.push_back(observed[order[rank]].config);
    } else if (rank < n_good + n_bad) {
      bad.push_back(observed[order[rank]].config);
    }
  }
  const std::size_t d = free_dims_.size();
  if (good.size() <= d || bad.size() <= d) return;
  models_.insert_or_assign(
      epochs, Model{CategoricalKde(std::move(good), free_dims_, options_.min_bandwidth),
                    CategoricalKde(std::move(bad), free_dims_, options_.min_bandwidth)});
}

void Bohb::tell(const Trial& trial, const Observation& observation) {
  const auto it = pending_.find(trial.id);
  if (it == pending_.end()) return;  // not ours (or told twice): nothing to update
  const Pending pending = it->second;
  pending_.erase(it);
  if (pending.bracket >= 0) {
    Bracket& bracket = brackets_[pending.bracket];
    Entry& entry = bracket.entries[pending.entry];
    entry.valid_acc = observation.valid_acc;
    entry.status = Status::review;
    --bracket.num_running;
    // Close a completed stage now (no sampling happens here), so finished() is exact.
    while (!bracket.finished && bracket.num_running == 0 &&
           bracket.actual_num_configs[bracket.stage] == bracket.plan.num_configs[bracket.stage] &&
           std::none_of(bracket.entries.begin(), bracket.entries.end(),
                        [](const Entry& e) { return e.status == Status::queued; })) {
      process_results(bracket);
    }
  }
  new_result(trial.config, trial.epochs, observation.valid_acc);
}

bool Bohb::finished() const {
  if (options_.n_iterations <= 0 || iterations_started() < options_.n_iterations) return false;
  return std::all_of(brackets_.begin(), brackets_.end(),
                     [](const Bracket& bracket) { return bracket.finished; });
}

int Bohb::largest_model_epochs() const {
  return models_.empty() ? 0 : models_.rbegin()->first;
}

const CategoricalKde* Bohb::good_model(int epochs) const {
  const auto it = models_.find(epochs);
  return it == models_.end() ? nullptr : &it->second.good;
}

const CategoricalKde* Bohb::bad_model(int epochs) const {
  const auto it = models_.find(epochs);
  return it == models_.end() ? nullptr : &it->second.bad;
}

std::vector<ParamSpec> Bohb::param_specs() {
  const BohbOptions d;
  return {
      ParamSpec::integer("eta", d.eta, 2, 12, "Hyperband's reduction factor"),
      ParamSpec::integer("min_budget", d.min_budget, 1, kMaxEpochs,
                         "smallest budget, in epochs (<= max_budget)"),
      ParamSpec::integer("max_budget", d.max_budget, 1, kMaxEpochs, "largest budget, in epochs"),
      ParamSpec::integer("num_samples", d.num_samples, 1, 100000,
                         "candidates drawn from the good KDE per model-based config"),
      ParamSpec::real("random_fraction", d.random_fraction, 0.0, 1.0,
                      "fraction of configs sampled uniformly instead of from the model"),
      ParamSpec::real("bandwidth_factor", d.bandwidth_factor, 1.0, 100.0,
                      "widens continuous dimensions when sampling (hpbandster); no effect on "
                      "nhb2's categorical dimensions, kept for parity"),
      ParamSpec::real("min_bandwidth", d.min_bandwidth, 0.0, 1.0,
                      "floor of every KDE bandwidth, keeps diversity"),
      ParamSpec::integer("top_n_percent", d.top_n_percent, 1, 99,
                         "percentage of observations in the good KDE"),
      ParamSpec::integer("min_points_in_model", d.min_points_in_model, 0, 100000,
                         "observations at a budget before a model is built (0: free dims + 1; "
                         "smaller values are raised to that)"),
      ParamSpec::integer("n_iterations", d.n_iterations, 0, 1000000,
                         "Hyperband iterations before the run ends (0: until the budget)"),
  };
}

BohbOptions Bohb::options_from(const ParamValues& values) {
  BohbOptions o;
  o.eta = static_cast<int>(values.get_int("eta"));
  o.min_budget = static_cast<int>(values.get_int("min_budget"));
  o.max_budget = static_cast<int>(values.get_int("max_budget"));
  o.num_samples = static_cast<int>(values.get_int("num_samples"));
  o.random_fraction = values.get_real("random_fraction");
  o.bandwidth_factor = values.get_real("bandwidth_factor");
  o.min_bandwidth = values.get_real("min_bandwidth");
  o.top_n_percent = static_cast<int>(values.get_int("top_n_percent"));
  o.min_points_in_model = static_cast<int>(values.get_int("min_points_in_model"));
  o.n_iterations = static_cast<int>(values.get_int("n_iterations"));
  return o;
}

OptimizerInfo Bohb::info() {
  return OptimizerInfo{
      "bohb", "Hyperband (eta 3 over 1..12 epochs) with a KDE model per budget (Falkner 2018)",
      param_specs(),
      [](const ParamValues& values) { return std::make_unique<Bohb>(options_from(values)); }};
}

}  // namespace nhb2
