// nhb2 list: the registered optimizers and their parameters, from their declarations.

#include "common.hpp"

#include <iostream>

namespace nhb2::cli {

int run_list(const std::vector<std::string>& args) {
  po::options_description options("options");
  add_plugin_options(options);
  po::variables_map vm;
  if (!parse_options("list", "[--plugin PATH.so]...", options, {}, args, vm)) return 0;
  const Registry registry = load_registry(vm);
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
