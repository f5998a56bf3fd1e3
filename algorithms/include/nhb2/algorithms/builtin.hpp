#pragma once
// The registry of nhb2's built-in optimizers.

#include <nhb2/core/registry.hpp>

namespace nhb2 {

// Built once on first use; every built-in optimizer, in the order `nhb2 list` shows them.
const Registry& builtin_optimizers();

}  // namespace nhb2
