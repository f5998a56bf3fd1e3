// `nhb2 ... --json`: one JSON document on stdout whose keys are those of docs/json.md and whose
// numbers equal the C++ API's values bit for bit.

#include "test_support.hpp"

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/canonical.hpp>
#include <nhb2/core/model_size.hpp>
#include <nhb2/core/rng.hpp>
#include <nhb2/core/search_space.hpp>
#include <nhb2/experiments/driver.hpp>
#include <nhb2/experiments/statistics.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

using nhb2::test::run_cli;
using Json = nlohmann::json;

namespace {

const nhb2::Benchmark& synthetic_benchmark() {
  static const nhb2::Benchmark benchmark = nhb2::Benchmark::synthetic(nhb2::kDefaultSyntheticSeed);
  return benchmark;
}

// Runs nhb2 with --json; the whole of stdout must parse as one document (parse rejects anything
// after it).
Json run_json(const std::string& args) {
  const auto r = run_cli(args + " --json");
  INFO(args << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  return Json::parse(r.out);
}

std::uint64_t bits(double value) {
  std::uint64_t result = 0;
  std::memcpy(&result, &value, sizeof value);
  return result;
}

// The JSON number parses back to exactly this double.
void check_exact(const Json& number, double expected) {
  INFO(number.dump() << " vs " << expected);
  REQUIRE(number.is_number());
  CHECK(bits(number.get<double>()) == bits(expected));
}

void check_keys(const Json& object, const std::vector<std::string>& keys) {
  REQUIRE(object.is_object());
  std::vector<std::string> actual;
  for (const auto& item : object.items()) actual.push_back(item.key());
  std::vector<std::string> expected = keys;
  std::sort(actual.begin(), actual.end());
  std::sort(expected.begin(), expected.end());
  CHECK(actual == expected);
}

void check_data(const Json& data, const nhb2::Benchmark& benchmark) {
  check_keys(data, {"source", "description", "file", "checksum"});
  CHECK(data["source"] == benchmark.source().kind);
  CHECK(data["description"] == benchmark.source().description);
  CHECK(data["file"].is_null());
  CHECK(data["checksum"] == benchmark.checksum());
}

void check_config(const Json& object, const nhb2::Config& config) {
  CHECK(object["cellcode"] == nhb2::format_cellcode(config.cell()));
  check_exact(object["lr"], config.lr());
  CHECK(object["batch_size"] == config.batch_size());
  CHECK(object["config_index"] == config.index());
}

struct Range {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
};

Range range_of(const nhb2::ColumnValues& values, std::size_t stride = 1, std::size_t offset = 0) {
  Range range;
  for (std::size_t i = offset; i < values.size(); i += stride) {
    range.min = std::min(range.min, values[i]);
    range.max = std::max(range.max, values[i]);
  }
  return range;
}

}  // namespace

TEST_CASE("nhb2 info --json describes the data with exact value ranges", "[cli][json]") {
  const Json info = run_json("info");
  const nhb2::Benchmark& benchmark = synthetic_benchmark();
  const nhb2::Table& table = benchmark.table();
  check_keys(info, {"source", "description", "file", "checksum", "num_cellcodes", "num_classes",
                    "learning_rates", "batch_sizes", "num_configs", "seeds", "epochs_per_run",
                    "surrogate_epochs", "columns", "valid_acc_12", "cost_seconds"});
  check_data(Json{{"source", info["source"]},
                  {"description", info["description"]},
                  {"file", info["file"]},
                  {"checksum", info["checksum"]}},
             benchmark);
  CHECK(info["source"] == "synthetic");
  CHECK(info["num_cellcodes"] == 4096);
  CHECK(info["num_classes"] == table.num_classes());
  CHECK(info["num_configs"] == 196608);
  CHECK(info["seeds"] == Json({222, 555, 888}));
  CHECK(info["batch_sizes"] == Json({16, 32, 64, 128, 256, 512}));
  REQUIRE(info["learning_rates"].size() == nhb2::kLearningRates.size());
  for (std::size_t i = 0; i < nhb2::kLearningRates.size(); ++i) {
    check_exact(info["learning_rates"][i], nhb2::kLearningRates[i]);
  }
  CHECK(info["epochs_per_run"] == 12);
  CHECK(info["surrogate_epochs"] == 200);

  REQUIRE(info["columns"].size() == table.columns().size());
  for (std::size_t i = 0; i < table.columns().size(); ++i) {
    const auto& column = table.columns()[i];
    const Json& object = info["columns"][i];
    INFO(column.name);
    check_keys(object, {"name", "kind", "min", "max"});
    CHECK(object["name"] == column.name);
    CHECK(object["kind"] == nhb2::column_kind_name(column.kind));
    const Range range = range_of(column.values);
    check_exact(object["min"], range.min);
    check_exact(object["max"], range.max);
  }
  const Range final_valid = range_of(table.at(nhb2::columns::kValidAcc).values, nhb2::kEpochsPerRun,
                                     nhb2::kEpochsPerRun - 1);
  check_exact(info["valid_acc_12"]["min"], final_valid.min);
  check_exact(info["valid_acc_12"]["max"], final_valid.max);
  const Range cost = range_of(table.at(nhb2::columns::kTotalTrainvalTime).values);
  check_exact(info["cost_seconds"]["min"], cost.min);
  check_exact(info["cost_seconds"]["max"], cost.max);
}

TEST_CASE("nhb2 info --json names the data file it read", "[cli][json]") {
  nhb2::test::TempDir dir;
  REQUIRE(run_cli("synth --out '" + dir.file("s.nhb2") + "' --seed 1").exit_code == 0);
  const Json info = run_json("info --data '" + dir.file("s.nhb2") + "'");
  CHECK(info["file"] == dir.file("s.nhb2"));
  CHECK(info["checksum"] == synthetic_benchmark().checksum());
}

TEST_CASE("nhb2 cells --json lists every cellcode with its class and model size", "[cli][json]") {
  const Json cells = run_json("cells");
  REQUIRE(cells.is_array());
  REQUIRE(cells.size() == nhb2::kNumCells);
  const nhb2::CellClasses& classes = nhb2::CellClasses::get();
  for (int cell = 0; cell < nhb2::kNumCells; ++cell) {
    const Json& object = cells[cell];
    INFO(object.dump());
    check_keys(object,
               {"cellcode", "representative", "class", "has_path", "params", "flops_millions"});
    const nhb2::Cell parsed = nhb2::Cell::from_index(cell);
    const nhb2::ModelSize size = nhb2::model_size(parsed);
    CHECK(object["cellcode"] == nhb2::format_cellcode(cell));
    CHECK(object["representative"] == nhb2::format_cellcode(classes.representative_of(cell)));
    CHECK(object["class"] == classes.class_of(cell));
    CHECK(object["has_path"] == parsed.has_path());
    CHECK(object["params"] == size.params);
    check_exact(object["flops_millions"], size.flops_millions);
  }
}

TEST_CASE("nhb2 cells CELLCODE --json is an array of one element", "[cli][json]") {
  const Json one = run_json("cells '3|33|333'");
  REQUIRE(one.is_array());
  REQUIRE(one.size() == 1);
  CHECK(one[0]["cellcode"] == "3|33|333");
  CHECK(one[0]["representative"] == "0|00|333");
  CHECK(one[0]["params"] == 73610);
  CHECK(one[0] == run_json("cells")[nhb2::parse_cellcode("3|33|333").index()]);
}

TEST_CASE("nhb2 query --json gives the Session's accuracy and cost bit for bit", "[cli][json]") {
  struct Case {
    const char* args;
    nhb2::QueryOptions query;
    nhb2::SessionOptions session;
  };
  nhb2::QueryOptions test_7;
  test_7.mode = nhb2::Mode::test;
  test_7.iepoch = 7;
  nhb2::SessionOptions seed_888;
  seed_888.seed = 888;
  nhb2::SessionOptions mean_policy;
  mean_policy.seed_policy = nhb2::SeedPolicy::mean;
  const Case cases[] = {
      {"'0|10|210' --lr 0.1 --batch-size 256", {}, {}},
      {"'1|22|301' --lr 0.025 --batch-size 64 --mode test --iepoch 7", test_7, {}},
      {"'1|22|301' --lr 0.025 --batch-size 64 --seed 888", {}, seed_888},
      {"'3|12|123' --lr 0.4 --batch-size 16 --seed-policy mean", {}, mean_policy},
  };
  const nhb2::Benchmark& benchmark = synthetic_benchmark();
  for (const auto& c : cases) {
    INFO(c.args);
    const Json document = run_json(std::string("query ") + c.args);
    check_keys(document, {"data", "config", "epoch", "mode", "iepoch", "seed_policy", "seed",
                          "rng_seed", "accuracy", "cost_seconds"});
    check_data(document["data"], benchmark);
    const nhb2::Config config =
        nhb2::Config::from_index(document["config"]["config_index"].get<int>());
    check_config(document["config"], config);
    nhb2::Session session(benchmark, c.session);
    const nhb2::QueryResult expected = session.query(config, c.query);
    check_exact(document["accuracy"], expected.accuracy);
    check_exact(document["cost_seconds"], *expected.cost);
    CHECK(document["epoch"] == 12);
    CHECK(document["mode"] == nhb2::mode_name(c.query.mode));
    CHECK(document["iepoch"] == (c.query.iepoch ? c.query.iepoch : 12));
    CHECK(document["seed_policy"] == nhb2::seed_policy_name(c.session.seed_policy));
    if (c.session.seed_policy == nhb2::SeedPolicy::fixed) {
      CHECK(document["seed"] == session.seed());
    } else {
      CHECK(document["seed"].is_null());
    }
    CHECK(document["rng_seed"].is_null());
  }
}

TEST_CASE("nhb2 query --json resolves the cellcode to its canonical representative",
          "[cli][json]") {
  const Json document = run_json("query '3|33|333' --lr 0.1 --batch-size 256");
  CHECK(document["config"]["cellcode"] == "3|33|333");
  CHECK(document["config"]["representative"] == "0|00|333");
  CHECK(document["config"]["class"] ==
        nhb2::CellClasses::get().class_of(nhb2::parse_cellcode("3|33|333").index()));
}

TEST_CASE("nhb2 query --json at 200 epochs has a null cost and no seed settings", "[cli][json]") {
  const Json document = run_json("query '0|10|210' --lr 0.1 --batch-size 256 --epoch 200");
  const nhb2::Config config =
      nhb2::Config::from_index(document["config"]["config_index"].get<int>());
  check_exact(document["accuracy"], synthetic_benchmark().avg_acc_200(config));
  CHECK(document["epoch"] == 200);
  for (const char* key : {"cost_seconds", "mode", "iepoch", "seed_policy", "seed", "rng_seed"}) {
    INFO(key);
    CHECK(document[key].is_null());
  }
}

TEST_CASE("nhb2 query --json with a sampled seed reports the stream seed", "[cli][json]") {
  const Json document =
      run_json("query '0|10|210' --lr 0.1 --batch-size 256 --seed-policy sampled --rng-seed 7");
  CHECK(document["seed_policy"] == "sampled");
  CHECK(document["seed"].is_null());
  CHECK(document["rng_seed"] == 7);
  nhb2::SessionOptions options;
  options.seed_policy = nhb2::SeedPolicy::sampled;
  options.rng_seed = 7;
  nhb2::Session session(synthetic_benchmark(), options);
  const auto expected =
      session.query(nhb2::Config::from_index(document["config"]["config_index"].get<int>()));
  check_exact(document["accuracy"], expected.accuracy);
  check_exact(document["cost_seconds"], *expected.cost);
}

TEST_CASE("nhb2 run --json reports every run and the summary exactly", "[cli][json]") {
  const Json document = run_json(
      "run --optimizer regularized_evolution --param population_size=20 --budget 20000 --runs 3 "
      "--seed 1");
  check_keys(document, {"data", "settings", "runs", "summary"});
  const nhb2::Benchmark& benchmark = synthetic_benchmark();
  check_data(document["data"], benchmark);

  const Json& settings = document["settings"];
  check_keys(settings,
             {"optimizer", "origin", "params", "budget_seconds", "runs", "seed", "seed_policy",
              "workers", "budget_kind", "fidelity_cost", "decision_time", "speed_factors"});
  CHECK(settings["optimizer"] == "regularized_evolution");
  CHECK(settings["params"]["population_size"] == 20);
  check_exact(settings["budget_seconds"], 20000.0);
  CHECK(settings["runs"] == 3);
  CHECK(settings["seed"] == 1);
  CHECK(settings["seed_policy"] == "fixed");
  CHECK(settings["workers"] == 1);
  CHECK(settings["budget_kind"] == "total_cost");
  CHECK(settings["fidelity_cost"] == "restart");
  CHECK(settings["speed_factors"].is_array());
  CHECK(settings["speed_factors"].empty());
  check_exact(settings["decision_time"], 0.0);

  const nhb2::Registry& registry = nhb2::builtin_optimizers();
  const auto& info = registry.find("regularized_evolution");
  CHECK(settings["params"].size() == info.params.size());

  REQUIRE(document["runs"].size() == 3);
  std::vector<double> valid, test12, test200, trials, costs;
  for (int run = 0; run < 3; ++run) {
    INFO("run " << run);
    const Json& object = document["runs"][run];
    check_keys(object, {"run", "run_seed", "best_key", "best_valid_acc", "trials", "total_cost",
                        "wallclock", "test_acc_12", "test_acc_200", "stop_reason"});
    auto optimizer = registry.create("regularized_evolution", {{"population_size", "20"}});
    nhb2::RunSpec spec;
    spec.budget_seconds = 20000.0;
    spec.run_seed = nhb2::run_seed(1, static_cast<std::uint64_t>(run));
    const nhb2::RunOutcome outcome =
        nhb2::run_optimizer(benchmark, *optimizer, nhb2::SearchSpace(), spec);
    CHECK(object["run"] == run);
    CHECK(object["run_seed"] == spec.run_seed);
    check_config(object["best_key"], *outcome.session.best_key());
    check_exact(object["best_valid_acc"], outcome.session.best_acc());
    CHECK(object["trials"] == outcome.session.num_queries());
    check_exact(object["total_cost"], outcome.session.total_cost());
    check_exact(object["wallclock"], outcome.session.log().back().wallclock);
    check_exact(object["test_acc_12"], outcome.results.final_accs[0]);
    check_exact(object["test_acc_200"], outcome.results.final_accs[1]);
    CHECK(object["stop_reason"] == nhb2::stop_reason_name(outcome.stop_reason));
    valid.push_back(outcome.session.best_acc());
    test12.push_back(outcome.results.final_accs[0]);
    test200.push_back(outcome.results.final_accs[1]);
    trials.push_back(static_cast<double>(outcome.session.num_queries()));
    costs.push_back(outcome.session.total_cost());
  }

  const Json& summary = document["summary"];
  check_keys(summary,
             {"runs", "best_valid_acc", "test_acc_12", "test_acc_200", "trials", "total_cost"});
  CHECK(summary["runs"] == 3);
  const std::pair<const char*, const std::vector<double>*> statistics[] = {
      {"best_valid_acc", &valid},
      {"test_acc_12", &test12},
      {"test_acc_200", &test200},
      {"trials", &trials},
      {"total_cost", &costs}};
  for (const auto& [key, values] : statistics) {
    INFO(key);
    check_keys(summary[key], {"mean", "std"});
    check_exact(summary[key]["mean"], nhb2::mean(*values));
    check_exact(summary[key]["std"], nhb2::sample_std(*values));
  }
}

TEST_CASE("nhb2 run --json over one run has a zero std, as the text summary", "[cli][json]") {
  const Json document = run_json("run --runs 1 --budget 5000 --seed 3");
  REQUIRE(document["runs"].size() == 1);
  check_exact(document["summary"]["total_cost"]["mean"],
              document["runs"][0]["total_cost"].get<double>());
  check_exact(document["summary"]["total_cost"]["std"], 0.0);
  CHECK(run_cli("run --runs 1 --budget 5000 --seed 3 --json").out ==
        run_cli("run --runs 1 --budget 5000 --seed 3 --json --quiet").out);
}

TEST_CASE("nhb2 list --json declares every optimizer and parameter", "[cli][json]") {
  const Json document = run_json("list");
  check_keys(document, {"optimizers"});
  const auto& infos = nhb2::builtin_optimizers().all();
  REQUIRE(document["optimizers"].size() == infos.size());
  for (std::size_t i = 0; i < infos.size(); ++i) {
    const Json& object = document["optimizers"][i];
    INFO(infos[i].name);
    check_keys(object, {"name", "summary", "params", "origin"});
    CHECK(object["name"] == infos[i].name);
    CHECK(object["summary"] == infos[i].summary);
    REQUIRE(object["params"].size() == infos[i].params.size());
    for (std::size_t k = 0; k < infos[i].params.size(); ++k) {
      const nhb2::ParamSpec& spec = infos[i].params[k];
      const Json& param = object["params"][k];
      INFO(spec.name);
      check_keys(param, {"name", "type", "default", "min", "max", "choices", "allowed", "help"});
      CHECK(param["name"] == spec.name);
      CHECK(param["type"] == spec.type_name());
      CHECK(param["allowed"] == spec.allowed());
      CHECK(param["help"] == spec.help);
      switch (spec.type) {
        case nhb2::ParamType::integer:
          CHECK(param["default"].is_number_integer());
          CHECK(param["default"].get<long long>() == std::stoll(spec.default_value));
          break;
        case nhb2::ParamType::real:
          check_exact(param["default"], std::stod(spec.default_value));
          break;
        case nhb2::ParamType::boolean:
          CHECK(param["default"] == (spec.default_value == "true"));
          break;
        case nhb2::ParamType::choice:
          CHECK(param["default"] == spec.default_value);
          CHECK(param["choices"] == Json(spec.choices));
          break;
      }
      const bool numeric =
          spec.type == nhb2::ParamType::integer || spec.type == nhb2::ParamType::real;
      if (numeric && std::isfinite(spec.min_value)) {
        CHECK(param["min"].is_number_integer() == (spec.type == nhb2::ParamType::integer));
        check_exact(param["min"], spec.min_value);
      } else {
        CHECK(param["min"].is_null());
      }
      if (numeric && std::isfinite(spec.max_value)) {
        check_exact(param["max"], spec.max_value);
      } else {
        CHECK(param["max"].is_null());
      }
      if (spec.type != nhb2::ParamType::choice) CHECK(param["choices"].is_null());
    }
  }
}

TEST_CASE("with --json, bad input exits 2 with the error on stderr and nothing on stdout",
          "[cli][json][errors]") {
  const char* const cases[] = {
      "info --data /no/such/file.nhb2",
      "cells '0|10|2100'",
      "query '0|10|214' --lr 0.1 --batch-size 256",
      "query '0|10|210' --lr 0.3 --batch-size 256",
      "query '0|10|210' --lr 0.1 --batch-size 256 --seed 123",
      "run --runs 0",
      "run --optimizer random_serch",
      "run --param foo=1",
      "list --no-such-flag",
  };
  for (const char* args : cases) {
    INFO(args);
    const auto r = run_cli(std::string(args) + " --json");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("nhb2: error: "));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.out.empty());
  }
}

TEST_CASE("the examples of docs/json.md are what the binary prints", "[cli][json][docs]") {
  const std::string doc = nhb2::test::read_text(std::string(NHB2_SOURCE_DIR) + "/docs/json.md");
  REQUIRE_FALSE(doc.empty());
  const std::string sh = "```sh\n", json = "```json\n", fence = "\n```";
  int compared = 0;
  for (std::size_t at = doc.find(sh); at != std::string::npos; at = doc.find(sh, at + 1)) {
    const std::size_t begin = at + sh.size();
    const std::string command = doc.substr(begin, doc.find(fence, begin) - begin);
    // An example is a command (or a pipeline through jq) followed by the document it prints.
    const std::size_t end = doc.find(fence, begin) + fence.size();
    if (command.rfind("nhb2 ", 0) != 0 || doc.compare(end, json.size() + 2, "\n\n" + json) != 0) {
      continue;
    }
    const std::size_t text = end + 2 + json.size();
    INFO(command);
    const auto r = nhb2::test::run_shell(command);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(Json::parse(r.out) == Json::parse(doc.substr(text, doc.find(fence, text) - text)));
    ++compared;
  }
  CHECK(compared == 7);  // info, cells, query (twice), run, list, oracle
}
