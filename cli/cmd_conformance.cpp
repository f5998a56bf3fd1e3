// nhb2 conformance: the optimizer contract's conformance kit (experiments/conformance.hpp) on
// registered optimizers, built-in or from plug-ins: pending trials, shuffled tells, validity,
// determinism and reset. The way to check a plug-in before sweeping it. Exit status 0 when every
// check passes, 1 when one fails (each failure printed), 2 for bad input.

#include "common.hpp"

#include <nhb2/core/error.hpp>
#include <nhb2/experiments/conformance.hpp>

#include <iostream>

namespace nhb2::cli {

int run_conformance(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()(
      "optimizer", po::value<std::vector<std::string>>()->composing()->value_name("NAME"),
      "optimizer to check, repeatable (default: every optimizer of the --plugin files, or "
      "every built-in without --plugin)")("evaluations",
                                          po::value<int>()->default_value(300)->value_name("N"),
                                          "asks per run and pending count")(
      "pending", po::value<std::vector<int>>()->multitoken()->value_name("P..."),
      "pending counts (default: 1 4 16)")(
      "seed", po::value<std::uint64_t>()->default_value(1)->value_name("S"),
      "seed of the optimizer's rng and of the shuffled tell order");
  add_param_options(options);
  add_plugin_options(options);
  add_data_options(options);
  po::variables_map vm;
  if (!parse_options("conformance",
                     "[--plugin PATH.so]... [--optimizer NAME]... [--param K=V]... [options]",
                     options, {}, args, vm)) {
    return 0;
  }
  const Registry registry = load_registry(vm);
  std::vector<std::string> names;
  if (vm.count("optimizer")) {
    names = vm["optimizer"].as<std::vector<std::string>>();
  } else if (!registry.plugins().empty()) {
    for (const auto& plugin : registry.plugins()) {
      names.insert(names.end(), plugin.optimizers.begin(), plugin.optimizers.end());
    }
  } else {
    names = registry.names();
  }
  const ParamAssignments params = given_params(vm);
  ConformanceOptions kit;
  kit.evaluations = vm["evaluations"].as<int>();
  kit.seed = vm["seed"].as<std::uint64_t>();
  if (vm.count("pending")) kit.pending_counts = vm["pending"].as<std::vector<int>>();
  for (const auto& name : names) registry.create(name, params);  // names and params are valid
  const Benchmark benchmark = load_benchmark(vm);

  int failed = 0;
  for (const auto& name : names) {
    const ConformanceReport report = check_conformance(
        name, [&] { return registry.create(name, params); }, benchmark, kit);
    std::cout << report.summary() << "\n  (" << registry.describe_origin(name) << ")\n";
    if (!report.passed()) ++failed;
  }
  if (failed > 0) {
    std::cerr << "nhb2 conformance: " << failed << " of " << names.size()
              << " optimizer(s) failed a check\n";
    return 1;
  }
  return 0;
}

}  // namespace nhb2::cli
