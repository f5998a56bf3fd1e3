#include <nhb2/experiments/sweep_config.hpp>

#include <nhb2/core/constants.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/file_io.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/core/plugin.hpp>
#include <nhb2/core/suggest.hpp>
#include <nhb2/experiments/driver.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

namespace nhb2 {

namespace {

const std::vector<std::string> kTopLevelKeys = {
    "name",          "data",          "budget",        "runs",       "master_seed",
    "seed_policy",   "report_epochs", "curve_points",  "workers",    "budget_kind",
    "fidelity_cost", "speed_factors", "decision_time", "curve_axis", "plugins",
    "optimizers",    "output",        "provenance",    "objectives"};
const std::vector<std::string> kOptimizerKeys = {"optimizer", "label", "params", "workers",
                                                 "speed_factors"};

// Reads one file's nodes and reports errors at their position.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  std::string location(const YAML::Mark& mark) const {
    if (mark.is_null()) return file_;
    return file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  [[noreturn]] void fail(const YAML::Node& node, const std::string& key,
                         const std::string& message) const {
    throw ConfigError(location(node.Mark()) + ": key '" + key + "': " + message);
  }

  std::string scalar(const YAML::Node& node, const std::string& key,
                     const std::string& expected) const {
    if (!node.IsScalar()) fail(node, key, "expected " + expected + ", got " + kind(node));
    return node.Scalar();
  }

  double real(const YAML::Node& node, const std::string& key) const {
    const std::string text = scalar(node, key, "a number");
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(value)) {
      fail(node, key, "expected a number, got '" + text + "'");
    }
    return value;
  }

  long long integer(const YAML::Node& node, const std::string& key) const {
    const std::string text = scalar(node, key, "an integer");
    long long value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
      fail(node, key, "expected an integer, got '" + text + "'");
    }
    return value;
  }

  std::uint64_t unsigned_integer(const YAML::Node& node, const std::string& key) const {
    const std::string text = scalar(node, key, "a non-negative integer");
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
      fail(node, key, "expected a non-negative integer (0 .. 2^64-1), got '" + text + "'");
    }
    return value;
  }

  // Checks that a map has only known keys.
  void check_keys(const YAML::Node& map, const std::string& prefix,
                  const std::vector<std::string>& allowed) const {
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
      bool known = false;
      for (const auto& a : allowed) known = known || a == key;
      if (!known) {
        throw ConfigError(location(it->first.Mark()) + ": unknown key '" + prefix + key + "'" +
                          did_you_mean(key, allowed) + "; allowed keys: " + join(allowed));
      }
    }
  }

  static std::string kind(const YAML::Node& node) {
    switch (node.Type()) {
      case YAML::NodeType::Map:
        return "a map";
      case YAML::NodeType::Sequence:
        return "a list";
      case YAML::NodeType::Null:
        return "nothing (null)";
      default:
        return "'" + node.Scalar() + "'";
    }
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

// One of `allowed`, or a failure naming the key, the value and what is allowed.
std::string choice(const Reader& reader, const YAML::Node& node, const std::string& key,
                   const std::vector<std::string>& allowed) {
  const std::string text = reader.scalar(node, key, "one of " + join(allowed));
  if (std::find(allowed.begin(), allowed.end(), text) == allowed.end()) {
    reader.fail(node, key,
                "'" + text + "' is not allowed" + did_you_mean(text, allowed) +
                    "; allowed: " + join(allowed));
  }
  return text;
}

int parse_workers(const Reader& reader, const YAML::Node& n, const std::string& key) {
  const long long workers = reader.integer(n, key);
  if (workers < 1 || workers > kMaxWorkers) {
    reader.fail(
        n, key,
        "must be an integer in [1, " + std::to_string(kMaxWorkers) + "], got " + n.Scalar());
  }
  return static_cast<int>(workers);
}

std::vector<double> parse_speed_factors(const Reader& reader, const YAML::Node& n,
                                        const std::string& key, int workers) {
  if (!n.IsSequence()) {
    reader.fail(n, key, "expected a list of numbers > 0, one per worker, got " + Reader::kind(n));
  }
  if (n.size() != static_cast<std::size_t>(workers)) {
    reader.fail(n, key,
                "has " + std::to_string(n.size()) +
                    " values; give one per worker (workers: " + std::to_string(workers) + ")");
  }
  std::vector<double> factors;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const double factor = reader.real(n[i], key);
    if (!(factor > 0.0)) {
      reader.fail(n[i], key,
                  "factor " + n[i].Scalar() +
                      " is not allowed; a speed factor is a number > 0 (a trial on worker w "
                      "takes cost × factor_w simulated seconds)");
    }
    factors.push_back(factor);
  }
  return factors;
}

