// nhb2 list: the registered optimizers and their parameters, from their declarations.

#include "common.hpp"
#include "json.hpp"

#include <cmath>
#include <iostream>

namespace nhb2::cli {

namespace {

// A bound of a numeric parameter, typed like its values; unbounded is null.
Json bound_json(const ParamSpec& spec, double bound) {
  if (spec.type == ParamType::integer && std::isfinite(bound)) {
    return static_cast<long long>(bound);
  }
  if (spec.type == ParamType::real && std::isfinite(bound)) return bound;
  return nullptr;
}

Json optimizer_json(const OptimizerInfo& info, const Json& origin) {
  Json params = Json::array();
  for (const auto& spec : info.params) {
    params.push_back(
        {{"name", spec.name},
         {"type", spec.type_name()},
         {"default", param_value_json(spec, spec.default_value)},
         {"min", bound_json(spec, spec.min_value)},
         {"max", bound_json(spec, spec.max_value)},
         {"choices", spec.type == ParamType::choice ? Json(spec.choices) : Json(nullptr)},
         {"allowed", spec.allowed()},
         {"help", spec.help}});
  }
  return {{"name", info.name}, {"summary", info.summary}, {"origin", origin}, {"params", params}};
}

}  // namespace

int run_list(const std::vector<std::string>& args) {
  po::options_description options("options");
  add_plugin_options(options);
  add_json_option(options);
  po::variables_map vm;
  if (!parse_options("list", "[--plugin PATH.so]... [--json]", options, {}, args, vm)) return 0;
  const Registry registry = load_registry(vm);
  if (json_requested(vm)) {
    Json optimizers = Json::array();
    for (const auto& info : registry.all()) {
      optimizers.push_back(optimizer_json(info, origin_json(registry, info.name)));
    }
    print_json({{"optimizers", optimizers}});
    return 0;
  }
  for (const auto& info : registry.all()) {
    std::cout << info.name << "\n  " << info.summary << "\n";
    if (!registry.origin(info.name).empty()) {
      std::cout << "  (" << registry.describe_origin(info.name) << ")\n";
    }
    if (info.params.empty()) std::cout << "  (no parameters)\n";
    for (const auto& spec : info.params) {
      std::cout << "  --param " << spec.name << "=" << spec.default_value << "   ("
                << spec.allowed() << ")\n      " << spec.help << "\n";
    }
    std::cout << "\n";
  }
  return 0;
}

}  // namespace nhb2::cli
