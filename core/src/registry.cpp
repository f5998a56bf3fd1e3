#include <nhb2/core/registry.hpp>

#include <nhb2/core/error.hpp>
#include <nhb2/core/suggest.hpp>

namespace nhb2 {

void Registry::add(OptimizerInfo info) {
  if (contains(info.name)) throw ConfigError("optimizer '" + info.name + "' is registered twice");
  infos_.push_back(std::move(info));
}

bool Registry::contains(const std::string& name) const {
  for (const auto& info : infos_) {
    if (info.name == name) return true;
  }
  return false;
}

const OptimizerInfo& Registry::find(const std::string& name) const {
  for (const auto& info : infos_) {
    if (info.name == name) return info;
  }
  throw ConfigError("unknown optimizer '" + name + "'" + did_you_mean(name, names()) +
                    "; available: " + join(names()));
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> result;
  for (const auto& info : infos_) result.push_back(info.name);
  return result;
}

std::unique_ptr<Optimizer> Registry::create(const std::string& name,
                                            const ParamAssignments& params) const {
  const OptimizerInfo& info = find(name);
  return info.create(resolve_params("optimizer '" + name + "'", info.params, params));
}

}  // namespace nhb2
