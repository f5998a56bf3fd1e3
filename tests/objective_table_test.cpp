// ObjectiveKind values of the table, its exact Pareto front (benchmark_api/objective_table.hpp) and
// `nhb2 pareto`.

#include "test_support.hpp"

#include <nhb2/benchmark_api/objective_table.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/model_size.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace nhb2;

namespace {

const Benchmark& shared_benchmark() {
  static const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  return benchmark;
}

}  // namespace

TEST_CASE("the objective table holds each configuration's objective values", "[pareto]") {
  const Benchmark& benchmark = shared_benchmark();
  for (ObjectiveKind objective :
       {ObjectiveKind::cost, ObjectiveKind::params, ObjectiveKind::flops}) {
    for (int seed_index : {0, 2, kMeanOverSeeds}) {
      ObjectivePair pair;
      pair.minimised = objective;
      const ObjectiveTable table = objective_table(benchmark, pair, seed_index);
      for (int index : {0, 1, 47, 48, 12345, 118715, kNumConfigs - 1}) {
        const Config config = Config::from_index(index);
        CHECK(table.valid_acc[index] ==
              objective_value(benchmark, ObjectiveKind::valid_acc, config, seed_index));
        CHECK(table.value[index] == objective_value(benchmark, objective, config, seed_index));
      }
    }
  }
  const Config config = Config::from_index(777);
  CHECK(objective_value(benchmark, ObjectiveKind::cost, config, 1) ==
        benchmark.cost(config, Mode::valid, 12, 1));
  CHECK(objective_value(benchmark, ObjectiveKind::params, config, 0) ==
        static_cast<double>(model_size(config.cell()).params));
  CHECK(objective_value(benchmark, ObjectiveKind::valid_acc, config, kMeanOverSeeds) ==
        Approx((benchmark.accuracy(config, Mode::valid, 12, 0) +
                benchmark.accuracy(config, Mode::valid, 12, 1) +
                benchmark.accuracy(config, Mode::valid, 12, 2)) /
               3.0));
}

TEST_CASE("the exact front is the brute-force front of all 196,608 configurations", "[pareto]") {
  const Benchmark& benchmark = shared_benchmark();
  for (ObjectiveKind objective : {ObjectiveKind::cost, ObjectiveKind::params}) {
    ObjectivePair pair;
    pair.minimised = objective;
    pair.reference_value = default_reference(objective);
    const ObjectiveTable table = objective_table(benchmark, pair, 0);
    const ExactFront front = exact_front(benchmark, table);
    REQUIRE(front.points.size() >= 2);
    // Brute force in O(n * front): no configuration dominates a front point, and every
    // configuration is dominated by or equal to a front point.
    std::vector<Point2> front_points;
    for (const FrontPoint& point : front.points)
      front_points.push_back({-point.valid_acc, point.value});
    // Counted rather than asserted one by one: millions of comparisons.
    int dominating = 0, uncovered = 0, lower_index_twins = 0;
    for (int i = 0; i < kNumConfigs; ++i) {
      const Point2 p = table.point(i);
      bool covered = false;
      for (std::size_t k = 0; k < front_points.size(); ++k) {
        const Point2& q = front_points[k];
        dominating += dominates(p, q);
        covered = covered || q == p || dominates(q, p);
        // A front point is represented by the lowest config index with its values.
        lower_index_twins += q == p && i < front.points[k].config_index;
      }
      uncovered += !covered;
    }
    CHECK(dominating == 0);
    CHECK(uncovered == 0);
    CHECK(lower_index_twins == 0);
    for (std::size_t k = 1; k < front.points.size(); ++k) {
      CHECK(front.points[k - 1].valid_acc < front.points[k].valid_acc);
      CHECK(front.points[k - 1].value < front.points[k].value);
    }
    const FrontPoint& best = front.points.back();
    CHECK(best.test_acc ==
          benchmark.accuracy(Config::from_index(best.config_index), Mode::test, 12, 0));
    std::vector<Point2> all(kNumConfigs);
    for (int i = 0; i < kNumConfigs; ++i) all[i] = table.point(i);
    CHECK(front.hypervolume == Approx(normalised_hypervolume(all, pair)).epsilon(1e-12));
    CHECK(front.hypervolume > 0.0);
    CHECK(front.hypervolume < 1.0);
  }
}

TEST_CASE("a reference point that does not bound the front is refused", "[pareto]") {
  ObjectivePair pair;
  pair.minimised = ObjectiveKind::params;
  pair.reference_value = 100000.0;  // below the larger networks on the front
  const ObjectiveTable table = objective_table(shared_benchmark(), pair, 0);
  CHECK_THROWS_WITH(exact_front(shared_benchmark(), table),
                    Catch::StartsWith("reference (0, 1e+05) does not bound the front of "
                                      "valid_acc,params"));
}

