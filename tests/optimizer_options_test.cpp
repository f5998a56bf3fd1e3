// Every optimizer checks its options in its constructor, so the C++ API refuses what the
// registry's parameter ranges refuse for the CLI and YAML, with a message naming the option,
// the value and what is allowed.

#include <nhb2/algorithms/bohb.hpp>
#include <nhb2/algorithms/gp_bo.hpp>
#include <nhb2/algorithms/hpo_then_nas.hpp>
#include <nhb2/algorithms/local_search.hpp>
#include <nhb2/algorithms/random_search.hpp>
#include <nhb2/algorithms/regularized_evolution.hpp>
#include <nhb2/algorithms/reinforce.hpp>
#include <nhb2/core/error.hpp>

#include <catch2/catch.hpp>

#include <limits>

using namespace nhb2;
using Catch::Contains;

namespace {

// Constructs with one option changed and returns the ConfigError's message ("" if none).
template <typename Make>
std::string refusal(Make make) {
  try {
    make();
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("random_search has no options and always constructs", "[options]") {
  CHECK_NOTHROW(RandomSearch());
}

TEST_CASE("local_search refuses a move that is neither first nor best", "[options]") {
  CHECK_NOTHROW(LocalSearch(LocalSearch::Move::best));
  const std::string message = refusal([] { LocalSearch(static_cast<LocalSearch::Move>(7)); });
  CHECK_THAT(message,
             Contains("local_search") && Contains("move 7") && Contains("allowed: first or best"));
}

TEST_CASE("regularized_evolution refuses bad population and sample sizes", "[options]") {
  CHECK_THAT(refusal([] { RegularizedEvolution(1, 1); }),
             Contains("population_size 1") && Contains("integer >= 2"));
  CHECK_THAT(refusal([] { RegularizedEvolution(5, 0); }),
             Contains("sample_size 0") && Contains("integer >= 1"));
  CHECK_THAT(refusal([] { RegularizedEvolution(5, 6); }),
             Contains("sample_size 6") && Contains("population_size 5"));
}

TEST_CASE("reinforce refuses a non-positive learning rate and a momentum outside 0 <= m < 1",
          "[options]") {
  CHECK_THAT(refusal([] { Reinforce(0.0, 0.9); }),
             Contains("reinforce: learning_rate 0") && Contains("finite real > 0"));
  CHECK_THAT(refusal([] { Reinforce(-1.0, 0.9); }), Contains("learning_rate -1"));
  CHECK_THAT(refusal([] { Reinforce(std::numeric_limits<double>::infinity(), 0.9); }),
             Contains("learning_rate inf"));
  CHECK_THAT(refusal([] { Reinforce(0.01, 1.0); }),
             Contains("reinforce: momentum 1") && Contains("[0, 1)"));
  CHECK_THAT(refusal([] { Reinforce(0.01, -0.5); }), Contains("momentum -0.5"));
}

TEST_CASE("bohb refuses options that would stall or break Hyperband", "[options][bohb]") {
  auto with = [](auto change) {
    return refusal([change] {
      BohbOptions options;
      change(options);
      Bohb bohb(options);
    });
  };
  CHECK_NOTHROW(Bohb(BohbOptions{}));
  CHECK_THAT(with([](BohbOptions& o) { o.eta = 1; }),
             Contains("bohb: eta 1") && Contains("integer >= 2"));
  CHECK_THAT(with([](BohbOptions& o) { o.eta = 0; }), Contains("eta 0"));
  CHECK_THAT(with([](BohbOptions& o) { o.min_budget = 0; }),
             Contains("min_budget 0") && Contains("[1, 12]"));
  CHECK_THAT(with([](BohbOptions& o) {
               o.min_budget = 5;
               o.max_budget = 4;
             }),
             Contains("min_budget 5 exceeds max_budget 4"));
  CHECK_THAT(with([](BohbOptions& o) { o.max_budget = 13; }),
             Contains("max_budget 13") && Contains("[1, 12]"));
  CHECK_THAT(with([](BohbOptions& o) { o.num_samples = 0; }), Contains("num_samples 0"));
  CHECK_THAT(with([](BohbOptions& o) { o.random_fraction = 1.5; }),
             Contains("random_fraction 1.5") && Contains("[0, 1]"));
  CHECK_THAT(with([](BohbOptions& o) { o.bandwidth_factor = 0.5; }),
             Contains("bandwidth_factor 0.5"));
  CHECK_THAT(with([](BohbOptions& o) { o.min_bandwidth = -0.1; }), Contains("min_bandwidth -0.1"));
  CHECK_THAT(with([](BohbOptions& o) { o.top_n_percent = 100; }),
             Contains("top_n_percent 100") && Contains("[1, 99]"));
  CHECK_THAT(with([](BohbOptions& o) { o.min_points_in_model = -1; }),
             Contains("min_points_in_model -1"));
  CHECK_THAT(with([](BohbOptions& o) { o.n_iterations = -1; }), Contains("n_iterations -1"));
}

TEST_CASE("bohb's eta is an integer, so eta 0.5 cannot even be written", "[options][bohb]") {
  // BohbOptions::eta is an int: 0.5 truncates to 0, which is refused like any eta < 2.
  BohbOptions options;
  options.eta = static_cast<int>(0.5);
  CHECK_THROWS_WITH(Bohb(options), Contains("bohb: eta 0") && Contains("integer >= 2"));
}

TEST_CASE("gp_bo refuses options outside their declared ranges with ConfigError", "[options]") {
  auto with = [](auto change) {
    return refusal([change] {
      GpBoOptions options;
      change(options);
      GpBo gp_bo(options);
    });
  };
  CHECK_THAT(with([](GpBoOptions& o) { o.n_initial = 0; }),
             Contains("gp_bo: n_initial 0") && Contains("[1, 100000]"));
  CHECK_THAT(with([](GpBoOptions& o) { o.n_candidates = 0; }), Contains("n_candidates 0"));
  CHECK_THAT(with([](GpBoOptions& o) { o.kernel = static_cast<gp_bo::KernelType>(9); }),
             Contains("kernel 9") && Contains("matern52 or rbf"));
  CHECK_THAT(with([](GpBoOptions& o) { o.xi = -1.0; }), Contains("xi -1") && Contains("[0, 10]"));
  CHECK_THAT(with([](GpBoOptions& o) { o.refit_every = 0; }), Contains("refit_every 0"));
  CHECK_THAT(with([](GpBoOptions& o) { o.refit_growth = -0.5; }),
             Contains("refit_growth -0.5") && Contains("[0, 10]"));
  CHECK_THAT(with([](GpBoOptions& o) { o.max_observations = 2; }),
             Contains("max_observations 2") && Contains("[10, 100000]"));
}

TEST_CASE("rs_then_rea and bohb_then_rea refuse bad stage options", "[options]") {
  auto with = [](HpoMethod method, auto change) {
    return refusal([method, change] {
      HpoThenNasOptions options;
      options.method = method;
      change(options);
      HpoThenNas optimizer(options);
    });
  };
  const HpoMethod rs = HpoMethod::random_search;
  const HpoMethod bohb = HpoMethod::bohb;
  CHECK_THAT(with(rs, [](HpoThenNasOptions& o) { o.hpo_budget = 0.0; }),
             Contains("rs_then_rea: hpo_budget 0") && Contains("finite real > 0"));
  CHECK_THAT(with(rs, [](HpoThenNasOptions& o) { o.population_size = 1; }),
             Contains("rs_then_rea") && Contains("population_size 1"));
  CHECK_THAT(with(rs, [](HpoThenNasOptions& o) { o.sample_size = 11; }),
             Contains("sample_size 11"));
  CHECK_THAT(with(bohb, [](HpoThenNasOptions& o) { o.hpo_iterations = 0; }),
             Contains("bohb_then_rea: hpo_iterations 0") && Contains("integer >= 1"));
  CHECK_THAT(with(bohb, [](HpoThenNasOptions& o) { o.num_samples = 0; }),
             Contains("bohb_then_rea: num_samples 0"));
  CHECK_THAT(with(bohb, [](HpoThenNasOptions& o) { o.min_points_in_model = -2; }),
             Contains("min_points_in_model -2"));
  CHECK_THAT(with(bohb, [](HpoThenNasOptions& o) { o.sample_size = 0; }),
             Contains("bohb_then_rea") && Contains("sample_size 0"));
  CHECK_THAT(with(static_cast<HpoMethod>(5), [](HpoThenNasOptions&) {}),
             Contains("method 5") && Contains("random_search or bohb"));
}
