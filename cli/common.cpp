#include "common.hpp"

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/plugin.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace nhb2::cli {

void add_data_options(po::options_description& options) {
  options.add_options()(
      "data", po::value<std::string>()->value_name("FILE"),
      "benchmark data: a .nhb2 file (default: $NHB2_DATA, else the built-in synthetic benchmark)")(
      "synthetic-seed", po::value<std::uint64_t>()->value_name("N"),
      "generator seed of the synthetic benchmark (default 1); only without --data");
}

std::string data_file(const po::variables_map& vm) {
  if (vm.count("data")) {
    const std::string path = vm["data"].as<std::string>();
    if (path.empty()) throw InvalidArgument("--data needs a file name");
    return path;
  }
  if (const char* env = std::getenv("NHB2_DATA"); env && *env) return env;
  return "";
}

Benchmark load_benchmark(const po::variables_map& vm) {
  const std::string path = data_file(vm);
  if (!path.empty()) {
    if (vm.count("synthetic-seed")) {
      throw InvalidArgument("--synthetic-seed applies only to the synthetic benchmark, not to " +
                            path);
    }
    return Benchmark::open(path);
  }
  const std::uint64_t seed =
      vm.count("synthetic-seed") ? vm["synthetic-seed"].as<std::uint64_t>() : kDefaultSyntheticSeed;
  return Benchmark::synthetic(seed);
}

void add_param_options(po::options_description& options) {
  options.add_options()("param",
                        po::value<std::vector<std::string>>()->composing()->value_name("K=V"),
                        "optimizer parameter, repeatable (see 'nhb2 list')");
}

ParamAssignments given_params(const po::variables_map& vm) {
  ParamAssignments params;
  if (vm.count("param")) {
    for (const auto& text : vm["param"].as<std::vector<std::string>>()) {
      params.push_back(parse_assignment(text));
    }
  }
  return params;
}

void add_plugin_options(po::options_description& options) {
  options.add_options()(
      "plugin", po::value<std::vector<std::string>>()->composing()->value_name("PATH.so"),
      "load the optimizers of a plug-in, repeatable (see docs/adding-an-optimizer.md)");
}

Registry load_registry(const po::variables_map& vm) {
  Registry registry = builtin_optimizers();
  if (vm.count("plugin")) {
    for (const auto& path : vm["plugin"].as<std::vector<std::string>>())
      load_plugin(path, registry);
  }
  return registry;
}

bool parse_options(const std::string& command, const std::string& usage,
                   const po::options_description& options,
                   const po::positional_options_description& positional,
                   const std::vector<std::string>& args, po::variables_map& vm) {
  po::options_description all;
  all.add(options);
  all.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: nhb2 " << command << " " << usage << "\n\n" << all << "\n";
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw InvalidArgument("nhb2 " + command + ": " + e.what() + " (see 'nhb2 " + command +
                          " --help')");
  }
  return true;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> items;
  std::string::size_type start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    items.push_back(text.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

}  // namespace nhb2::cli
