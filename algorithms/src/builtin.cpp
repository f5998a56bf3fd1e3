#include <nhb2/algorithms/builtin.hpp>

#include <nhb2/algorithms/asha.hpp>
#include <nhb2/algorithms/bohb.hpp>
#include <nhb2/algorithms/dehb.hpp>
#include <nhb2/algorithms/gp_bo.hpp>
#include <nhb2/algorithms/hpo_then_nas.hpp>
#include <nhb2/algorithms/hyperband.hpp>
#include <nhb2/algorithms/local_search.hpp>
#include <nhb2/algorithms/mo_random_search.hpp>
#include <nhb2/algorithms/mo_regularized_evolution.hpp>
#include <nhb2/algorithms/nsga2.hpp>
#include <nhb2/algorithms/parego.hpp>
#include <nhb2/algorithms/random_search.hpp>
#include <nhb2/algorithms/regularized_evolution.hpp>
#include <nhb2/algorithms/reinforce.hpp>

namespace nhb2 {

const Registry& builtin_optimizers() {
  static const Registry registry = [] {
    Registry r;
    // One line per optimizer.
    r.add(RandomSearch::info());
    r.add(LocalSearch::info());
    r.add(RegularizedEvolution::info());
    r.add(Reinforce::info());
    r.add(Bohb::info());
    r.add(GpBo::info());
    r.add(Hyperband::info());
    r.add(Asha::info());
    r.add(Dehb::info());
    r.add(HpoThenNas::rs_then_rea_info());
    r.add(HpoThenNas::bohb_then_rea_info());
    r.add(MoRandomSearch::info());
    r.add(Nsga2::info());
    r.add(MoRegularizedEvolution::info());
    r.add(Parego::info());
    return r;
  }();
  return registry;
}

}  // namespace nhb2
