// The example's test: it runs through the same driver and contract as every built-in.

#include "epsilon_greedy.hpp"

#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/experiments/conformance.hpp>
#include <nhb2/experiments/driver.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>

using namespace nhb2;

TEST_CASE("epsilon_greedy runs within the budget and replays from its seed", "[example]") {
  Registry registry;
  registry.add(EpsilonGreedy::info());
  const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  RunSpec spec;
  spec.run_seed = run_seed(0, 1);
  auto run = [&] {
    auto optimizer = registry.create("epsilon_greedy", {{"epsilon", "0.1"}});
    return run_optimizer(benchmark, *optimizer, SearchSpace(), spec);
  };
  const RunOutcome first = run();
  const RunOutcome second = run();
  CHECK(first.session.total_cost() >= spec.budget_seconds);
  CHECK(first.session.key_trans() == second.session.key_trans());
  CHECK_THROWS_WITH(registry.create("epsilon_greedy", {{"epsilon", "2"}}),
                    Catch::Contains("out of range"));
}

TEST_CASE("epsilon_greedy passes the conformance kit with pending trials", "[example]") {
  const ConformanceReport report = check_conformance(
      "epsilon_greedy", [] { return std::make_unique<EpsilonGreedy>(0.1, 12); },
      Benchmark::synthetic(kDefaultSyntheticSeed));
  INFO(report.summary());
  CHECK(report.passed());
}

TEST_CASE("the guide shows the example's code exactly", "[example]") {
  auto read = [](const std::string& path) {
    std::ifstream in(std::string(NHB2_SOURCE_DIR) + "/" + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  };
  const std::string guide = read("docs/adding-an-optimizer.md");
  REQUIRE_FALSE(guide.empty());
  const std::pair<const char*, const char*> files[] = {
      {"docs/examples/epsilon_greedy.hpp", "cpp"},
      {"docs/examples/epsilon_greedy.cpp", "cpp"},
      {"docs/examples/epsilon_greedy_test.cpp", "cpp"},
      {"docs/examples/epsilon_greedy_plugin.cpp", "cpp"},
      {"docs/examples/epsilon_greedy_conformance.cpp", "cpp"},
      {"docs/examples/CMakeLists.txt", "cmake"},
      {"docs/examples/compare.yaml", "yaml"}};
  for (const auto& [file, language] : files) {
    INFO(file);
    const std::string text = read(file);
    REQUIRE_FALSE(text.empty());
    CHECK(guide.find("```" + std::string(language) + "\n" + text + "```") != std::string::npos);
  }
}
