#pragma once
// A sweep config: the YAML file `nhb2 sweep CONFIG.yaml` reads (schema in docs/sweeps.md).
//
// load_sweep_config() parses and validates everything that can be checked without loading the
// data: YAML syntax, known keys (an unknown one gets a "did you mean"), value types, budget > 0,
// runs >= 1, seed policy, report epochs, workers, budget kind, fidelity cost, speed factors,
// decision time, curve axis, unique labels, known optimizers and parameters (each
// resolved against its declaration, so every default is filled in), that a data file exists and
// that every plug-in the config lists is loaded in the registry it is given.
// Every failure throws ConfigError whose message starts "FILE:LINE:COLUMN: key 'KEY': " and says
// what is allowed; nothing is written anywhere.
// The result is "resolved": after loading, no field is left to a default elsewhere.

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/core/objectives.hpp>
#include <nhb2/core/params.hpp>
#include <nhb2/core/registry.hpp>
#include <nhb2/experiments/driver.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nhb2 {

struct DataSpec {
  bool synthetic = true;
  std::uint64_t synthetic_seed = 1;
  std::string path;      // .nhb2 file when !synthetic
  std::string location;  // "FILE:LINE:COL" of the data key, for error messages ("" if absent)
};

struct SweepOptimizer {
  std::string label;        // unique within the sweep; names its rows and its runs/ folder
  std::string optimizer;    // registry name
  ParamAssignments params;  // every declared parameter, canonical text, declaration order
  // Simulated workers of this entry's runs: the sweep's unless the entry sets its own (so one
  // sweep can compare 1 and 8 workers). speed_factors: the entry's, else the sweep's when the
  // worker counts agree, else none (every worker 1).
  int workers = 1;
  std::vector<double> speed_factors;
};

// A plug-in the config lists under `plugins:`, as loaded: its path (as written, relative to the
// working directory) and the XXH3-64 checksum of the file.
struct SweepPlugin {
  std::string path;
  std::string checksum;
};

struct SweepConfig {
  std::string config_path;
  std::string name;
  DataSpec data;
  double budget_seconds = 20000.0;
  int runs = 10;
  std::uint64_t master_seed = 0;
  SeedPolicy seed_policy = SeedPolicy::fixed;
  std::vector<int> report_epochs = {kMaxEpochs, kSurrogateEpoch};
  int curve_points = 100;
  // Simulated workers (experiments/driver.hpp). Absent keys resolve at load time: budget_kind
  // and curve_axis are total_cost when every entry has 1 worker, wallclock otherwise.
  int workers = 1;
  BudgetKind budget_kind = BudgetKind::total_cost;
  FidelityCost fidelity_cost = FidelityCost::restart;
  std::vector<double> speed_factors;  // empty: every worker 1
  double decision_time = 0.0;
  std::string curve_axis = "total_cost";  // total_cost | wallclock
  // `objectives: [valid_acc, params]`: a multi-objective sweep (experiments/mo_report.hpp).
  std::optional<ObjectivePair> objectives;
  std::vector<SweepPlugin> plugins;
  std::vector<SweepOptimizer> optimizers;
  std::string output;
  std::string output_location;  // where `output` came from: "FILE:LINE:COL" or "--out"
};

// Optimizer names resolve against `registry`, which must already hold the config's plug-ins
// (load_sweep_plugins does that).
SweepConfig load_sweep_config(const std::string& path, const Registry& registry);
// The same from YAML text; file_label names the source in messages.
SweepConfig parse_sweep_config(const std::string& yaml_text, const std::string& file_label,
                               const Registry& registry);

// A copy of `base` with every plug-in that the config at `path` lists under `plugins:` loaded
// (core/plugin.hpp), in the listed order. A plug-in that cannot be loaded throws ConfigError
// "FILE:LINE:COLUMN: key 'plugins': ..." (at the entry's line) with the loader's reason.
Registry load_sweep_plugins(const std::string& path, const Registry& base);
Registry parse_sweep_plugins(const std::string& yaml_text, const std::string& file_label,
                             const Registry& base);

// Opens the data the config names; a failure throws ConfigError citing the data key.
Benchmark load_sweep_benchmark(const DataSpec& data);

// "key = value" pairs that determine a sweep's outputs (everything except the output folder),
// used to refuse a resume under a changed config.
using Fingerprint = std::vector<std::pair<std::string, std::string>>;
Fingerprint sweep_fingerprint(const SweepConfig& config, const Benchmark& benchmark);
std::string format_fingerprint(const Fingerprint& fingerprint);
Fingerprint parse_fingerprint(const std::string& text);
// "" when equal, else one "key: old → new" clause per difference, joined by "; ".
std::string describe_fingerprint_changes(const Fingerprint& before, const Fingerprint& now);

// The full config with every default filled in, plus a `provenance` block (nhb2 version, data
// source, table checksum). load_sweep_config() accepts it back (provenance is informational).
std::string resolved_yaml(const SweepConfig& config, const Benchmark& benchmark,
                          const std::string& nhb2_version);

}  // namespace nhb2