// workers, budget_kind, fidelity_cost, speed_factors, decision_time, curve_axis; the defaults
// of budget_kind and curve_axis are resolved by resolve_simulation_defaults once the optimizer
// entries are known.
void parse_simulation(const Reader& reader, const YAML::Node& root, SweepConfig& config) {
  if (const YAML::Node n = root["workers"]) config.workers = parse_workers(reader, n, "workers");
  if (const YAML::Node n = root["budget_kind"]) {
    config.budget_kind =
        parse_budget_kind(choice(reader, n, "budget_kind", {"total_cost", "wallclock"}));
  }
  if (const YAML::Node n = root["fidelity_cost"]) {
    config.fidelity_cost =
        parse_fidelity_cost(choice(reader, n, "fidelity_cost", {"restart", "resume"}));
  }
  if (const YAML::Node n = root["speed_factors"]) {
    config.speed_factors = parse_speed_factors(reader, n, "speed_factors", config.workers);
  }
  if (const YAML::Node n = root["decision_time"]) {
    config.decision_time = reader.real(n, "decision_time");
    if (!(config.decision_time >= 0.0) || config.decision_time > kMaxBudgetSeconds) {
      reader.fail(n, "decision_time",
                  "must be a number of simulated seconds in [0, " +
                      format_readable(kMaxBudgetSeconds) + "], got " + n.Scalar());
    }
  }
  if (const YAML::Node n = root["curve_axis"]) {
    config.curve_axis = choice(reader, n, "curve_axis", {"total_cost", "wallclock"});
  }
  if (const YAML::Node n = root["objectives"]) {
    // A multi-objective sweep (experiments/mo_report.hpp): a list of two objective names.
    if (!n.IsSequence()) {
      reader.fail(n, "objectives",
                  "expected a list of two objectives such as [valid_acc, params]; allowed: "
                  "valid_acc and one of cost, params, flops");
    }
    std::vector<std::string> names;
    for (const YAML::Node& item : n) names.push_back(reader.scalar(item, "objectives", "a name"));
    try {
      config.objectives = make_objective_pair(names, "objectives");
    } catch (const InvalidArgument& e) {
      const std::string message = e.what();
      reader.fail(n, "objectives", message.substr(std::string("objectives: ").size()));
    }
  }
}

// Absent budget_kind and curve_axis: total_cost when every entry runs on 1 worker, else wallclock.
void resolve_simulation_defaults(const YAML::Node& root, SweepConfig& config) {
  int most_workers = config.workers;
  for (const SweepOptimizer& o : config.optimizers)
    most_workers = std::max(most_workers, o.workers);
  if (!root["budget_kind"]) config.budget_kind = default_budget_kind(most_workers);
  if (!root["curve_axis"]) config.curve_axis = most_workers > 1 ? "wallclock" : "total_cost";
}

bool valid_label(const std::string& label) {
  if (label.empty() || label[0] == '.' || label[0] == '-') return false;
  for (char c : label) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.' || c == '+';
    if (!ok) return false;
  }
  return true;
}

