#include <nhb2/core/plugin.hpp>

#include <nhb2/core/error.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/core/hash.hpp>

#include <dlfcn.h>

#include <filesystem>

namespace nhb2 {

namespace {

using ManifestFunction = const nhb2_plugin_manifest* (*)();
using RegisterFunction = void (*)(Registry&);

std::string describe_manifest(std::uint32_t plugin_abi, const std::string& version,
                              std::uint32_t cxx_abi) {
  return "nhb2 " + version + ", plug-in ABI " + std::to_string(plugin_abi) + ", C++ ABI " +
         std::to_string(cxx_abi);
}

}  // namespace

const PluginRecord& load_plugin(const std::string& path, Registry& registry) {
  const std::string what = "plug-in '" + path + "'";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw PluginError(what + " does not exist (or is not a file); give the path of a shared " +
                      "library built with NHB2_PLUGIN (see docs/adding-an-optimizer.md)");
  }
  const std::string canonical = std::filesystem::canonical(path, ec).string();
  if (const PluginRecord* loaded = registry.find_plugin(canonical)) {
    throw PluginError(what + " is loaded twice (already loaded as '" + loaded->path + "')");
  }
  PluginRecord record;
  record.path = path;
  record.canonical_path = canonical;

  // A path without a slash would make dlopen search the library path instead of this file.
  const std::string open_path = path.find('/') == std::string::npos ? "./" + path : path;
  void* handle = ::dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* reason = ::dlerror();
    throw PluginError(what +
                      " is not a loadable shared library: " + (reason ? reason : "unknown reason"));
  }
  // Past this point the library stays loaded even when it is refused: unloading code whose
  // static constructors ran is not always safe, and a refused plug-in ends the command anyway.
  try {
    record.checksum = to_hex(file_xxh3_64(path));
  } catch (const Error& e) {
    throw PluginError(what + " cannot be read: " + e.what());
  }
  auto manifest_function =
      reinterpret_cast<ManifestFunction>(::dlsym(handle, "nhb2_plugin_manifest_v1"));
  auto register_function =
      reinterpret_cast<RegisterFunction>(::dlsym(handle, "nhb2_register_optimizers"));
  if (manifest_function == nullptr || register_function == nullptr) {
    throw PluginError(what +
                      " is not an nhb2 plug-in: it does not define nhb2_plugin_manifest_v1 and "
                      "nhb2_register_optimizers (write them with NHB2_PLUGIN, see "
                      "docs/adding-an-optimizer.md)");
  }
  const nhb2_plugin_manifest* manifest = manifest_function();
  const std::string their_version =
      manifest && manifest->nhb2_version ? manifest->nhb2_version : "?";
  if (manifest == nullptr || manifest->plugin_abi != NHB2_PLUGIN_ABI_VERSION ||
      their_version != NHB2_VERSION_STRING || manifest->cxx_abi != NHB2_PLUGIN_CXX_ABI) {
    const std::string theirs =
        manifest ? describe_manifest(manifest->plugin_abi, their_version, manifest->cxx_abi)
                 : "an unknown version";
    throw PluginError(
        what + " is incompatible: it was built against " + theirs + ", this is " +
        describe_manifest(NHB2_PLUGIN_ABI_VERSION, NHB2_VERSION_STRING, NHB2_PLUGIN_CXX_ABI) +
        "; rebuild it against this nhb2");
  }

  Registry added;
  try {
    register_function(added);
  } catch (const std::exception& e) {
    throw PluginError(what + " failed while registering its optimizers: " + e.what());
  }
  if (added.all().empty()) throw PluginError(what + " registers no optimizer");
  // Check every name before adding any, so that a refused plug-in leaves the registry unchanged.
  for (const auto& info : added.all()) {
    if (registry.contains(info.name)) {
      throw PluginError(what + " defines optimizer '" + info.name +
                        "', which clashes with the optimizer of that name of " +
                        registry.describe_origin(info.name) + "; rename it in the plug-in");
    }
  }
  for (const auto& info : added.all()) {
    record.optimizers.push_back(info.name);
    registry.add(info, path);
  }
  registry.plugins_.push_back(std::move(record));
  return registry.plugins_.back();
}

}  // namespace nhb2
