#include <nhb2/algorithms/mo_random_search.hpp>

namespace nhb2 {

void MoRandomSearch::reset(const SearchSpace& space, Rng rng) {
  space_ = space;
  rng_ = rng;
  members_.clear();
  next_id_ = 0;
}

Trial MoRandomSearch::ask() {
  return Trial{space_.sample(rng_), kMaxEpochs, next_id_++};
}

void MoRandomSearch::tell(const Trial& trial, const Observation& observation) {
  members_.push_back(mo_member(trial, observation));
}

std::vector<MoMember> MoRandomSearch::front() const {
  std::vector<MoMember> front;
  for (std::size_t i : nondominated_members(members_)) front.push_back(members_[i]);
  return front;
}

OptimizerInfo MoRandomSearch::info() {
  return OptimizerInfo{
      "mo_random_search",
      "multi-objective baseline: uniform samples, 12 epochs, non-dominated archive",
      {},
      [](const ParamValues&) { return std::make_unique<MoRandomSearch>(); }};
}

}  // namespace nhb2