void parse_data(const Reader& reader, const YAML::Node& node, DataSpec& data) {
  data.location = reader.location(node.Mark());
  if (node.IsScalar()) {
    const std::string text = node.Scalar();
    if (text == "synthetic") {
      data.synthetic = true;
      return;
    }
    data.synthetic = false;
    data.path = text;
  } else if (node.IsMap()) {
    reader.check_keys(node, "data.", {"synthetic", "file"});
    if (node.size() != 1) {
      reader.fail(node, "data", "give exactly one of 'synthetic' or 'file'");
    }
    if (const YAML::Node synthetic = node["synthetic"]) {
      data.synthetic = true;
      if (synthetic.IsNull()) return;
      if (!synthetic.IsMap()) {
        reader.fail(synthetic, "data.synthetic",
                    "expected {seed: N}, got " + Reader::kind(synthetic));
      }
      reader.check_keys(synthetic, "data.synthetic.", {"seed"});
      if (const YAML::Node seed = synthetic["seed"]) {
        data.synthetic_seed = reader.unsigned_integer(seed, "data.synthetic.seed");
      }
      return;
    }
    data.synthetic = false;
    data.path = reader.scalar(node["file"], "data.file", "a file name");
  } else {
    reader.fail(node, "data",
                "expected 'synthetic', {synthetic: {seed: N}}, a .nhb2 file name or {file: NAME}, "
                "got " +
                    Reader::kind(node));
  }
  if (data.path.empty()) reader.fail(node, "data", "the file name is empty");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(data.path, ec)) {
    reader.fail(node, "data",
                "data file '" + data.path +
                    "' does not exist (or is not a file); give a .nhb2 file (see 'nhb2 import', "
                    "'nhb2 synth') or 'synthetic'");
  }
}

// The `plugins:` list: each entry a path (a string); absent or empty means none.
std::vector<std::pair<std::string, YAML::Node>> plugin_entries(const Reader& reader,
                                                               const YAML::Node& root) {
  std::vector<std::pair<std::string, YAML::Node>> entries;
  if (!root.IsMap()) return entries;
  const YAML::Node list = root["plugins"];
  if (!list || list.IsNull()) return entries;
  if (!list.IsSequence()) {
    reader.fail(list, "plugins",
                "expected a list of plug-in files [PATH.so, ...], got " + Reader::kind(list));
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = "plugins[" + std::to_string(i) + "]";
    const std::string path = reader.scalar(list[i], key, "the path of a plug-in (.so)");
    if (path.empty()) reader.fail(list[i], key, "the path is empty");
    entries.emplace_back(path, list[i]);
  }
  return entries;
}

YAML::Node load_yaml(const Reader& reader, const std::string& yaml_text) {
  try {
    return YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(reader.location(e.mark) + ": malformed YAML: " + e.msg);
  }
}

std::string read_config_text(const std::string& path) {
  try {
    return read_file(path);
  } catch (const DataError& e) {
    throw ConfigError(std::string(e.what()) + " (the sweep config)");
  }
}

SweepOptimizer parse_optimizer(const Reader& reader, const YAML::Node& node, std::size_t index,
                               const Registry& registry, const SweepConfig& config) {
  const std::string prefix = "optimizers[" + std::to_string(index) + "]";
  if (!node.IsMap()) {
    reader.fail(
        node, prefix,
        "expected a map {optimizer: NAME, label: ..., params: {...}}, got " + Reader::kind(node));
  }
  reader.check_keys(node, prefix + ".", kOptimizerKeys);
  const YAML::Node name_node = node["optimizer"];
  if (!name_node) reader.fail(node, prefix + ".optimizer", "is missing (see 'nhb2 list')");
  SweepOptimizer entry;
  entry.optimizer = reader.scalar(name_node, prefix + ".optimizer", "an optimizer name");
  if (!registry.contains(entry.optimizer)) {
    reader.fail(name_node, prefix + ".optimizer",
                "unknown optimizer '" + entry.optimizer + "'" +
                    did_you_mean(entry.optimizer, registry.names()) +
                    "; known: " + join(registry.names()));
  }
  const OptimizerInfo& info = registry.find(entry.optimizer);
  // The default label: the name, or for a Python optimizer (python:MODULE:CLASS) its class name.
  entry.label = entry.optimizer.substr(entry.optimizer.rfind(':') + 1);
  if (const YAML::Node label = node["label"]) {
    entry.label = reader.scalar(label, prefix + ".label", "a label");
    if (!valid_label(entry.label)) {
      reader.fail(label, prefix + ".label",
                  "'" + entry.label +
                      "' is not a valid label; use letters, digits and _ - . + (it names a folder "
                      "and CSV rows)");
    }
  }
  ParamAssignments given;
  if (const YAML::Node params = node["params"]) {
    if (!params.IsMap() && !params.IsNull()) {
      reader.fail(params, prefix + ".params",
                  "expected a map {name: value, ...}, got " + Reader::kind(params));
    }
    for (auto it = params.begin(); it != params.end(); ++it) {
      const std::string name = reader.scalar(it->first, prefix + ".params", "a parameter name");
      const std::string key = prefix + ".params." + name;
      const std::string value = reader.scalar(it->second, key, "a single value");
      // Resolve each assignment alone first, so that an error points at its own line.
      try {
        resolve_params(entry.optimizer, info.params, {{name, value}});
      } catch (const ConfigError& e) {
        throw ConfigError(reader.location(it->first.Mark()) + ": key '" + key + "': " + e.what());
      }
      given.emplace_back(name, value);
    }
    try {
      entry.params = resolve_params(entry.optimizer, info.params, given).items();
    } catch (const ConfigError& e) {
      throw ConfigError(reader.location(params.Mark()) + ": key '" + prefix +
                        ".params': " + e.what());
    }
  } else {
    entry.params = resolve_params(entry.optimizer, info.params, {}).items();
  }
  entry.workers = config.workers;
  if (const YAML::Node n = node["workers"]) {
    entry.workers = parse_workers(reader, n, prefix + ".workers");
  }
  if (const YAML::Node n = node["speed_factors"]) {
    entry.speed_factors = parse_speed_factors(reader, n, prefix + ".speed_factors", entry.workers);
  } else if (entry.workers == config.workers) {
    entry.speed_factors = config.speed_factors;
  }
  return entry;
}

