#pragma once
// Pieces every `nhb2` subcommand shares: the data-source options, option parsing with
// consistent errors, and number formatting.

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/core/registry.hpp>

#include <boost/program_options.hpp>

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace nhb2::cli {

namespace po = boost::program_options;

// A subcommand: its name, one line of help, and its entry point (args exclude the command name).
struct Command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args);
};

const std::vector<Command>& commands();

// --data FILE, --synthetic-seed N (NHB2_DATA is the fallback for --data).
void add_data_options(po::options_description& options);
// The .nhb2 file the options name (--data, else $NHB2_DATA), or "" for the synthetic benchmark.
std::string data_file(const po::variables_map& vm);
// The benchmark the options name: the .nhb2 file, else NHB2_DATA, else the synthetic default.
Benchmark load_benchmark(const po::variables_map& vm);

// --param K=V, repeatable, and the assignments given.
void add_param_options(po::options_description& options);
ParamAssignments given_params(const po::variables_map& vm);

// --plugin PATH.so, repeatable.
void add_plugin_options(po::options_description& options);
// The built-in optimizers plus every --plugin, loaded in the order given.
Registry load_registry(const po::variables_map& vm);

// Parses args against options (and positional names). Returns false when --help was given
// (after printing usage). Throws InvalidArgument for unknown or malformed options.
bool parse_options(const std::string& command, const std::string& usage,
                   const po::options_description& options,
                   const po::positional_options_description& positional,
                   const std::vector<std::string>& args, po::variables_map& vm);

// The items of a comma-separated option value, empty ones kept ("a,,b" → a, "", b).
std::vector<std::string> split_commas(const std::string& text);

}  // namespace nhb2::cli
