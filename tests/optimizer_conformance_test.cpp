// The optimizer contract (core/include/nhb2/core/optimizer.hpp, docs/adding-an-optimizer.md),
// checked for every registered optimizer.

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/experiments/conformance.hpp>
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
      for (const LogRecord& record : session.log()) {
        CHECK(record.epochs >= 1);
        CHECK(record.epochs <= 12);
      }
      // The driver queries while total_cost < budget: only the last query may overshoot.
      const std::vector<double> totals = session.total_cost_trans();
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

// ---- Pending trials: the conformance kit (experiments/conformance.hpp) on every built-in ----

namespace {

// Non-default settings that change how each optimizer handles pending trials.
const std::vector<std::pair<std::string, ParamAssignments>>& non_default_settings() {
  static const std::vector<std::pair<std::string, ParamAssignments>> settings = {
      {"local_search", {{"move", "best"}}},
      {"regularized_evolution", {{"population_size", "5"}, {"sample_size", "5"}}},
      {"reinforce", {{"learning_rate", "0.1"}, {"momentum", "0.5"}}},
      {"bohb", {{"eta", "2"}, {"min_budget", "2"}, {"random_fraction", "0.3"}}},
      {"bohb", {{"n_iterations", "3"}}},
      {"gp_bo", {{"n_initial", "3"}, {"kernel", "rbf"}, {"n_candidates", "50"}}},
      {"parego", {{"n_initial", "3"}, {"lattice_steps", "2"}, {"n_candidates", "50"}}},
      {"rs_then_rea", {{"hpo_budget", "300"}, {"population_size", "4"}}},
      {"bohb_then_rea", {{"hpo_iterations", "1"}}},
  };
  return settings;
}

std::string label(const std::string& name, const ParamAssignments& params) {
  std::string text = name;
  for (const auto& [key, value] : params) text += " " + key + "=" + value;
  return text;
}

ConformanceReport check_builtin(const std::string& name, const ParamAssignments& params) {
  ConformanceOptions options;
  options.seed = 21;
  // The GP optimizers' asks cost far more than the others' (parego refits per weight); 120 and
  // 60 evaluations still exercise their models with every pending count.
  options.evaluations = name == "gp_bo" ? 120 : name == "parego" ? 60 : 300;
  return check_conformance(
      label(name, params), [&] { return builtin_optimizers().create(name, params); },
      shared_benchmark(), options);
}

}  // namespace

TEST_CASE("every built-in optimizer passes the conformance kit with default parameters",
          "[conformance][pending]") {
  for (const auto& name : builtin_optimizers().names()) {
    SECTION(name) {
      const ConformanceReport report = check_builtin(name, {});
      INFO(report.summary());
      CHECK(report.passed());
      CHECK(report.runs == 9);
      CHECK(report.asks == report.tells);
    }
  }
}

TEST_CASE("every built-in optimizer passes the conformance kit with non-default parameters",
          "[conformance][pending]") {
  for (const auto& [name, params] : non_default_settings()) {
    SECTION(label(name, params)) {
      const ConformanceReport report = check_builtin(name, params);
      INFO(report.summary());
      CHECK(report.passed());
    }
  }
}

namespace {

// Deliberately broken optimizers: the kit must name what each breaks.
class BrokenOptimizer : public Optimizer {
 public:
  enum class Flaw { epochs_13, in_order_tells_only, reset_keeps_ids, reused_ids };
  explicit BrokenOptimizer(Flaw flaw) : flaw_(flaw) {}
  void reset(const SearchSpace& space, Rng rng) override {
    space_ = space;
    rng_ = rng;
    if (flaw_ != Flaw::reset_keeps_ids) next_id_ = 0;
    next_tell_ = next_id_;
  }
  Trial ask() override {
    const int epochs = flaw_ == Flaw::epochs_13 && next_id_ == 5 ? 13 : kMaxEpochs;
    const std::uint64_t id = flaw_ == Flaw::reused_ids ? 7 : next_id_;
    ++next_id_;
    return Trial{space_.sample(rng_), epochs, id};
  }
  void tell(const Trial& trial, const Observation&) override {
    if (flaw_ == Flaw::in_order_tells_only && trial.id != next_tell_) {
      throw Error("expected trial " + std::to_string(next_tell_));
    }
    ++next_tell_;
  }

