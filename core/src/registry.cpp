#include <nhb2/core/registry.hpp>

#include <nhb2/core/error.hpp>
#include <nhb2/core/suggest.hpp>

#include <filesystem>

namespace nhb2 {

namespace {

std::string describe(const std::string& origin) {
  // The Python package registers its optimizers with the origin "python:MODULE:CLASS".
  if (origin.rfind("python:", 0) == 0) return "Python class '" + origin.substr(7) + "'";
  return origin.empty() ? "built-in" : "plug-in '" + origin + "'";
}

}  // namespace

void Registry::add(OptimizerInfo info, std::string origin) {
  for (std::size_t i = 0; i < infos_.size(); ++i) {
    if (infos_[i].name == info.name) {
      throw ConfigError("optimizer '" + info.name + "' of " + describe(origin) +
                        " clashes with the optimizer of that name of " + describe(origins_[i]) +
                        "; optimizer names must be unique");
    }
  }
  infos_.push_back(std::move(info));
  origins_.push_back(std::move(origin));
}

bool Registry::contains(const std::string& name) const {
  for (const auto& info : infos_) {
    if (info.name == name) return true;
  }
  return false;
}

std::size_t Registry::index(const std::string& name) const {
  for (std::size_t i = 0; i < infos_.size(); ++i) {
    if (infos_[i].name == name) return i;
  }
  throw ConfigError("unknown optimizer '" + name + "'" + did_you_mean(name, names()) +
                    "; available: " + join(names()));
}

const OptimizerInfo& Registry::find(const std::string& name) const {
  return infos_[index(name)];
}

const std::string& Registry::origin(const std::string& name) const {
  return origins_[index(name)];
}

std::string Registry::describe_origin(const std::string& name) const {
  return describe(origin(name));
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> result;
  for (const auto& info : infos_) result.push_back(info.name);
  return result;
}

std::unique_ptr<Optimizer> Registry::create(const std::string& name,
                                            const ParamAssignments& params) const {
  const std::size_t i = index(name);
  const OptimizerInfo& info = infos_[i];
  const ParamValues values = resolve_params("optimizer '" + name + "'", info.params, params);
  const std::string context =
      "optimizer '" + name + "' (" + describe(origins_[i]) + ") could not be created: ";
  std::unique_ptr<Optimizer> optimizer;
  if (origins_[i].empty()) {
    optimizer = info.create(values);
  } else {
    // A plug-in's factory is outside code: whatever it throws is bad input, reported as such.
    try {
      optimizer = info.create(values);
    } catch (const Error&) {
      throw;
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      throw ConfigError(context + e.what());
    } catch (...) {
      throw ConfigError(context + "an exception that is not a std::exception");
    }
  }
  if (!optimizer) throw ConfigError(context + "the factory returned no optimizer");
  return optimizer;
}

const PluginRecord* Registry::find_plugin(const std::string& path) const {
  std::error_code ec;
  const std::string canonical = std::filesystem::weakly_canonical(path, ec).string();
  for (const auto& record : plugins_) {
    if (record.path == path || (!ec && record.canonical_path == canonical)) return &record;
  }
  return nullptr;
}

}  // namespace nhb2
