// nhb2 list: the registered optimizers and their parameters, from their declarations.

#include "common.hpp"

#include <nhb2/algorithms/builtin.hpp>

#include <iostream>

namespace nhb2::cli {

int run_list(const std::vector<std::string>& args) {
  po::options_description options("options");
  po::variables_map vm;
  if (!parse_options("list", "", options, {}, args, vm)) return 0;
  for (const auto& info : builtin_optimizers().all()) {
    std::cout << info.name << "\n  " << info.summary << "\n";
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
