#include <nhb2/algorithms/dehb.hpp>

#include <nhb2/algorithms/hyperband_plan.hpp>
#include <nhb2/core/error.hpp>

#include "bracket_scheduler.hpp"
#include "option_checks.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace nhb2 {

Dehb::Dehb(DehbOptions options) : options_(options) {
  namespace check = option_checks;
  check::integer_in("dehb", "eta", options_.eta, 2, 12);
  check::integer_in("dehb", "min_budget", options_.min_budget, 1, kMaxEpochs);
  check::integer_in("dehb", "max_budget", options_.max_budget, 1, kMaxEpochs);
  if (options_.min_budget > options_.max_budget) {
    check::refuse("dehb", "min_budget", std::to_string(options_.min_budget),
                  "integer <= max_budget (" + std::to_string(options_.max_budget) + ")");
  }
  check::real_in("dehb", "mutation_factor", options_.mutation_factor, 0.0, 2.0);
  check::real_in("dehb", "crossover_prob", options_.crossover_prob, 0.0, 1.0);

  const int s_max = hyperband_s_max(options_.eta, options_.min_budget, options_.max_budget);
  budgets_ = hyperband_bracket(0, options_.eta, options_.min_budget, options_.max_budget).epochs;
  population_sizes_.assign(budgets_.size(), 0);
  for (int iteration = 0; iteration <= s_max; ++iteration) {
    const BracketPlan plan =
        hyperband_bracket(iteration, options_.eta, options_.min_budget, options_.max_budget);
    for (std::size_t k = 0; k < plan.epochs.size(); ++k) {
      int& size = population_sizes_[budget_index(plan.epochs[k])];
      size = std::max(size, plan.num_configs[k]);
    }
  }
  brackets_ = std::make_unique<BracketScheduler>(options_.eta, options_.min_budget,
                                                 options_.max_budget, 0);
}

Dehb::~Dehb() = default;

int Dehb::budget_index(int epochs) const {
  const auto it = std::find(budgets_.begin(), budgets_.end(), epochs);
  return static_cast<int>(it - budgets_.begin());
}

void Dehb::reset(const SearchSpace& space, Rng rng) {
  space_ = space;
  rng_ = rng;
  brackets_->clear();
  populations_.assign(budgets_.size(), {});
  next_target_.assign(budgets_.size(), 0);
  candidates_.clear();
  pending_.clear();
  next_id_ = 0;
}

Config Dehb::decode(const Vector& vector, const SearchSpace& space) {
  Config config;
  for (int dim = 0; dim < kNumDims; ++dim) {
    const int size = kDimSizes[dim];
    const int index = std::min(static_cast<int>(std::floor(vector[dim] * size)), size - 1);
    config.values[dim] =
        static_cast<std::uint8_t>(space.is_fixed(dim) ? space.fixed_value(dim) : std::max(index, 0));
  }
  return config;
}

Dehb::Vector Dehb::random_vector() {
  Vector vector{};
  for (double& x : vector) x = uniform_real(rng_);
  return vector;
}

Dehb::Candidate Dehb::evolve(int budget, const std::vector<const Vector*>& promoted) {
  std::vector<Member>& population = populations_[budget];
  if (population.empty()) return Candidate{random_vector(), budget, -1};
  const int target = next_target_[budget]++ % static_cast<int>(population.size());

  std::vector<const Vector*> pool = promoted;
  if (promoted.empty()) {
    for (const Member& member : population) pool.push_back(&member.vector);
  }
  if (pool.size() < 3) {
    for (const auto& subpopulation : populations_) {
      for (const Member& member : subpopulation) pool.push_back(&member.vector);
    }
  }
  Vector mutant{};
  const int n = static_cast<int>(pool.size());
  if (n < 3) {
    mutant = random_vector();
  } else {
    // rand/1: three distinct members of the pool.
    const int a = uniform_index(rng_, n);
    int b = a;
    while (b == a) b = uniform_index(rng_, n);
    int c = a;
    while (c == a || c == b) c = uniform_index(rng_, n);
    for (int dim = 0; dim < kNumDims; ++dim) {
      double x = (*pool[a])[dim] + options_.mutation_factor * ((*pool[b])[dim] - (*pool[c])[dim]);
      if (x < 0.0 || x > 1.0) x = uniform_real(rng_);
      mutant[dim] = x;
    }
  }
  // Binomial crossover with the target; one random coordinate always comes from the mutant.
  const Vector& target_vector = population[target].vector;
  const int forced = uniform_index(rng_, kNumDims);
  Vector trial{};
  for (int dim = 0; dim < kNumDims; ++dim) {
    const bool from_mutant = dim == forced || uniform_real(rng_) < options_.crossover_prob;
    trial[dim] = from_mutant ? mutant[dim] : target_vector[dim];
  }
  return Candidate{trial, budget, target};
}

