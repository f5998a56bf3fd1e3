#include "json.hpp"

#include <nhb2/core/cell.hpp>
#include <nhb2/experiments/statistics.hpp>

#include <cassert>
#include <cstdlib>
#include <iostream>

namespace nhb2::cli {

void add_json_option(po::options_description& options) {
  options.add_options()("json", "print one JSON document on stdout instead of text (docs/json.md)");
}

bool json_requested(const po::variables_map& vm) {
  return vm.count("json") > 0;
}

void print_json(const Json& document) {
  // Texts from data files or the command line may not be UTF-8; replace rather than fail.
  std::cout << document.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
}

Json data_json(const Benchmark& benchmark, const po::variables_map& vm) {
  const std::string file = data_file(vm);
  return {{"source", benchmark.source().kind},
          {"description", benchmark.source().description},
          {"file", file.empty() ? Json(nullptr) : Json(file)},
          {"checksum", benchmark.checksum()}};
}

Json config_json(const Config& config) {
  return {{"cellcode", format_cellcode(config.cell())},
          {"lr", config.lr()},
          {"batch_size", config.batch_size()},
          {"config_index", config.index()}};
}

Json param_value_json(const ParamSpec& spec, const std::string& text) {
  switch (spec.type) {
    case ParamType::integer:
      return std::strtoll(text.c_str(), nullptr, 10);
    case ParamType::real:
      return std::strtod(text.c_str(), nullptr);
    case ParamType::boolean:
      return text == "true";
    case ParamType::choice:
      return text;
  }
  return text;
}

Json params_json(const OptimizerInfo& info, const ParamAssignments& given) {
  const ParamValues values = resolve_params(info.name, info.params, given);
  Json object = Json::object();
  for (std::size_t i = 0; i < info.params.size(); ++i) {
    assert(values.items()[i].first == info.params[i].name);  // declaration order
    object[info.params[i].name] = param_value_json(info.params[i], values.items()[i].second);
  }
  return object;
}

Json origin_json(const Registry& registry, const std::string& name) {
  const std::string& origin = registry.origin(name);
  return origin.empty() ? Json("built-in") : Json(origin);
}

Json mean_std_json(const std::vector<double>& values) {
  return {{"mean", mean(values)}, {"std", sample_std(values)}};
}

}  // namespace nhb2::cli
