// nhb2 query: one look-up with the reference API's semantics.

#include "common.hpp"
#include "json.hpp"

#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/core/canonical.hpp>
#include <nhb2/core/constants.hpp>
#include <nhb2/core/error.hpp>

#include <iostream>

namespace nhb2::cli {

int run_query(const std::vector<std::string>& args) {
  const std::string full = std::to_string(kMaxEpochs);
  const std::string surrogate = std::to_string(kSurrogateEpoch);
  po::options_description options("options");
  options.add_options()("cellcode", po::value<std::string>()->required()->value_name("CELLCODE"),
                        "cellcode A|BC|DEF, e.g. 0|10|210")(
      "lr", po::value<std::string>()->required()->value_name("X"),
      "learning rate: 0.003125, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.2, 0.4")(
      "batch-size", po::value<std::string>()->required()->value_name("N"),
      "batch size: 16, 32, 64, 128, 256, 512")(
      "epoch", po::value<int>()->default_value(kMaxEpochs)->value_name("E"),
      (full + " or " + surrogate).c_str())(
      "mode", po::value<std::string>()->default_value("valid")->value_name("M"),
      ("train, valid or test (ignored for epoch " + surrogate + ")").c_str())(
      "iepoch", po::value<int>()->value_name("K"),
      ("accuracy after K of the " + full + " epochs, 1.." + full + " (epoch " + full + " only)")
          .c_str())("seed", po::value<int>()->value_name("S"),
                    "a recorded training seed (default: the smallest)")(
      "seed-policy", po::value<std::string>()->default_value("fixed")->value_name("P"),
      "fixed, mean (over seeds) or sampled")(
      "rng-seed", po::value<std::uint64_t>()->default_value(0)->value_name("N"),
      "seed of the stream that draws the training seed (policy sampled)");
  add_data_options(options);
  add_json_option(options);
  po::positional_options_description positional;
  positional.add("cellcode", 1);
  po::variables_map vm;
  if (!parse_options("query", "CELLCODE --lr X --batch-size N [options]", options, positional, args,
                     vm)) {
    return 0;
  }
  const Cell cell = parse_cellcode(vm["cellcode"].as<std::string>());
  const Config config = Config::make(cell, parse_lr(vm["lr"].as<std::string>()),
                                     parse_batch_size(vm["batch-size"].as<std::string>()));
  QueryOptions query;
  query.epoch = vm["epoch"].as<int>();
  query.mode = parse_mode(vm["mode"].as<std::string>());
  if (vm.count("iepoch")) {
    query.iepoch = vm["iepoch"].as<int>();
    if (query.iepoch == 0) {
      throw InvalidArgument("iepoch 0 is out of range; allowed: 1.." + std::to_string(kMaxEpochs));
    }
  }
  SessionOptions session_options;
  session_options.seed_policy = parse_seed_policy(vm["seed-policy"].as<std::string>());
  session_options.rng_seed = vm["rng-seed"].as<std::uint64_t>();
  const Benchmark benchmark = load_benchmark(vm);
  if (vm.count("seed")) {
    const int seed = vm["seed"].as<int>();
    benchmark.seed_index(seed);  // an unrecorded seed (including 0) is an error
    if (session_options.seed_policy != SeedPolicy::fixed) {
      throw InvalidArgument("--seed needs --seed-policy fixed");
    }
    session_options.seed = seed;
  }
  Session session(benchmark, session_options);
  const QueryResult result = session.query(config, query);

  const CellClasses& classes = CellClasses::get();
  if (json_requested(vm)) {
    Json document;
    document["data"] = data_json(benchmark, vm);
    Json& config_object = document["config"] = config_json(config);
    config_object["representative"] = format_cellcode(classes.representative_of(cell.index()));
    config_object["class"] = classes.class_of(cell.index());
    // Epoch 200 reads the surrogate: mode, iepoch and the seed settings play no part.
    const bool epoch_12 = query.epoch == 12;
    const SeedPolicy policy = session.seed_policy();
    document["epoch"] = query.epoch;
    document["mode"] = epoch_12 ? Json(mode_name(query.mode)) : Json(nullptr);
    document["iepoch"] = epoch_12 ? Json(query.iepoch ? query.iepoch : 12) : Json(nullptr);
    document["seed_policy"] = epoch_12 ? Json(seed_policy_name(policy)) : Json(nullptr);
    document["seed"] =
        epoch_12 && policy == SeedPolicy::fixed ? Json(session.seed()) : Json(nullptr);
    document["rng_seed"] =
        epoch_12 && policy == SeedPolicy::sampled ? Json(session_options.rng_seed) : Json(nullptr);
    document["accuracy"] = result.accuracy;
    document["cost_seconds"] = result.cost ? Json(*result.cost) : Json(nullptr);
    print_json(document);
    return 0;
  }
  std::cout << "source:         " << benchmark.source().kind << "\n"
            << "data:           " << benchmark.source().description << "\n"
            << "config:         " << describe(config) << "\n"
            << "config index:   " << config.index() << "\n"
            << "representative: " << format_cellcode(classes.representative_of(cell.index()))
            << " (class " << classes.class_of(cell.index()) << ")\n"
            << "epoch:          " << query.epoch << "\n";
  if (query.epoch == 12) {
    std::cout << "mode:           " << mode_name(query.mode) << "\n"
              << "iepoch:         " << (query.iepoch ? query.iepoch : 12) << "\n"
              << "seed:           "
              << (session.seed_policy() == SeedPolicy::fixed ? std::to_string(session.seed())
                  : session.seed_policy() == SeedPolicy::mean
                      ? std::string("mean over recorded seeds")
                      : "sampled (stream seed " + std::to_string(session_options.rng_seed) + ")")
              << "\n"
              << "accuracy:       " << format_double(result.accuracy) << "\n"
              << "cost:           " << format_double(*result.cost) << "\n";
  } else {
    std::cout << "accuracy:       " << format_double(result.accuracy) << "   (expected "
              << kSurrogateEpoch << "-epoch test accuracy)\n"
              << "cost:           none\n";
  }
  return 0;
}

}  // namespace nhb2::cli
