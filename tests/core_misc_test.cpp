#include <nhb2/core/error.hpp>
#include <nhb2/core/model_size.hpp>
#include <nhb2/core/params.hpp>
#include <nhb2/core/rng.hpp>
#include <nhb2/core/search_space.hpp>
#include <nhb2/core/suggest.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace nhb2;

TEST_CASE("model size follows the analytic formulas", "[model_size]") {
  const ModelSize no_conv = model_size(parse_cellcode("3|33|333"));
  CHECK(no_conv.params == 73610);
  CHECK(no_conv.flops_millions == Approx(7.836298).epsilon(1e-12));
  const ModelSize all_conv = model_size(parse_cellcode("0|00|000"));
  CHECK(all_conv.params == 73610 + 6 * 243040);
  CHECK(all_conv.flops_millions == Approx(220.172938).epsilon(1e-12));
  // Dead conv edges count: node 1 feeds nothing here, but its conv is in the network.
  CHECK(model_size(parse_cellcode("0|33|333")).params == 73610 + 243040);
  CHECK(model_size(parse_cellcode("1|12|222")).params == 73610);
}

TEST_CASE("a config has exactly 30 distinct neighbours, each one element away", "[search_space]") {
  const SearchSpace space;
  const Config config = Config::make(parse_cellcode("0|10|210"), 5, 4);
  const auto neighbours = space.neighbours(config);
  CHECK(neighbours.size() == 30);
  std::set<int> distinct;
  for (const Config& n : neighbours) {
    int differing = 0;
    for (int d = 0; d < kNumDims; ++d) differing += n.values[d] != config.values[d];
    CHECK(differing == 1);
    distinct.insert(n.index());
  }
  CHECK(distinct.size() == 30);
}

TEST_CASE("mutation changes exactly one element, uniformly over elements and values",
          "[search_space]") {
  const SearchSpace space;
  Rng rng = make_rng(42);
  const Config parent = Config::make(parse_cellcode("0|10|210"), 5, 4);
  std::map<int, int> by_dim;
  std::map<int, int> lr_values;
  const int n = 80000;
  for (int i = 0; i < n; ++i) {
    const Config child = space.mutate(parent, rng);
    int changed = -1, differing = 0;
    for (int d = 0; d < kNumDims; ++d) {
      if (child.values[d] != parent.values[d]) {
        changed = d;
        ++differing;
      }
    }
    REQUIRE(differing == 1);
    ++by_dim[changed];
    if (changed == kLrDim) ++lr_values[child.lr_index()];
  }
  // Each of the 8 elements ~ n/8 = 10000 (sd ~ 94); each of the 7 other lrs ~ 10000/7.
  for (const auto& [dim, count] : by_dim) CHECK(std::abs(count - n / 8) < 600);
  CHECK(lr_values.size() == 7);
  CHECK(lr_values.count(5) == 0);
  for (const auto& [value, count] : lr_values) CHECK(std::abs(count - by_dim[kLrDim] / 7) < 250);
}

TEST_CASE("a restricted space samples, mutates and neighbours only its free dimensions",
          "[search_space]") {
  SearchSpace space;
  space.fix(kLrDim, 2).fix(kBatchSizeDim, 3);
  CHECK(space.size() == 4096);
  Rng rng = make_rng(7);
  for (int i = 0; i < 1000; ++i) {
    const Config c = space.sample(rng);
    CHECK(c.lr_index() == 2);
    CHECK(c.bs_index() == 3);
    CHECK(space.contains(space.mutate(c, rng)));
  }
  CHECK(space.neighbours(space.sample(rng)).size() == 18);
  CHECK_THROWS_AS(space.fix(kLrDim, 8), InvalidArgument);
}

TEST_CASE("the same seed replays the same random stream", "[rng]") {
  Rng a = make_rng(run_seed(5, 3));
  Rng b = make_rng(run_seed(5, 3));
  for (int i = 0; i < 100; ++i) REQUIRE(uniform_index(a, 1000) == uniform_index(b, 1000));
  CHECK(run_seed(5, 3) != run_seed(5, 4));
  CHECK(run_seed(5, 3) != run_seed(6, 3));
  CHECK(stream_seed(1, Stream::optimizer) != stream_seed(1, Stream::oracle));
}

TEST_CASE("parameters are validated against their declaration", "[params][errors]") {
  const std::vector<ParamSpec> specs = {
      ParamSpec::integer("population_size", 10, 2, 10000, "population"),
      ParamSpec::real("min_bandwidth", 0.3, 0.0, 10.0, "kde floor"),
      ParamSpec::boolean("first_improvement", false, "move rule"),
      ParamSpec::choice("stage1", "random_search", {"random_search", "bohb"}, "hpo stage")};
  const ParamValues defaults = resolve_params("optimizer 'x'", specs, {});
  CHECK(defaults.get_int("population_size") == 10);
  CHECK(defaults.get_real("min_bandwidth") == 0.3);
  CHECK_FALSE(defaults.get_bool("first_improvement"));
  CHECK(defaults.get_choice("stage1") == "random_search");

  const ParamValues given = resolve_params(
      "optimizer 'x'", specs, {{"population_size", "20"}, {"first_improvement", "true"}});
  CHECK(given.get_int("population_size") == 20);
  CHECK(given.items()[0] == std::make_pair(std::string("population_size"), std::string("20")));

  CHECK_THROWS_WITH(resolve_params("optimizer 'x'", specs, {{"population_size", "1"}}),
                    Catch::Contains("'population_size' = '1' is out of range") &&
                        Catch::Contains("integer in [2, 10000]"));
  CHECK_THROWS_WITH(resolve_params("optimizer 'x'", specs, {{"population_size", "ten"}}),
                    Catch::Contains("not an integer"));
  CHECK_THROWS_WITH(resolve_params("optimizer 'x'", specs, {{"populaton_size", "5"}}),
                    Catch::Contains("no parameter 'populaton_size'") &&
                        Catch::Contains("did you mean 'population_size'"));
  CHECK_THROWS_WITH(resolve_params("optimizer 'x'", specs, {{"stage1", "bohbb"}}),
                    Catch::Contains("one of: random_search, bohb"));
  CHECK_THROWS_AS(resolve_params("optimizer 'x'", specs, {{"min_bandwidth", "nan"}}), ConfigError);
  CHECK_THROWS_AS(parse_assignment("population_size"), ConfigError);
}

TEST_CASE("a close misspelling gets a suggestion and a far one does not", "[suggest]") {
  CHECK(closest_match("random_serch", {"random_search", "bohb"}) == "random_search");
  CHECK(closest_match("xyz", {"random_search", "bohb"}).empty());
}
