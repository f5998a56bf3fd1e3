// A plug-in for the tests whose optimizer is named like a built-in (random_search).

#include <nhb2/core/plugin.hpp>

#include <stdexcept>

NHB2_PLUGIN(registry) {
  registry.add(
      nhb2::OptimizerInfo{"random_search",
                          "clashes with the built-in",
                          {},
                          [](const nhb2::ParamValues&) -> std::unique_ptr<nhb2::Optimizer> {
                            throw std::logic_error("never created");
                          }});
}
