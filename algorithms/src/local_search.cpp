#include <nhb2/algorithms/local_search.hpp>

#include <string>
#include <utility>

#include "option_checks.hpp"

namespace nhb2 {

namespace {
// Rejection sampling of an unknown config gives up after this many draws (the space is then
// almost exhausted and a repeat is acceptable).
constexpr int kMaxRandomDraws = 10000;
}  // namespace

LocalSearch::LocalSearch(Move move) : move_(move) {
  if (move != Move::first && move != Move::best) {
    option_checks::refuse("local_search", "move", std::to_string(static_cast<int>(move)),
                          "first or best");
  }
}

void LocalSearch::reset(const SearchSpace& space, Rng rng) {
  space_ = space;
  rng_ = rng;
  next_id_ = 0;
  known_.clear();
  pending_.clear();
  start_.reset();
  current_.reset();
  current_acc_ = 0.0;
  num_starts_ = 0;
  neighbours_.clear();
  resolved_ = 0;
  proposed_ = 0;
  best_neighbour_.reset();
  best_neighbour_acc_ = 0.0;
}

bool LocalSearch::is_known(const Config& config) const {
  return known_.count(config.index()) != 0;
}

bool LocalSearch::is_pending(const Config& config) const {
  return pending_.count(config.index()) != 0;
}

Trial LocalSearch::ask() {
  // Once every config is known a repeat cannot be avoided; the walk itself would never propose.
  const Config config = known_.size() >= space_.size() ? space_.sample(rng_) : next_proposal();
  pending_.insert(config.index());
  return Trial{config, kMaxEpochs, next_id_++};
}

void LocalSearch::tell(const Trial& trial, const Observation& observation) {
  known_[trial.config.index()] = observation.valid_acc;
  pending_.erase(trial.config.index());
}

void LocalSearch::stand_on(const Config& config, double valid_acc) {
  current_ = config;
  current_acc_ = valid_acc;
  neighbours_ = space_.neighbours(config);
  // Fisher–Yates with our own draws: std::shuffle differs between standard libraries.
  for (int i = static_cast<int>(neighbours_.size()) - 1; i > 0; --i) {
    std::swap(neighbours_[i], neighbours_[uniform_index(rng_, i + 1)]);
  }
  resolved_ = 0;
  proposed_ = 0;
  best_neighbour_.reset();
  best_neighbour_acc_ = 0.0;
}

Config LocalSearch::random_unknown() {
  for (int draw = 0; draw < kMaxRandomDraws; ++draw) {
    const Config config = space_.sample(rng_);
    if (!is_known(config) && !is_pending(config)) return config;
  }
  return space_.sample(rng_);
}

Config LocalSearch::next_proposal() {
  for (;;) {
    if (!current_) {
      if (!start_) {
        // Restart. A known point is stood on at once; an unknown one is evaluated first.
        const Config start = space_.sample(rng_);
        const auto known = known_.find(start.index());
        if (known != known_.end()) {
          ++num_starts_;
          stand_on(start, known->second);
          continue;
        }
        start_ = start;
        if (!is_pending(start)) return start;
      }
      const auto known = known_.find(start_->index());
      if (known == known_.end()) return random_unknown();  // its result is still pending
      const Config start = *start_;
      start_.reset();
      ++num_starts_;
      stand_on(start, known->second);
      continue;
    }

    // Compare, in visiting order, every neighbour whose result is known.
    bool moved = false;
    while (resolved_ < neighbours_.size()) {
      const Config neighbour = neighbours_[resolved_];
      const auto known = known_.find(neighbour.index());
      if (known == known_.end()) break;
      ++resolved_;
      const double acc = known->second;
      if (acc <= current_acc_) continue;
      if (move_ == Move::first) {
        stand_on(neighbour, acc);
        moved = true;
        break;
      }
      if (!best_neighbour_ || acc > best_neighbour_acc_) {
        best_neighbour_ = neighbour;
        best_neighbour_acc_ = acc;
      }
    }
    if (moved) continue;
    if (resolved_ == neighbours_.size()) {
      if (best_neighbour_) {
        const Config best = *best_neighbour_;
        stand_on(best, best_neighbour_acc_);
      } else {
        current_.reset();  // a local optimum: restart
      }
      continue;
    }

    if (proposed_ < resolved_) proposed_ = resolved_;
    while (proposed_ < neighbours_.size() &&
           (is_known(neighbours_[proposed_]) || is_pending(neighbours_[proposed_]))) {
      ++proposed_;
    }
    if (proposed_ < neighbours_.size()) return neighbours_[proposed_++];
    // Every undecided neighbour is out for evaluation: do something useful meanwhile.
    return random_unknown();
  }
}

OptimizerInfo LocalSearch::info() {
  return OptimizerInfo{
      "local_search",
      "hill climbing over the 30 one-element neighbours, random restart at a local optimum",
      {ParamSpec::choice("move", "first", {"first", "best"},
                         "first: move to the first improving neighbour (random order); best: "
                         "evaluate all neighbours, move to the best if it improves")},
      [](const ParamValues& values) {
        return std::make_unique<LocalSearch>(values.get_choice("move") == "best" ? Move::best
                                                                                 : Move::first);
      }};
}

}  // namespace nhb2
