#include <nhb2/algorithms/random_search.hpp>

namespace nhb2 {

void RandomSearch::reset(const SearchSpace& space, Rng rng) {
  space_ = space;
  rng_ = rng;
  next_id_ = 0;
}

Trial RandomSearch::ask() {
  return Trial{space_.sample(rng_), kMaxEpochs, next_id_++};
}

void RandomSearch::tell(const Trial&, const Observation&) {}

OptimizerInfo RandomSearch::info() {
  return OptimizerInfo{"random_search",
                       "uniform samples of the whole space, each trained for 12 epochs",
                       {},
                       [](const ParamValues&) { return std::make_unique<RandomSearch>(); }};
}

}  // namespace nhb2