TEST_CASE("nhb2 pareto prints the exact front with test accuracy and hypervolume", "[cli]") {
  const auto text = test::run_cli("pareto --objectives valid_acc,params");
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("valid_acc (max) vs params (min, parameters)"));
  CHECK_THAT(text.out, Catch::Contains("data: synthetic"));
  CHECK_THAT(text.out, Catch::Contains("hypervolume (normalised)"));
  CHECK_THAT(text.out, Catch::Contains("test_acc"));
  const auto json = test::run_cli("pareto --objectives valid_acc,cost --json");
  REQUIRE(json.exit_code == 0);
  CHECK_THAT(json.out, Catch::Contains("\"source\": \"synthetic\""));
  CHECK_THAT(json.out, Catch::Contains("\"hypervolume\": 0."));
  CHECK_THAT(json.out, Catch::Contains("\"test_acc\""));
}

TEST_CASE("nhb2 pareto refuses bad objectives and references with exit 2", "[cli]") {
  const struct {
    const char* args;
    const char* message;
  } cases[] = {
      {"pareto --objectives valid_acc,time", "--objectives: objective 'time' is unknown"},
      {"pareto --objectives cost,cost", "--objectives: objective 'cost' is given twice"},
      {"pareto --objectives valid_acc", "--objectives: 1 objective given"},
      {"pareto --objectives cost,flops", "lacks valid_acc"},
      {"pareto --objectives valid_acc,params --reference 0,1000", "does not bound the front"},
      {"pareto --reference 0", "--reference '0' is not a reference point"},
      {"pareto --seed-policy sampled", "--seed-policy sampled has no exact front"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = test::run_cli(c.args);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK(r.out.empty());
  }
}

TEST_CASE("nhb2 pareto --compare runs paired optimizers and reports hypervolume regret", "[cli]") {
  const auto r = test::run_cli(
      "pareto --objectives valid_acc,params --compare mo_random_search,nsga2 --runs 3 "
      "--budget 3000 --json");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"exact_hypervolume\""));
  CHECK_THAT(r.out, Catch::Contains("\"mean_regret\""));
  CHECK_THAT(r.out, Catch::Contains("\"name\": \"nsga2\""));
  const auto bad = test::run_cli("pareto --compare mo_random_search,nsga3 --runs 2");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("nsga3"));
}

TEST_CASE("a multi-objective sweep writes fronts, hypervolume curves and a summary", "[cli][mo]") {
  test::TempDir dir;
  const std::string config = dir.file("mo.yaml");
  {
    std::ofstream out(config);
    out << "name: mo\nbudget: 5000\nruns: 4\nobjectives: [valid_acc, cost]\n"
           "optimizers:\n  - optimizer: mo_random_search\n  - optimizer: nsga2\n"
           "    params: {population_size: 6}\noutput: "
        << dir.file("out") << "\n";
  }
  const auto r = test::run_cli("sweep " + config + " --jobs 2");
  REQUIRE(r.exit_code == 0);
  for (const char* file : {"exact_front.csv", "fronts.csv", "hypervolume_curves.csv",
                           "mo_summary.csv", "mo_summary.md", "curves.csv"}) {
    INFO(file);
    CHECK(std::filesystem::exists(dir.file("out") + "/" + file));
  }
  const std::string summary = test::read_text(dir.file("out") + "/mo_summary.csv");
  CHECK_THAT(summary, Catch::Contains("# data: synthetic"));
  CHECK_THAT(summary, Catch::Contains("mo_random_search,4,"));
  CHECK_THAT(summary, Catch::Contains("nsga2,4,"));
  const std::string fronts = test::read_text(dir.file("out") + "/fronts.csv");
  CHECK_THAT(fronts, Catch::Contains("label,run,cellcode,lr,batch_size,config_index,valid_acc,"
                                     "cost,test_acc"));
  CHECK_THAT(test::read_text(dir.file("out") + "/resolved.yaml"),
             Catch::Contains("objectives: [valid_acc, cost]"));
}

TEST_CASE("sweep objectives are checked with the file position", "[cli][mo]") {
  test::TempDir dir;
  const struct {
    const char* objectives;
    const char* message;
  } cases[] = {
      {"[valid_acc, time]", "mo.yaml:1:13: key 'objectives': objective 'time' is unknown"},
      {"[params, params]", "mo.yaml:1:13: key 'objectives': objective 'params' is given twice"},
      {"[valid_acc]", "mo.yaml:1:13: key 'objectives': 1 objective given"},
      {"valid_acc", "mo.yaml:1:13: key 'objectives': expected a list of two objectives"},
  };
  for (const auto& c : cases) {
    INFO(c.objectives);
    const std::string config = dir.file("mo.yaml");
    {
      std::ofstream out(config);
      out << "objectives: " << c.objectives
          << "\noptimizers:\n  - optimizer: nsga2\noutput: " << dir.file("out") << "\n";
    }
    const auto r = test::run_cli("sweep " + config);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK_FALSE(std::filesystem::exists(dir.file("out")));
  }
}
