// Every test case becomes one CTest test through catch_discover_tests, which passes the names
// through CMake lists: a ';' splits a name and an unbalanced '[' swallows every later name into
// one test, silently. This keeps the names safe for that.

#include <catch2/catch.hpp>

#include <string>

TEST_CASE("test case names survive CTest discovery", "[meta]") {
  const auto& tests = Catch::getRegistryHub().getTestCaseRegistry().getAllTests();
  REQUIRE(tests.size() > 100);
  for (const auto& test : tests) {
    const std::string& name = test.getTestCaseInfo().name;
    INFO(name);
    bool balanced = true;
    int depth = 0;
    for (char c : name) {
      depth += c == '[' ? 1 : c == ']' ? -1 : 0;
      balanced = balanced && depth >= 0;
    }
    CHECK(name.find(';') == std::string::npos);
    CHECK((balanced && depth == 0));
  }
}
