// A plug-in for the tests that claims another plug-in ABI and nhb2 version, as a plug-in built
// against another nhb2 release would.

#include <nhb2/core/registry.hpp>

extern "C" {
struct old_manifest {
  std::uint32_t plugin_abi;
  const char* nhb2_version;
  std::uint32_t cxx_abi;
};
__attribute__((visibility("default"))) const old_manifest* nhb2_plugin_manifest_v1(void) {
  static const old_manifest manifest = {999, "0.0.1", 0};
  return &manifest;
}
__attribute__((visibility("default"))) void nhb2_register_optimizers(nhb2::Registry&) {}
}