Trial Dehb::ask() {
  const int s_max = static_cast<int>(budgets_.size()) - 1;
  const auto run = brackets_->next([&](const BracketScheduler::Request& request) {
    const int budget = budget_index(request.plan->epochs[request.stage]);
    Candidate candidate;
    if (request.bracket <= s_max) {  // first round: vanilla Hyperband
      candidate.budget = budget;
      candidate.vector = request.stage == 0
                             ? random_vector()
                             : candidates_[request.promoted[request.index]->payload].vector;
    } else {
      std::vector<const Vector*> parents;
      for (const auto* slot : request.promoted) parents.push_back(&candidates_[slot->payload].vector);
      candidate = evolve(budget, parents);
    }
    candidates_.push_back(candidate);
    return BracketScheduler::Made{decode(candidate.vector, space_),
                                  static_cast<int>(candidates_.size()) - 1};
  });
  // With no iteration limit the scheduler always has a slot to give.
  const std::uint64_t id = next_id_++;
  const int candidate = static_cast<int>(candidates_.size()) - 1;
  pending_[id] = Pending{run->ref.bracket, run->ref.stage, run->ref.slot, candidate};
  return Trial{run->config, run->epochs, id};
}

void Dehb::tell(const Trial& trial, const Observation& observation) {
  const auto it = pending_.find(trial.id);
  if (it == pending_.end()) return;  // not ours (or told twice): nothing to update
  const Pending pending = it->second;
  pending_.erase(it);
  brackets_->record(BracketScheduler::SlotRef{pending.bracket, pending.stage, pending.slot},
                    observation.valid_acc);

  const Candidate& candidate = candidates_[pending.candidate];
  const Member member{candidate.vector, decode(candidate.vector, space_), observation.valid_acc};
  std::vector<Member>& population = populations_[candidate.budget];
  if (candidate.target >= 0) {
    // Selection: the trial replaces its target when at least as good.
    Member& target = population[candidate.target];
    if (member.valid_acc >= target.valid_acc) target = member;
  } else if (static_cast<int>(population.size()) < population_sizes_[candidate.budget]) {
    population.push_back(member);
  } else {
    const auto worst = std::min_element(
        population.begin(), population.end(),
        [](const Member& a, const Member& b) { return a.valid_acc < b.valid_acc; });
    if (member.valid_acc > worst->valid_acc) *worst = member;
  }
}

int Dehb::iterations_started() const {
  return brackets_->iterations_started();
}

DehbOptions Dehb::options_from(const ParamValues& values) {
  DehbOptions o;
  o.eta = static_cast<int>(values.get_int("eta"));
  o.min_budget = static_cast<int>(values.get_int("min_budget"));
  o.max_budget = static_cast<int>(values.get_int("max_budget"));
  o.mutation_factor = values.get_real("mutation_factor");
  o.crossover_prob = values.get_real("crossover_prob");
  return o;
}

OptimizerInfo Dehb::info() {
  const DehbOptions d;
  return OptimizerInfo{
      "dehb",
      "differential evolution in Hyperband's brackets, a subpopulation per budget (Awad 2021)",
      {ParamSpec::integer("eta", d.eta, 2, 12, "reduction factor of successive halving"),
       ParamSpec::integer("min_budget", d.min_budget, 1, kMaxEpochs,
                          "smallest budget, in epochs (<= max_budget)"),
       ParamSpec::integer("max_budget", d.max_budget, 1, kMaxEpochs, "largest budget, in epochs"),
       ParamSpec::real("mutation_factor", d.mutation_factor, 0.0, 2.0,
                       "F of DE rand/1: v = a + F (b - c)"),
       ParamSpec::real("crossover_prob", d.crossover_prob, 0.0, 1.0,
                       "probability of a mutant coordinate in binomial crossover")},
      [](const ParamValues& values) { return std::make_unique<Dehb>(options_from(values)); }};
}

}  // namespace nhb2