SweepConfig parse_root(const Reader& reader, const YAML::Node& root, const Registry& registry) {
  if (!root.IsMap()) {
    throw ConfigError(reader.location(root.Mark()) +
                      ": a sweep config must be a YAML map of keys (name, data, budget, runs, "
                      "optimizers, ...); got " +
                      Reader::kind(root));
  }
  reader.check_keys(root, "", kTopLevelKeys);
  SweepConfig config;
  config.config_path = reader.file();
  config.name = std::filesystem::path(reader.file()).stem().string();
  if (const YAML::Node n = root["name"]) {
    config.name = reader.scalar(n, "name", "a name");
    if (!valid_label(config.name)) {
      reader.fail(n, "name", "'" + config.name + "' is not valid; use letters, digits and _ - . +");
    }
  }
  if (const YAML::Node n = root["data"]) parse_data(reader, n, config.data);
  if (const YAML::Node n = root["budget"]) {
    config.budget_seconds = reader.real(n, "budget");
    if (!(config.budget_seconds > 0.0) || config.budget_seconds > kMaxBudgetSeconds) {
      reader.fail(n, "budget",
                  "must be a positive number of simulated seconds, at most " +
                      format_readable(kMaxBudgetSeconds) + ", got " + n.Scalar());
    }
  }
  if (const YAML::Node n = root["runs"]) {
    const long long runs = reader.integer(n, "runs");
    if (runs < 1 || runs > kMaxRuns) {
      reader.fail(n, "runs",
                  "must be an integer in [1, " + std::to_string(kMaxRuns) + "], got " + n.Scalar());
    }
    config.runs = static_cast<int>(runs);
  }
  if (const YAML::Node n = root["master_seed"]) {
    config.master_seed = reader.unsigned_integer(n, "master_seed");
  }
  if (const YAML::Node n = root["seed_policy"]) {
    const std::string text = reader.scalar(n, "seed_policy", "a seed policy");
    const std::vector<std::string> allowed = {"fixed", "mean", "sampled"};
    try {
      config.seed_policy = parse_seed_policy(text);
    } catch (const Error&) {
      reader.fail(n, "seed_policy",
                  "'" + text + "' is not allowed" + did_you_mean(text, allowed) +
                      "; allowed: " + join(allowed));
    }
  }
  if (const YAML::Node n = root["report_epochs"]) {
    if (!n.IsSequence() || n.size() == 0) {
      reader.fail(n, "report_epochs",
                  "expected a non-empty list drawn from [" + std::to_string(kMaxEpochs) + ", " +
                      std::to_string(kSurrogateEpoch) + "], got " + Reader::kind(n));
    }
    config.report_epochs.clear();
    for (std::size_t i = 0; i < n.size(); ++i) {
      const long long epoch = reader.integer(n[i], "report_epochs");
      if (epoch != kMaxEpochs && epoch != kSurrogateEpoch) {
        reader.fail(n[i], "report_epochs",
                    "epoch " + n[i].Scalar() + " is not allowed; allowed: " +
                        std::to_string(kMaxEpochs) + ", " + std::to_string(kSurrogateEpoch));
      }
      for (int e : config.report_epochs) {
        if (e == epoch)
          reader.fail(n[i], "report_epochs", "epoch " + n[i].Scalar() + " is listed twice");
      }
      config.report_epochs.push_back(static_cast<int>(epoch));
    }
  }
  if (const YAML::Node n = root["curve_points"]) {
    const long long points = reader.integer(n, "curve_points");
    if (points < 2 || points > 10000) {
      reader.fail(n, "curve_points", "must be an integer in [2, 10000], got " + n.Scalar());
    }
    config.curve_points = static_cast<int>(points);
  }
  parse_simulation(reader, root, config);
  std::vector<const PluginRecord*> listed;
  for (const auto& [path, node] : plugin_entries(reader, root)) {
    const PluginRecord* record = registry.find_plugin(path);
    if (record == nullptr) {
      reader.fail(node, "plugins",
                  "plug-in '" + path +
                      "' is not loaded in the registry (load the config's plug-ins first, e.g. "
                      "with load_sweep_plugins)");
    }
    // The same file under two spellings (a.so, ./a.so) is the same plug-in.
    if (std::find(listed.begin(), listed.end(), record) != listed.end()) {
      reader.fail(node, "plugins",
                  "'" + path + "' is listed twice (as '" + record->path + "' before)");
    }
    listed.push_back(record);
    config.plugins.push_back(SweepPlugin{path, record->checksum});
  }
  const YAML::Node optimizers = root["optimizers"];
  if (!optimizers) {
    throw ConfigError(reader.file() +
                      ": key 'optimizers' is missing; give a list such as "
                      "[{optimizer: random_search}] (see 'nhb2 list')");
  }
  if (!optimizers.IsSequence() || optimizers.size() == 0) {
    reader.fail(
        optimizers, "optimizers",
        "expected a non-empty list of {optimizer: NAME, ...}, got " + Reader::kind(optimizers));
  }
  std::set<std::string> labels;
  for (std::size_t i = 0; i < optimizers.size(); ++i) {
    SweepOptimizer entry = parse_optimizer(reader, optimizers[i], i, registry, config);
    if (!labels.insert(entry.label).second) {
      reader.fail(optimizers[i], "optimizers[" + std::to_string(i) + "].label",
                  "label '" + entry.label +
                      "' is used twice; give each entry its own label (e.g. label: " + entry.label +
                      "_2)");
    }
    config.optimizers.push_back(std::move(entry));
  }
  resolve_simulation_defaults(root, config);
  config.output = "results/" + config.name;
  if (const YAML::Node n = root["output"]) {
    config.output = reader.scalar(n, "output", "a folder name");
    if (config.output.empty()) reader.fail(n, "output", "the folder name is empty");
    config.output_location = reader.location(n.Mark());
  } else {
    config.output_location = reader.file() + " (default output folder)";
  }
  return config;
}

}  // namespace

