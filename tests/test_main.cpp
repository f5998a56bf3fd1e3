#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>

int main(int argc, char* argv[]) {
  // Benchmark::synthetic() caches its table under $XDG_CACHE_HOME/nhb2: the tests (and the CLI
  // processes they start) use a folder of the build tree, never the user's own cache.
  ::setenv("XDG_CACHE_HOME", NHB2_TEST_CACHE_DIR, 1);
  return Catch::Session().run(argc, argv);
}
