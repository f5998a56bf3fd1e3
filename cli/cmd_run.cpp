// nhb2 run: N independent runs of one optimizer, with the reference-style summary.

#include "common.hpp"
#include "json.hpp"

#include <nhb2/core/constants.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/objectives.hpp>
#include <nhb2/core/rng.hpp>
#include <nhb2/experiments/driver.hpp>
#include <nhb2/experiments/statistics.hpp>

#include <charconv>
#include <cmath>
#include <iostream>

namespace nhb2::cli {

namespace {

// "--speed-factors 1,2.5": one finite factor > 0 per simulated worker.
std::vector<double> parse_speed_factors(const std::string& text, int workers) {
  const std::string allowed = "a comma-separated list of " + std::to_string(workers) + " number" +
                              (workers == 1 ? "" : "s") + " > 0, one per worker (--workers " +
                              std::to_string(workers) + ")";
  std::vector<double> factors;
  for (const std::string& item : split_commas(text)) {
    double factor = 0.0;
    const auto [rest, error] = std::from_chars(item.data(), item.data() + item.size(), factor);
    if (item.empty() || error != std::errc() || rest != item.data() + item.size() ||
        !(factor > 0.0) || !std::isfinite(factor)) {
      throw InvalidArgument("--speed-factors '" + text + "': '" + item +
                            "' is not allowed; expected " + allowed);
    }
    factors.push_back(factor);
  }
  if (factors.size() != static_cast<std::size_t>(workers)) {
    throw InvalidArgument("--speed-factors '" + text + "' has " + std::to_string(factors.size()) +
                          " value" + (factors.size() == 1 ? "" : "s") + "; expected " + allowed);
  }
  return factors;
}

}  // namespace

int run_run(const std::vector<std::string>& args) {
  po::options_description options("options");
  options.add_options()(
      "optimizer", po::value<std::string>()->default_value("random_search")->value_name("NAME"),
      "optimizer to run (see 'nhb2 list')")(
      "budget", po::value<double>()->default_value(20000.0)->value_name("SECONDS"),
      "simulated train+valid seconds per run (a run queries while its cost is below this)")(
      "runs", po::value<int>()->default_value(10)->value_name("N"), "number of runs")(
      "seed", po::value<std::uint64_t>()->default_value(0)->value_name("S"),
      "master seed; run i uses splitmix64(S, i)")(
      "seed-policy", po::value<std::string>()->default_value("fixed")->value_name("P"),
      "training seed per query: fixed (222), mean (over seeds) or sampled")(
      "workers", po::value<int>()->default_value(1)->value_name("N"),
      "simulated parallel workers (1 = one trial at a time)")(
      "budget-kind", po::value<std::string>()->value_name("K"),
      "total_cost (summed cost of the trials) or wallclock (simulated wall clock); default "
      "total_cost with 1 worker, wallclock with more")(
      "fidelity-cost", po::value<std::string>()->default_value("restart")->value_name("F"),
      "cost of a lower-fidelity config continued: restart (every epoch again) or resume (only "
      "the extra epochs)")("decision-time",
                           po::value<double>()->default_value(0.0)->value_name("SECONDS"),
                           "simulated seconds each ask() takes")(
      "speed-factors", po::value<std::string>()->value_name("F1,F2,..."),
      "one factor > 0 per worker: a trial on worker w takes cost × F_w simulated seconds "
      "(default: 1 for every worker)")(
      "quiet,q", "print only the summary, not one line per run (text output only)")(
      "objectives", po::value<std::string>()->value_name("A,B"),
      "multi-objective optimizers: valid_acc and one of cost (default), params, flops "
      "(docs/multi_objective.md)");
  add_data_options(options);
  add_param_options(options);
  add_plugin_options(options);
  add_json_option(options);
  po::variables_map vm;
  if (!parse_options("run", "[--optimizer NAME] [--param K=V]... [--plugin PATH.so]... [options]",
                     options, {}, args, vm)) {
    return 0;
  }
  const double budget = vm["budget"].as<double>();
  if (!(budget > 0.0) || budget > kMaxBudgetSeconds) {
    throw InvalidArgument("--budget " + format_double(budget) +
                          " must be a positive number of seconds, at most " +
                          format_readable(kMaxBudgetSeconds));
  }
  const int runs = vm["runs"].as<int>();
  if (runs <= 0 || runs > kMaxRuns) {
    throw InvalidArgument("--runs " + std::to_string(runs) + " must be in [1, " +
                          std::to_string(kMaxRuns) + "]");
  }
  const std::string name = vm["optimizer"].as<std::string>();
  const ParamAssignments params = given_params(vm);
  const Registry registry = load_registry(vm);
  registry.create(name, params);  // the name and parameters are valid before anything runs
  RunSpec spec;
  spec.budget_seconds = budget;
  spec.workers = vm["workers"].as<int>();
  if (spec.workers < 1 || spec.workers > kMaxWorkers) {
    throw InvalidArgument("--workers " + std::to_string(spec.workers) + " must be in [1, " +
                          std::to_string(kMaxWorkers) + "]");
  }
  spec.budget_kind = default_budget_kind(spec.workers);
  if (vm.count("budget-kind")) {
    const std::string text = vm["budget-kind"].as<std::string>();
    try {
      spec.budget_kind = parse_budget_kind(text);
    } catch (const InvalidArgument&) {
      throw InvalidArgument("--budget-kind '" + text +
                            "' is not allowed; allowed: total_cost, wallclock");
    }
  }
  const std::string fidelity_cost = vm["fidelity-cost"].as<std::string>();
  try {
    spec.fidelity_cost = parse_fidelity_cost(fidelity_cost);
  } catch (const InvalidArgument&) {
    throw InvalidArgument("--fidelity-cost '" + fidelity_cost +
                          "' is not allowed; allowed: restart, resume");
  }
  spec.decision_time = vm["decision-time"].as<double>();
  if (!(spec.decision_time >= 0.0) || spec.decision_time > kMaxBudgetSeconds) {
    throw InvalidArgument("--decision-time " + format_double(spec.decision_time) +
                          " must be a number of seconds in [0, " +
                          format_readable(kMaxBudgetSeconds) + "]");
  }
  if (vm.count("speed-factors")) {
    spec.speed_factors = parse_speed_factors(vm["speed-factors"].as<std::string>(), spec.workers);
  }
  spec.seed_policy = parse_seed_policy(vm["seed-policy"].as<std::string>());
  if (vm.count("objectives")) {
    spec.objectives = parse_objective_pair(vm["objectives"].as<std::string>(), "--objectives");
  }
  const std::uint64_t master_seed = vm["seed"].as<std::uint64_t>();
  const Benchmark benchmark = load_benchmark(vm);
  const bool json = json_requested(vm);
  const bool quiet = json || vm.count("quiet") > 0;

  Json document;
  if (json) {
    document["data"] = data_json(benchmark, vm);
    Json& settings = document["settings"];
    settings["optimizer"] = name;
    settings["origin"] = origin_json(registry, name);
    settings["params"] = params_json(registry.find(name), params);
    settings["budget_seconds"] = budget;
    settings["runs"] = runs;
    settings["seed"] = master_seed;
    settings["seed_policy"] = seed_policy_name(spec.seed_policy);
    settings["workers"] = spec.workers;
    settings["budget_kind"] = budget_kind_name(spec.budget_kind);
    settings["fidelity_cost"] = fidelity_cost_name(spec.fidelity_cost);
    settings["decision_time"] = spec.decision_time;
    settings["speed_factors"] = spec.speed_factors;
    document["runs"] = Json::array();
  } else {
    std::cout << "# nhb2 run: optimizer " << name << ", budget " << format_double(budget) << " s, "
              << runs << " runs, master seed " << master_seed << ", seed policy "
              << seed_policy_name(spec.seed_policy) << ", " << spec.workers << " worker"
              << (spec.workers == 1 ? "" : "s") << ", budget kind "
              << budget_kind_name(spec.budget_kind) << ", fidelity cost "
              << fidelity_cost_name(spec.fidelity_cost) << "\n"
              << "# data: " << benchmark.source().description << ", checksum "
              << benchmark.checksum() << "\n";
  }
  if (!quiet) {
    std::cout << "run\trun_seed\tbest_cellcode\tbest_lr\tbest_batch_size\tbest_valid_acc\ttrials\t"
                 "total_cost\ttest_acc_12\ttest_acc_200\n";
  }
  std::vector<double> valid, test12, test200, trials, costs;
  for (int run = 0; run < runs; ++run) {
    spec.run_seed = run_seed(master_seed, static_cast<std::uint64_t>(run));
    const RunOutcome outcome =
        run_registered(benchmark, registry, name, params, SearchSpace(), spec, run);
    const Session& session = outcome.session;
    const Config& best = *session.best_key();
    valid.push_back(session.best_acc());
    test12.push_back(outcome.results.final_accs[0]);
    test200.push_back(outcome.results.final_accs[1]);
    trials.push_back(static_cast<double>(session.num_queries()));
    costs.push_back(session.total_cost());
    if (json) {
      document["runs"].push_back({{"run", run},
                                  {"run_seed", spec.run_seed},
                                  {"best_key", config_json(best)},
                                  {"best_valid_acc", session.best_acc()},
                                  {"trials", session.num_queries()},
                                  {"total_cost", session.total_cost()},
                                  {"wallclock", session.log().back().wallclock},
                                  {"test_acc_12", outcome.results.final_accs[0]},
                                  {"test_acc_200", outcome.results.final_accs[1]},
                                  {"stop_reason", stop_reason_name(outcome.stop_reason)}});
    }
    if (!quiet) {
      std::cout << run << "\t" << spec.run_seed << "\t" << format_cellcode(best.cell()) << "\t"
                << format_double(best.lr()) << "\t" << best.batch_size() << "\t"
                << format_fixed(session.best_acc(), 2) << "\t" << session.num_queries() << "\t"
                << format_fixed(session.total_cost(), 2) << "\t"
                << format_fixed(outcome.results.final_accs[0], 2) << "\t"
                << format_fixed(outcome.results.final_accs[1], 2) << "\n";
    }
  }
  if (json) {
    document["summary"] = {{"runs", runs},
                           {"best_valid_acc", mean_std_json(valid)},
                           {"test_acc_12", mean_std_json(test12)},
                           {"test_acc_200", mean_std_json(test200)},
                           {"trials", mean_std_json(trials)},
                           {"total_cost", mean_std_json(costs)}};
    print_json(document);
    return 0;
  }
  auto line = [](const char* label, const std::vector<double>& values, int decimals) {
    const double std = values.size() > 1 ? sample_std(values) : 0.0;
    std::cout << label << format_fixed(mean(values), decimals) << " ± "
              << format_fixed(std, decimals) << "\n";
  };
  std::cout << "# summary over " << runs << " runs (mean ± std)\n";
  line("best valid accuracy (12 epochs): ", valid, 2);
  line("test accuracy (12 epochs):       ", test12, 2);
  line("test accuracy (200 epochs):      ", test200, 2);
  line("trials:                          ", trials, 1);
  line("total cost (s):                  ", costs, 1);
  return 0;
}

}  // namespace nhb2::cli