SweepConfig parse_sweep_config(const std::string& yaml_text, const std::string& file_label,
                               const Registry& registry) {
  const Reader reader(file_label);
  const YAML::Node root = load_yaml(reader, yaml_text);
  try {
    return parse_root(reader, root, registry);
  } catch (const YAML::Exception& e) {
    throw ConfigError(reader.location(e.mark) + ": malformed config: " + e.msg);
  }
}

SweepConfig load_sweep_config(const std::string& path, const Registry& registry) {
  return parse_sweep_config(read_config_text(path), path, registry);
}

Registry parse_sweep_plugins(const std::string& yaml_text, const std::string& file_label,
                             const Registry& base) {
  const Reader reader(file_label);
  const YAML::Node root = load_yaml(reader, yaml_text);
  Registry registry = base;
  try {
    for (const auto& [path, node] : plugin_entries(reader, root)) {
      if (registry.find_plugin(path)) continue;  // listed twice: parse_sweep_config says so
      try {
        load_plugin(path, registry);
      } catch (const Error& e) {
        reader.fail(node, "plugins", e.what());
      }
    }
  } catch (const YAML::Exception& e) {
    throw ConfigError(reader.location(e.mark) + ": malformed config: " + e.msg);
  }
  return registry;
}

Registry load_sweep_plugins(const std::string& path, const Registry& base) {
  return parse_sweep_plugins(read_config_text(path), path, base);
}

