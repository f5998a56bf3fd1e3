#include <nhb2/algorithms/builtin.hpp>

#include <nhb2/algorithms/random_search.hpp>

namespace nhb2 {

const Registry& builtin_optimizers() {
  static const Registry registry = [] {
    Registry r;
    // One line per optimizer.
    r.add(RandomSearch::info());
    return r;
  }();
  return registry;
}

}  // namespace nhb2
