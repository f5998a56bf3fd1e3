// nhb2 oracle: the exact optimum of the table and the distribution of each measure over the
// whole space (benchmark_api/oracle.hpp).

#include "common.hpp"
#include "json.hpp"

#include <nhb2/benchmark_api/oracle.hpp>
#include <nhb2/core/config.hpp>

#include <iomanip>
#include <iostream>

namespace nhb2::cli {

namespace {

std::string measure_name(const OracleMeasure& m) {
  return m.seed.empty() ? m.measure : m.measure + "@" + m.seed;
}

Json configs_json(const std::vector<Config>& configs) {
  Json list = Json::array();
  for (const Config& c : configs) list.push_back(config_json(c));
  return list;
}

Json oracle_json(const Oracle& oracle, const Benchmark& benchmark, const po::variables_map& vm) {
  Json document;
  document["data"] = data_json(benchmark, vm);
  document["num_configs"] = kNumConfigs;
  Json& measures = document["measures"] = Json::array();
  for (const OracleMeasure& m : oracle.measures) {
    Json percentiles = Json::object();
    for (double p : oracle_report_percentiles()) {
      percentiles[format_double(p)] = m.values.quantile(p / 100.0);
    }
    measures.push_back({{"measure", m.measure},
                        {"seed", m.seed.empty() ? Json() : Json(m.seed)},
                        {"best", m.best},
                        {"num_best_configs", m.best_configs.size()},
                        {"best_configs", configs_json(m.best_configs)},
                        {"percentiles", percentiles}});
  }
  Json& proxies = document["proxy"] = Json::array();
  for (const OracleProxy& p : oracle.proxies) {
    proxies.push_back({{"seed", p.seed},
                       {"best_valid_acc_12", p.best_valid_acc_12},
                       {"chosen_configs", configs_json(p.chosen)},
                       {"chosen_test_acc_12", p.chosen_test_acc_12},
                       {"chosen_avg_acc_200", p.chosen_avg_acc_200},
                       {"proxy_gap_200", p.proxy_gap_200}});
  }
  return document;
}

void print_configs(const std::vector<Config>& configs) {
  constexpr std::size_t kShown = 3;
  for (std::size_t i = 0; i < configs.size() && i < kShown; ++i) {
    std::cout << (i ? ", " : "") << describe(configs[i]);
  }
  if (configs.size() > kShown) std::cout << ", … (" << configs.size() << " in all)";
  std::cout << "\n";
}

}  // namespace

int run_oracle(const std::vector<std::string>& args) {
  po::options_description options("options");
  add_data_options(options);
  add_json_option(options);
  po::variables_map vm;
  if (!parse_options("oracle", "[--data FILE] [--json]", options, {}, args, vm)) return 0;
  const Benchmark benchmark = load_benchmark(vm);
  const Oracle oracle = compute_oracle(benchmark);
  if (json_requested(vm)) {
    print_json(oracle_json(oracle, benchmark, vm));
    return 0;
  }
  std::cout << "source:    " << benchmark.source().kind << "\n"
            << "data:      " << benchmark.source().description << "\n"
            << "checksum:  " << benchmark.checksum() << "\n"
            << "space:     " << kNumConfigs << " configurations\n\n";
  for (const OracleMeasure& m : oracle.measures) {
    std::cout << std::left << std::setw(18) << measure_name(m) << " best "
              << format_fixed(m.best, 4) << " reached by ";
    print_configs(m.best_configs);
  }
  std::cout << "\npercentiles over the space:\n" << std::left << std::setw(18) << "measure";
  for (double p : oracle_report_percentiles()) {
    std::cout << std::right << std::setw(8) << ("p" + format_double(p));
  }
  std::cout << "\n";
  for (const OracleMeasure& m : oracle.measures) {
    std::cout << std::left << std::setw(18) << measure_name(m);
    for (double p : oracle_report_percentiles()) {
      std::cout << std::right << std::setw(8) << format_fixed(m.values.quantile(p / 100.0), 2);
    }
    std::cout << "\n";
  }
  std::cout << "\nproxy (choose on 12-epoch validation, evaluate at 200 epochs):\n";
  for (const OracleProxy& p : oracle.proxies) {
    std::cout << "  seed " << std::left << std::setw(5) << p.seed << " best valid_acc_12 "
              << format_fixed(p.best_valid_acc_12, 4) << " -> test_acc_12 "
              << format_fixed(p.chosen_test_acc_12, 4) << ", avg_acc_200 "
              << format_fixed(p.chosen_avg_acc_200, 4) << " (gap to the 200-epoch optimum "
              << format_fixed(p.proxy_gap_200, 4) << ")\n";
  }
  return 0;
}

}  // namespace nhb2::cli