Benchmark load_sweep_benchmark(const DataSpec& data) {
  if (data.synthetic) return Benchmark::synthetic(data.synthetic_seed);
  try {
    return Benchmark::open(data.path);
  } catch (const Error& e) {
    throw ConfigError(data.location + ": key 'data': " + e.what());
  }
}

Fingerprint sweep_fingerprint(const SweepConfig& config, const Benchmark& benchmark) {
  Fingerprint f;
  f.emplace_back("name", config.name);
  f.emplace_back("data", config.data.synthetic
                             ? "synthetic seed " + std::to_string(config.data.synthetic_seed)
                             : config.data.path);
  f.emplace_back("data checksum", benchmark.checksum());
  f.emplace_back("budget", format_double(config.budget_seconds));
  f.emplace_back("runs", std::to_string(config.runs));
  f.emplace_back("master_seed", std::to_string(config.master_seed));
  f.emplace_back("seed_policy", seed_policy_name(config.seed_policy));
  std::string epochs;
  for (int e : config.report_epochs) epochs += (epochs.empty() ? "" : ", ") + std::to_string(e);
  f.emplace_back("report_epochs", "[" + epochs + "]");
  f.emplace_back("curve_points", std::to_string(config.curve_points));
  if (config.objectives) f.emplace_back("objectives", config.objectives->text());
  f.emplace_back("workers", std::to_string(config.workers));
  f.emplace_back("budget_kind", budget_kind_name(config.budget_kind));
  f.emplace_back("fidelity_cost", fidelity_cost_name(config.fidelity_cost));
  std::string factors;
  for (double v : config.speed_factors) factors += (factors.empty() ? "" : ", ") + format_double(v);
  f.emplace_back("speed_factors", "[" + factors + "]");
  f.emplace_back("decision_time", format_double(config.decision_time));
  f.emplace_back("curve_axis", config.curve_axis);
  for (std::size_t i = 0; i < config.plugins.size(); ++i) {
    const std::string prefix = "plugins[" + std::to_string(i) + "]";
    f.emplace_back(prefix, config.plugins[i].path);
    f.emplace_back(prefix + ".xxh3", config.plugins[i].checksum);
  }
  f.emplace_back("optimizers (count)", std::to_string(config.optimizers.size()));
  for (std::size_t i = 0; i < config.optimizers.size(); ++i) {
    const SweepOptimizer& o = config.optimizers[i];
    const std::string prefix = "optimizers[" + std::to_string(i) + "]";
    f.emplace_back(prefix + ".label", o.label);
    f.emplace_back(prefix + ".optimizer", o.optimizer);
    for (const auto& [name, value] : o.params) f.emplace_back(prefix + ".params." + name, value);
    f.emplace_back(prefix + ".workers", std::to_string(o.workers));
    std::string entry_factors;
    for (double v : o.speed_factors) {
      entry_factors += (entry_factors.empty() ? "" : ", ") + format_double(v);
    }
    f.emplace_back(prefix + ".speed_factors", "[" + entry_factors + "]");
  }
  return f;
}

std::string format_fingerprint(const Fingerprint& fingerprint) {
  std::string text = "# nhb2 sweep fingerprint: what --resume compares\n";
  for (const auto& [key, value] : fingerprint) text += key + " = " + value + "\n";
  return text;
}

Fingerprint parse_fingerprint(const std::string& text) {
  Fingerprint f;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find(" = ");
    if (eq == std::string::npos) continue;
    f.emplace_back(line.substr(0, eq), line.substr(eq + 3));
  }
  return f;
}

std::string describe_fingerprint_changes(const Fingerprint& before, const Fingerprint& now) {
  std::map<std::string, std::string> old_values(before.begin(), before.end());
  std::map<std::string, std::string> new_values(now.begin(), now.end());
  std::string changes;
  auto add = [&](const std::string& clause) { changes += (changes.empty() ? "" : "; ") + clause; };
  for (const auto& [key, value] : now) {
    const auto it = old_values.find(key);
    if (it == old_values.end()) {
      add(key + ": (absent) → " + value);
    } else if (it->second != value) {
      add(key + ": " + it->second + " → " + value);
    }
  }
  for (const auto& [key, value] : before) {
    if (!new_values.count(key)) add(key + ": " + value + " → (absent)");
  }
  return changes;
}

