#pragma once
// The optimizer registry: one OptimizerInfo per optimizer, looked up by name.
//
// nhb2's own optimizers are registered by the algorithms library (builtin_optimizers()); only the
// command line knows them. Everything that resolves optimizer names (sweep configs, the sweep
// runner) takes the registry it should use, so that plug-ins (core/plugin.hpp) loaded into a copy
// of the built-in registry are first-class.

#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/params.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nhb2 {

struct OptimizerInfo {
  std::string name;
  std::string summary;  // one line for `nhb2 list`
  std::vector<ParamSpec> params;
  std::function<std::unique_ptr<Optimizer>(const ParamValues&)> create;
};

// A loaded plug-in: its path as given, the canonical path, its XXH3-64 checksum (16 hex digits)
// and the optimizers it registered.
struct PluginRecord {
  std::string path;
  std::string canonical_path;
  std::string checksum;
  std::vector<std::string> optimizers;
};

class Registry {
 public:
  // origin: "" for a built-in, the plug-in's path for a plug-in's optimizer. Throws ConfigError
  // when the name is taken, naming both origins.
  void add(OptimizerInfo info, std::string origin = "");
  // Throws ConfigError naming the unknown optimizer, with a "did you mean" and the known names.
  const OptimizerInfo& find(const std::string& name) const;
  bool contains(const std::string& name) const;
  std::vector<std::string> names() const;
  const std::vector<OptimizerInfo>& all() const { return infos_; }
  // Where the optimizer comes from: "" (built-in) or its plug-in's path. Throws like find().
  const std::string& origin(const std::string& name) const;
  // "built-in" or "plug-in 'PATH'", for messages.
  std::string describe_origin(const std::string& name) const;

  // find(name), resolve the parameters, create. Throws ConfigError for an unknown name or bad
  // parameters; a plug-in factory's own exception (or a null result) becomes a ConfigError
  // naming the optimizer and its plug-in, while an nhb2::Error it throws passes unchanged.
  std::unique_ptr<Optimizer> create(const std::string& name, const ParamAssignments& params) const;

  // The plug-ins loaded into this registry (load_plugin), in load order.
  const std::vector<PluginRecord>& plugins() const { return plugins_; }
  // The record of a loaded plug-in, by the path it was loaded from or its canonical path;
  // nullptr when none.
  const PluginRecord* find_plugin(const std::string& path) const;

 private:
  friend const PluginRecord& load_plugin(const std::string& path, Registry& registry);
  std::size_t index(const std::string& name) const;  // throws like find()
  std::vector<OptimizerInfo> infos_;
  std::vector<std::string> origins_;  // parallel to infos_
  std::vector<PluginRecord> plugins_;
};

}  // namespace nhb2
