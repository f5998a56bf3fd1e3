#pragma once
// The optimizer registry: one OptimizerInfo per optimizer, looked up by name.

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

class Registry {
 public:
  // Throws ConfigError when the name is taken.
  void add(OptimizerInfo info);
  // Throws ConfigError naming the unknown optimizer, with a "did you mean" and the known names.
  const OptimizerInfo& find(const std::string& name) const;
  bool contains(const std::string& name) const;
  std::vector<std::string> names() const;
  const std::vector<OptimizerInfo>& all() const { return infos_; }

  // find(name), resolve the parameters, create.
  std::unique_ptr<Optimizer> create(const std::string& name, const ParamAssignments& params) const;

 private:
  std::vector<OptimizerInfo> infos_;
};

}  // namespace nhb2
