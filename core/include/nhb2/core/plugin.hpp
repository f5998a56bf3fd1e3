#pragma once
// Optimizer plug-ins: optimizers compiled outside nhb2's tree as a shared library and loaded at
// run time (`nhb2 run --plugin PATH.so`, `nhb2 list --plugin PATH.so`, a sweep's `plugins:`).
//
// Writing one (docs/adding-an-optimizer.md has the complete example, built against the installed
// package with find_package(nhb2)):
//
//   #include <nhb2/core/plugin.hpp>
//   NHB2_PLUGIN(registry) {
//     registry.add(MyOptimizer::info());
//   }
//
// NHB2_PLUGIN defines the plug-in's two C entry points:
//   const nhb2_plugin_manifest* nhb2_plugin_manifest_v1(void)
//       what the plug-in was built against: the plug-in ABI version, the nhb2 version and the
//       C++ ABI version of the compiler;
//   void nhb2_register_optimizers(nhb2::Registry& registry)
//       adds the plug-in's optimizers, each with its OptimizerInfo (name, parameters, factory).
//
// Loading (load_plugin) accepts a file only when
//   - it exists and the dynamic loader opens it (RTLD_NOW: every symbol resolves),
//   - it defines both entry points,
//   - its manifest names this plug-in ABI, this exact nhb2 version and this C++ ABI (the
//     optimizers cross the boundary as C++ objects: Registry, std::function, std::string),
//   - its optimizers' names are new: none clashes with a built-in or an earlier plug-in, and the
//     plug-in registers at least one.
// Anything else throws PluginError naming the file and what is wrong; the registry is unchanged.
// A loaded plug-in stays loaded until the process ends (its code backs the registry's factories).

#include <nhb2/core/registry.hpp>
#include <nhb2/core/version.hpp>

#include <cstdint>
#include <string>

// Raised when the plug-in interface changes incompatibly (manifest layout, Registry, Optimizer).
// 2: Observation gained objective_value (multi-objective runs).
#define NHB2_PLUGIN_ABI_VERSION 2

extern "C" {
// What a plug-in was compiled against. Plain C so that an incompatible plug-in can still be read.
struct nhb2_plugin_manifest {
  std::uint32_t plugin_abi;  // NHB2_PLUGIN_ABI_VERSION
  const char* nhb2_version;  // NHB2_VERSION_STRING
  std::uint32_t cxx_abi;     // __GXX_ABI_VERSION (0 when the compiler does not define it)
};
}

#if defined(__GXX_ABI_VERSION)
#define NHB2_PLUGIN_CXX_ABI __GXX_ABI_VERSION
#else
#define NHB2_PLUGIN_CXX_ABI 0
#endif

#define NHB2_PLUGIN(registry_name)                                                              \
  extern "C" __attribute__((visibility("default"))) const nhb2_plugin_manifest*                 \
  nhb2_plugin_manifest_v1(void) {                                                               \
    static const nhb2_plugin_manifest manifest = {NHB2_PLUGIN_ABI_VERSION, NHB2_VERSION_STRING, \
                                                  NHB2_PLUGIN_CXX_ABI};                         \
    return &manifest;                                                                           \
  }                                                                                             \
  extern "C" __attribute__((visibility("default"))) void nhb2_register_optimizers(              \
      nhb2::Registry& registry_name)

namespace nhb2 {

// Loads the plug-in at `path` and adds its optimizers to `registry` (each OptimizerInfo's
// `origin` set to the plug-in's path) and a PluginRecord to registry.plugins(). Throws
// PluginError as described above. Loading the same file (same canonical path) twice is refused
// as a clash.
const PluginRecord& load_plugin(const std::string& path, Registry& registry);

}  // namespace nhb2
