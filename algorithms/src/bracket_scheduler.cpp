#include "bracket_scheduler.hpp"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace nhb2 {

BracketScheduler::BracketScheduler(int eta, int min_budget, int max_budget, int n_iterations)
    : eta_(eta), min_budget_(min_budget), max_budget_(max_budget), n_iterations_(n_iterations) {}

void BracketScheduler::clear() {
  brackets_.clear();
}

std::optional<BracketScheduler::Run> BracketScheduler::next(const SlotMaker& make) {
  for (;;) {
    for (int b = 0; b < iterations_started(); ++b) {
      if (auto run = next_in(b, make)) return run;
    }
    if (n_iterations_ > 0 && iterations_started() >= n_iterations_) return std::nullopt;
    Bracket bracket;
    bracket.plan = hyperband_bracket(iterations_started(), eta_, min_budget_, max_budget_);
    bracket.slots.resize(bracket.plan.num_configs.size());
    brackets_.push_back(std::move(bracket));
  }
}

std::optional<BracketScheduler::Run> BracketScheduler::next_in(int bracket_index,
                                                               const SlotMaker& make) {
  Bracket& bracket = brackets_[bracket_index];
  if (bracket.finished) return std::nullopt;
  const int stage = bracket.stage;
  std::vector<Slot>& slots = bracket.slots[stage];
  if (static_cast<int>(slots.size()) >= bracket.plan.num_configs[stage]) return std::nullopt;
  Request request;
  request.bracket = bracket_index;
  request.plan = &bracket.plan;
  request.stage = stage;
  request.index = static_cast<int>(slots.size());
  if (stage > 0) {
    for (int s : bracket.promoted) request.promoted.push_back(&bracket.slots[stage - 1][s]);
  }
  const Made made = make(request);
  Slot slot;
  slot.config = made.config;
  slot.payload = made.payload;
  slots.push_back(slot);
  ++bracket.num_running;
  return Run{made.config, bracket.plan.epochs[stage],
             SlotRef{bracket_index, stage, static_cast<int>(slots.size()) - 1}};
}

void BracketScheduler::record(const SlotRef& ref, double valid_acc) {
  Bracket& bracket = brackets_[ref.bracket];
  Slot& slot = bracket.slots[ref.stage][ref.slot];
  assert(!slot.told && ref.stage == bracket.stage);
  slot.valid_acc = valid_acc;
  slot.told = true;
  --bracket.num_running;
  const int stage = bracket.stage;
  if (bracket.num_running == 0 &&
      static_cast<int>(bracket.slots[stage].size()) == bracket.plan.num_configs[stage]) {
    close_stage(bracket);
  }
}

void BracketScheduler::close_stage(Bracket& bracket) {
  const std::vector<Slot>& slots = bracket.slots[bracket.stage];
  ++bracket.stage;
  if (bracket.stage >= static_cast<int>(bracket.plan.num_configs.size())) {
    bracket.finished = true;
    bracket.promoted.clear();
    return;
  }
  std::vector<int> order(slots.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return slots[a].valid_acc > slots[b].valid_acc; });
  order.resize(std::min<std::size_t>(order.size(), bracket.plan.num_configs[bracket.stage]));
  bracket.promoted = std::move(order);
}

bool BracketScheduler::finished() const {
  if (n_iterations_ <= 0 || iterations_started() < n_iterations_) return false;
  return std::all_of(brackets_.begin(), brackets_.end(),
                     [](const Bracket& bracket) { return bracket.finished; });
}

}  // namespace nhb2
