// The plug-in's entry point: NHB2_PLUGIN defines the two C functions that `nhb2 --plugin` looks
// for (the plug-in ABI and nhb2 version it was built against, and the registration).

#include "epsilon_greedy.hpp"

#include <nhb2/core/plugin.hpp>

NHB2_PLUGIN(registry) {
  registry.add(nhb2::EpsilonGreedy::info());
}
