#pragma once
// Machine-readable output (--json): exactly one JSON document on stdout, built with nlohmann-json.
//
// Objects keep their keys in insertion order. A double prints as text that parses back to the
// identical double; NaN and ±infinity print as null. Every key is documented in docs/json.md.
// Commands build the whole document before printing, so an error leaves stdout empty.

#include "common.hpp"

#include <nhb2/core/config.hpp>
#include <nhb2/core/params.hpp>
#include <nhb2/core/registry.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace nhb2::cli {

using Json = nlohmann::ordered_json;

// --json
void add_json_option(po::options_description& options);
bool json_requested(const po::variables_map& vm);

// Writes the document to stdout, indented, followed by a newline.
void print_json(const Json& document);

// {source, description, file, checksum}: where the data came from (file is null when synthetic).
Json data_json(const Benchmark& benchmark, const po::variables_map& vm);
// {cellcode, lr, batch_size, config_index}
Json config_json(const Config& config);
// A parameter value as its JSON type: integer, real, boolean or (choice) string. text is valid
// for spec (a default or a resolved value).
Json param_value_json(const ParamSpec& spec, const std::string& text);
// {name: value} of every parameter of the optimizer, defaults filled in, as the run resolves them.
Json params_json(const OptimizerInfo& info, const ParamAssignments& given);
// "built-in" or the path of the plug-in that defines the optimizer.
Json origin_json(const Registry& registry, const std::string& name);
// {mean, std}: std is the sample standard deviation, 0 for a single value (statistics.hpp).
Json mean_std_json(const std::vector<double>& values);

}  // namespace nhb2::cli
