// nhb2 pareto: the exact Pareto front of the table for accuracy against cost, params or FLOPs.

#include "common.hpp"
#include "json.hpp"

#include <nhb2/benchmark_api/objective_table.hpp>
#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/core/config.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/experiments/multi_objective.hpp>

#include <chrono>
#include <cmath>
#include <iostream>
#include <stdexcept>

namespace nhb2::cli {

namespace {

const char* const kMethod =
    "all 196,608 configurations, reduced to the best of each (trained class, lr, batch size); "
    "sorted by (-valid_acc, objective), a point is on the front when its objective is below "
    "every earlier one (O(n log n)); hypervolume: one sweep over the front, divided by the "
    "reference box's area";

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

int print_comparison(const Benchmark& benchmark, const po::variables_map& vm,
                     const ObjectiveTable& table, SeedPolicy policy) {
  const Registry registry = load_registry(vm);
  const std::vector<std::string> names = split_commas(vm["compare"].as<std::string>());
  for (const std::string& name : names) registry.find(name);  // names the allowed ones
  const int runs = vm["runs"].as<int>();
  const double budget = vm["budget"].as<double>();
  if (runs < 1 || runs > 100000) {
    throw InvalidArgument("--runs " + std::to_string(runs) + " must be in [1, 100000]");
  }
  if (!(budget > 0.0) || budget > kMaxBudgetSeconds) {
    throw InvalidArgument("--budget " + format_double(budget) + " must be in (0, " +
                          format_readable(kMaxBudgetSeconds) + "]");
  }
  RunSpec base;
  base.budget_seconds = budget;
  base.seed_policy = policy;
  if (policy == SeedPolicy::fixed && table.seed_index != kMeanOverSeeds) {
    base.seed = benchmark.seeds()[table.seed_index];
  }
  const std::uint64_t master_seed = vm["master-seed"].as<std::uint64_t>();
  const MoComparison comparison =
      compare_multi_objective(benchmark, registry, names, table, runs, master_seed, base);
  const std::string name = objective_name(table.pair.minimised);
  if (json_requested(vm)) {
    Json document = data_json(benchmark, vm);
    document["objectives"] = {"valid_acc", name};
    document["reference"] = {{"valid_acc", table.pair.reference_accuracy},
                             {name, table.pair.reference_value}};
    document["runs"] = runs;
    document["budget_seconds"] = budget;
    document["master_seed"] = master_seed;
    document["exact_hypervolume"] = comparison.exact_hypervolume;
    Json& rows = document["optimizers"] = Json::array();
    for (const MoOptimizerSummary& row : comparison.optimizers) {
      rows.push_back({{"name", row.name},
                      {"mean_hypervolume", row.mean_hypervolume},
                      {"standard_error", row.standard_error},
                      {"mean_regret", row.mean_regret},
                      {"average_rank", row.average_rank},
                      {"wilcoxon_p_vs_baseline", row.against_baseline.p_value},
                      {"final_hypervolume", row.final_hypervolume}});
    }
    print_json(document);
    return 0;
  }
  std::cout << "# final hypervolume (normalised) of valid_acc vs " << name << " over " << runs
            << " paired runs, budget " << format_double(budget) << " s, master seed " << master_seed
            << "\n# data: " << benchmark.source().kind << "; exact front hypervolume "
            << format_fixed(comparison.exact_hypervolume, 6)
            << "; Wilcoxon signed-rank (two-sided) against " << names.front() << "\n"
            << "optimizer  mean_hv  se  regret  avg_rank  p_vs_baseline\n";
  for (const MoOptimizerSummary& row : comparison.optimizers) {
    std::cout << row.name << "  " << format_fixed(row.mean_hypervolume, 6) << "  "
              << format_fixed(row.standard_error, 6) << "  " << format_fixed(row.mean_regret, 6)
              << "  " << format_fixed(row.average_rank, 2) << "  "
              << (row.name == names.front() ? std::string("-")
                                            : format_double(row.against_baseline.p_value))
              << "\n";
  }
  return 0;
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
      "fixed (one seed) or mean (over seeds)")(
      "compare", po::value<std::string>()->value_name("A,B,..."),
      "instead of the front: paired runs of these optimizers (the first is the baseline), "
      "final hypervolume, regret, ranks and Wilcoxon tests")(
      "runs", po::value<int>()->default_value(100)->value_name("N"), "paired runs (--compare)")(
      "budget", po::value<double>()->default_value(20000.0)->value_name("S"),
      "seconds of train+valid time per run (--compare)")(
      "master-seed", po::value<std::uint64_t>()->default_value(0)->value_name("M"),
      "run seeds are splitmix64(M, run) (--compare)");
  add_plugin_options(options);
  po::variables_map vm;
  if (!parse_options("pareto",
                     "[--objectives valid_acc,cost|params|flops] [--reference ACC,VALUE] "
                     "[--seed S | --seed-policy mean] [--data FILE] [--json]\n"
                     "       [--compare A,B,... [--runs N] [--budget S] [--master-seed M]]",
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
  if (vm.count("compare")) {
    return print_comparison(benchmark, vm, table, policy);
  }

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