std::string resolved_yaml(const SweepConfig& config, const Benchmark& benchmark,
                          const std::string& nhb2_version) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << config.name;
  out << YAML::Key << "data" << YAML::Value;
  if (config.data.synthetic) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "synthetic" << YAML::Value << YAML::Flow
        << YAML::BeginMap << YAML::Key << "seed" << YAML::Value << config.data.synthetic_seed
        << YAML::EndMap << YAML::EndMap;
  } else {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "file" << YAML::Value << config.data.path
        << YAML::EndMap;
  }
  out << YAML::Key << "budget" << YAML::Value << format_double(config.budget_seconds);
  out << YAML::Key << "runs" << YAML::Value << config.runs;
  out << YAML::Key << "master_seed" << YAML::Value << config.master_seed;
  out << YAML::Key << "seed_policy" << YAML::Value << seed_policy_name(config.seed_policy);
  out << YAML::Key << "report_epochs" << YAML::Value << YAML::Flow << config.report_epochs;
  out << YAML::Key << "curve_points" << YAML::Value << config.curve_points;
  if (config.objectives) {
    out << YAML::Key << "objectives" << YAML::Value << YAML::Flow << YAML::BeginSeq << "valid_acc"
        << objective_name(config.objectives->minimised) << YAML::EndSeq;
  }
  out << YAML::Key << "workers" << YAML::Value << config.workers;
  out << YAML::Key << "budget_kind" << YAML::Value << budget_kind_name(config.budget_kind);
  out << YAML::Key << "fidelity_cost" << YAML::Value << fidelity_cost_name(config.fidelity_cost);
  if (!config.speed_factors.empty()) {
    out << YAML::Key << "speed_factors" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (double v : config.speed_factors) out << format_double(v);
    out << YAML::EndSeq;
  }
  out << YAML::Key << "decision_time" << YAML::Value << format_double(config.decision_time);
  out << YAML::Key << "curve_axis" << YAML::Value << config.curve_axis;
  if (!config.plugins.empty()) {
    out << YAML::Key << "plugins" << YAML::Value << YAML::BeginSeq;
    for (const SweepPlugin& plugin : config.plugins) out << plugin.path;
    out << YAML::EndSeq;
  }
  out << YAML::Key << "optimizers" << YAML::Value << YAML::BeginSeq;
  for (const SweepOptimizer& o : config.optimizers) {
    out << YAML::BeginMap;
    out << YAML::Key << "optimizer" << YAML::Value << o.optimizer;
    out << YAML::Key << "label" << YAML::Value << o.label;
    out << YAML::Key << "params" << YAML::Value;
    if (o.params.empty()) {
      out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
    } else {
      out << YAML::BeginMap;
      for (const auto& [name, value] : o.params) out << YAML::Key << name << YAML::Value << value;
      out << YAML::EndMap;
    }
    out << YAML::Key << "workers" << YAML::Value << o.workers;
    if (!o.speed_factors.empty()) {
      out << YAML::Key << "speed_factors" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (double v : o.speed_factors) out << format_double(v);
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "output" << YAML::Value << config.output;
  out << YAML::Key << "provenance" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "nhb2_version" << YAML::Value << nhb2_version;
  out << YAML::Key << "config_file" << YAML::Value << config.config_path;
  out << YAML::Key << "data_kind" << YAML::Value << benchmark.source().kind;
  out << YAML::Key << "data_description" << YAML::Value << benchmark.source().description;
  out << YAML::Key << "data_checksum" << YAML::Value << benchmark.checksum();
  if (!config.plugins.empty()) {
    out << YAML::Key << "plugins" << YAML::Value << YAML::BeginSeq;
    for (const SweepPlugin& plugin : config.plugins) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "path" << YAML::Value << plugin.path
          << YAML::Key << "xxh3" << YAML::Value << plugin.checksum << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::Key << "recorded_seeds" << YAML::Value << YAML::Flow << benchmark.seeds();
  out << YAML::Key << "run_seeds" << YAML::Value
      << "run i uses splitmix64(master_seed, i), the same for every optimizer";
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string("# nhb2 sweep, resolved config: every default filled in (data: ") +
         benchmark.source().kind + ")\n" + out.c_str() + "\n";
}

}  // namespace nhb2