 private:
  Flaw flaw_;
  SearchSpace space_;
  Rng rng_;
  std::uint64_t next_id_ = 0;
  std::uint64_t next_tell_ = 0;
};

ConformanceReport check_broken(BrokenOptimizer::Flaw flaw) {
  ConformanceOptions options;
  options.evaluations = 40;
  return check_conformance(
      "broken", [flaw] { return std::make_unique<BrokenOptimizer>(flaw); }, shared_benchmark(),
      options);
}

}  // namespace

TEST_CASE("the conformance kit names the check, optimizer, pending count and step that fail",
          "[conformance][pending]") {
  using Flaw = BrokenOptimizer::Flaw;
  // Each of the three runs per pending count reports its own failure; failed runs are not
  // compared.
  const ConformanceReport epochs = check_broken(Flaw::epochs_13);
  REQUIRE(epochs.failures.size() == 9);
  CHECK(epochs.failures[0].check == "epochs_in_range");
  CHECK(epochs.failures[0].pending == 1);
  CHECK(epochs.failures[0].step == 11);  // ask 6 after 5 asks and 5 tells
  CHECK_THAT(
      epochs.failures[0].message(),
      Catch::Contains("'epochs_in_range' failed for broken with 1 pending trial at step 11") &&
          Catch::Contains("13 epochs"));
  CHECK(epochs.failures[3].pending == 4);
  CHECK(epochs.failures[6].pending == 16);
  CHECK(epochs.failures[6].step == 6);  // 16 asks are due before the first tell

  const ConformanceReport order = check_broken(Flaw::in_order_tells_only);
  INFO(order.summary());
  REQUIRE(order.failures.size() == 6);  // pending 1 tells in order and passes
  CHECK(order.failures[0].check == "tell_accepted");
  CHECK(order.failures[0].pending == 4);

  const ConformanceReport reset = check_broken(Flaw::reset_keeps_ids);
  REQUIRE(reset.failures.size() == 3);
  CHECK(reset.failures[0].check == "reset_starts_fresh");
  CHECK(reset.failures[0].step == 1);

  const ConformanceReport ids = check_broken(Flaw::reused_ids);
  REQUIRE(ids.failures.size() == 6);  // one trial in flight at a time cannot collide
  CHECK(ids.failures[0].check == "pending_ids_distinct");
  CHECK(ids.failures[0].pending == 4);
  CHECK(ids.failures[0].step == 2);

  CHECK_THROWS_WITH(require_conformance(
                        "broken", [] { return std::make_unique<BrokenOptimizer>(Flaw::epochs_13); },
                        shared_benchmark()),
                    Catch::Contains("broken: 9 conformance checks failed"));
}

TEST_CASE("the conformance kit also runs on a callable objective", "[conformance][pending]") {
  // A deterministic stand-in for training: accuracy from the config index, cost from the epochs.
  long long evaluations = 0;
  const Objective objective = [&evaluations](const Trial& trial) {
    ++evaluations;
    return Observation{static_cast<double>(trial.config.index() % 97), 10.0 * trial.epochs};
  };
  ConformanceOptions options;
  options.pending_counts = {2, 7};
  options.evaluations = 50;
  const ConformanceReport report = check_conformance(
      "bohb", [] { return builtin_optimizers().create("bohb", {}); }, objective, options);
  INFO(report.summary());
  CHECK(report.passed());
  CHECK(report.runs == 6);
  CHECK(report.asks == 6 * 50);
  CHECK(report.tells == report.asks);
  CHECK(evaluations == report.tells);
  CHECK_THAT(report.summary(), Catch::Contains("bohb: all conformance checks passed (6 runs"));
  options.pending_counts = {0};
  CHECK_THROWS_WITH(
      check_conformance(
          "bohb", [] { return builtin_optimizers().create("bohb", {}); }, objective, options),
      Catch::Contains("pending count 0"));
}
