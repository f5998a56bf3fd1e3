// nhb2 pareto: the exact Pareto front of the table for accuracy against cost, params or FLOPs.

#include "common.hpp"
#include "json.hpp"

#include <nhb2/benchmark_api/objective_table.hpp>
#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/core/config.hpp>
#include <nhb2/core/error.hpp>

#include <chrono>
#include <cmath>
#include <iostream>
#include <stdexcept>

namespace nhb2::cli {

namespace {

const char* const kMethod =
    "all 196,608 configurations; sorted by (-valid_acc, objective), a point is on the front when "
    "its objective is below every earlier one (O(n log n)); hypervolume: one sweep over the front "
    "(O(n log n)), divided by the reference box's area";

// "ACC,VALUE" → (accuracy, value); InvalidArgument names --reference otherwise.
std::pair<double, double> parse_reference(const std::string& text) {
  const auto comma = text.find(',');
  const std::string allowed =
      "; allowed: --reference ACC,VALUE with 0 <= ACC < 100 and VALUE > 0 (e.g. 0,4000)";
  try {
    if (comma == std::string::npos) throw std::invalid_argument("no comma");
    std::size_t used = 0;
    const std::string first = text.substr(0, comma);
    const std::string second = text.substr(comma + 1);
    const double accuracy = std::stod(first, &used);
    if (used != first.size()) throw std::invalid_argument("trailing");
    const double value = std::stod(second, &used);
    if (used != second.size()) throw std::invalid_argument("trailing");
    if (!(accuracy >= 0.0 && accuracy < 100.0) || !(value > 0.0) || !std::isfinite(value)) {
      throw std::invalid_argument("range");
    }
    return {accuracy, value};
  } catch (const std::logic_error&) {
    throw InvalidArgument("--reference '" + text + "' is not a reference point" + allowed);
  }
}

}  // namespace

int run_pareto(const std::vector<std::string>& args) {
  po::options_description options("options");
  add_data_options(options);
  add_json_option(options);
  options.add_options()(
      "objectives", po::value<std::string>()->default_value("valid_acc,cost")->value_name("A,B"),
      "valid_acc and one of cost, params, flops")(
      "reference", po::value<std::string>()->value_name("ACC,VALUE"),
      "reference point (default: 0 % and the pair's fixed value; docs/multi_objective.md)")(
      "seed", po::value<int>()->value_name("S"),
      "the recorded training seed whose values are used (default: the smallest)")(
      "seed-policy", po::value<std::string>()->default_value("fixed")->value_name("P"),
      "fixed (one seed) or mean (over seeds)");
  po::variables_map vm;
  if (!parse_options("pareto",
                     "[--objectives valid_acc,cost|params|flops] [--reference ACC,VALUE] "
                     "[--seed S | --seed-policy mean] [--data FILE] [--json]",
                     options, {}, args, vm)) {
    return 0;
  }
  ObjectivePair pair = parse_objective_pair(vm["objectives"].as<std::string>(), "--objectives");
  if (vm.count("reference")) {
    const auto [accuracy, value] = parse_reference(vm["reference"].as<std::string>());
    pair.reference_accuracy = accuracy;
    pair.reference_value = value;
  }
  const SeedPolicy policy = parse_seed_policy(vm["seed-policy"].as<std::string>());
  if (policy == SeedPolicy::sampled) {
    throw InvalidArgument(
        "--seed-policy sampled has no exact front; allowed: fixed (one seed) or mean");
  }
  const Benchmark benchmark = load_benchmark(vm);
  int seed_index = 0;
  if (vm.count("seed")) {
    if (policy != SeedPolicy::fixed) throw InvalidArgument("--seed needs --seed-policy fixed");
    seed_index = benchmark.seed_index(vm["seed"].as<int>());
  }
  if (policy == SeedPolicy::mean) seed_index = kMeanOverSeeds;

  const auto start = std::chrono::steady_clock::now();
  const ObjectiveTable table = objective_table(benchmark, pair, seed_index);
  const ExactFront front = exact_front(benchmark, table);
  const double milliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const std::string name = objective_name(pair.minimised);

  if (json_requested(vm)) {
    Json document = data_json(benchmark, vm);
    document["objectives"] = {"valid_acc", name};
    document["seed_policy"] = seed_policy_name(policy);
    document["seed"] =
        policy == SeedPolicy::fixed ? Json(benchmark.seeds()[seed_index]) : Json(nullptr);
    document["reference"] = {{"valid_acc", pair.reference_accuracy}, {name, pair.reference_value}};
    document["num_configs"] = kNumConfigs;
    document["hypervolume"] = front.hypervolume;
    document["method"] = kMethod;
    Json& points = document["front"] = Json::array();
    for (const FrontPoint& point : front.points) {
      Json entry = config_json(Config::from_index(point.config_index));
      entry["valid_acc"] = point.valid_acc;
      entry[name] = point.value;
      entry["test_acc"] = point.test_acc;
      points.push_back(entry);
    }
    print_json(document);
    return 0;
  }
  std::cout << "# exact Pareto front: valid_acc (max) vs " << name << " (min, "
            << objective_unit(pair.minimised) << ")\n"
            << "# data: " << benchmark.source().kind << " (" << benchmark.source().description
            << ")\n"
            << "# values: "
            << (policy == SeedPolicy::fixed
                    ? "seed " + std::to_string(benchmark.seeds()[seed_index])
                    : std::string("mean over seeds"))
            << ", 12 epochs\n"
            << "# method: " << kMethod << "\n"
            << "# reference: valid_acc " << format_double(pair.reference_accuracy) << " %, " << name
            << " " << format_double(pair.reference_value) << "\n"
            << "# points: " << front.points.size()
            << "; hypervolume (normalised): " << format_fixed(front.hypervolume, 6)
            << "; computed in " << format_fixed(milliseconds, 1) << " ms\n"
            << "cellcode  lr  batch_size  valid_acc  " << name << "  test_acc\n";
  for (const FrontPoint& point : front.points) {
    const Config config = Config::from_index(point.config_index);
    std::cout << format_cellcode(config.cell()) << "  " << format_double(config.lr()) << "  "
              << config.batch_size() << "  " << format_fixed(point.valid_acc, 2) << "  "
              << format_double(point.value) << "  " << format_fixed(point.test_acc, 2) << "\n";
  }
  return 0;
}

}  // namespace nhb2::cli
