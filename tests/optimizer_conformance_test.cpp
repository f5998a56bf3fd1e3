// The contract of DESIGN §5, checked for every registered optimizer.

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/experiments/driver.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace nhb2;

namespace {

const Benchmark& shared_benchmark() {
  static const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  return benchmark;
}

// Runs one optimizer and returns its session; every trial is checked on the way.
RunOutcome checked_run(const std::string& name, std::uint64_t seed, double budget) {
  auto optimizer = builtin_optimizers().create(name, {});
  RunSpec spec;
  spec.budget_seconds = budget;
  spec.run_seed = seed;
  return run_optimizer(shared_benchmark(), *optimizer, SearchSpace(), spec);
}

// A number written the way the parameter's type expects it.
std::string as_text(const ParamSpec& spec, double value) {
  return spec.type == ParamType::integer ? std::to_string(static_cast<long long>(value))
                                         : std::to_string(value);
}

}  // namespace

TEST_CASE("every optimizer proposes valid trials and respects the budget", "[conformance]") {
  for (const auto& name : builtin_optimizers().names()) {
    SECTION(name) {
      const double budget = 20000.0;
      const RunOutcome outcome = checked_run(name, 11, budget);
      const Session& session = outcome.session;
      REQUIRE(session.num_queries() > 0);
      for (int epochs : session.epochs_trans()) {
        CHECK(epochs >= 1);
        CHECK(epochs <= 12);
      }
      // The driver queries while total_cost < budget: only the last query may overshoot.
      const auto& totals = session.total_cost_trans();
      if (outcome.stop_reason == StopReason::budget) CHECK(totals.back() >= budget);
      if (totals.size() >= 2) CHECK(totals[totals.size() - 2] < budget);
      CHECK(std::isfinite(outcome.results.final_accs.at(0)));
      CHECK(std::isfinite(outcome.results.final_accs.at(1)));
    }
  }
}

TEST_CASE("every optimizer replays bit for bit from the same seed and differs across seeds",
          "[conformance]") {
  for (const auto& name : builtin_optimizers().names()) {
    SECTION(name) {
      const RunOutcome a = checked_run(name, 5, 20000.0);
      const RunOutcome b = checked_run(name, 5, 20000.0);
      const RunOutcome c = checked_run(name, 6, 20000.0);
      CHECK(a.session.key_trans() == b.session.key_trans());
      CHECK(a.session.epochs_trans() == b.session.epochs_trans());
      CHECK(a.session.acc_trans() == b.session.acc_trans());
      CHECK(a.results.final_accs == b.results.final_accs);
      CHECK(a.session.key_trans() != c.session.key_trans());
    }
  }
}

TEST_CASE("every optimizer refuses unknown and out-of-range parameters by name",
          "[conformance][errors]") {
  for (const auto& info : builtin_optimizers().all()) {
    SECTION(info.name) {
      CHECK_THROWS_WITH(
          builtin_optimizers().create(info.name, {{"no_such_parameter", "1"}}),
          Catch::Contains("no parameter 'no_such_parameter'") && Catch::Contains(info.name));
      for (const auto& spec : info.params) {
        if (spec.type == ParamType::integer || spec.type == ParamType::real) {
          if (std::isfinite(spec.max_value)) {
            const std::string too_big = as_text(spec, spec.max_value * 2 + 1);
            CHECK_THROWS_WITH(builtin_optimizers().create(info.name, {{spec.name, too_big}}),
                              Catch::Contains(spec.name) && Catch::Contains("out of range"));
          }
          if (std::isfinite(spec.min_value)) {
            const std::string too_small = as_text(spec, spec.min_value - 1);
            CHECK_THROWS_AS(builtin_optimizers().create(info.name, {{spec.name, too_small}}),
                            ConfigError);
          }
        }
        if (spec.type == ParamType::choice) {
          CHECK_THROWS_WITH(builtin_optimizers().create(info.name, {{spec.name, "no-such-choice"}}),
                            Catch::Contains("one of:"));
        }
      }
    }
  }
}

TEST_CASE("an unknown optimizer is refused with the list of known ones", "[conformance][errors]") {
  CHECK_THROWS_WITH(builtin_optimizers().find("random_serch"),
                    Catch::Contains("did you mean 'random_search'") &&
                        Catch::Contains("available: random_search"));
}

TEST_CASE("runs of different optimizers with the same run index share the oracle seed stream",
          "[conformance]") {
  // Paired runs: the run seed depends on the master seed and run index only.
  CHECK(run_seed(3, 7) == run_seed(3, 7));
  RunSpec spec;
  spec.run_seed = run_seed(3, 7);
  spec.seed_policy = SeedPolicy::sampled;
  auto a = builtin_optimizers().create("random_search", {});
  const RunOutcome first = run_optimizer(shared_benchmark(), *a, SearchSpace(), spec);
  const RunOutcome second = run_optimizer(shared_benchmark(), *a, SearchSpace(), spec);
  CHECK(first.session.acc_trans() == second.session.acc_trans());
}
