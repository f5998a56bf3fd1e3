// Simulated parallel workers and the cost of continued trials in the driver: the sequential case
// bit for bit, the exact event order of hand-made scenarios, both budget kinds, resume costs, the
// pending-id error, determinism, and every bad input through the CLI.

#include "test_support.hpp"

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/rng.hpp>
#include <nhb2/experiments/driver.hpp>
#include <nhb2/experiments/report.hpp>
#include <nhb2/experiments/sweep_results.hpp>
#include <nhb2/experiments/sweep_runner.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

using namespace nhb2;
using Catch::Matchers::Contains;
using nhb2::test::read_text;
using nhb2::test::run_cli;
using nhb2::test::TempDir;

namespace {

const Benchmark& synthetic() {
  static const Benchmark benchmark = Benchmark::synthetic(1);
  return benchmark;
}

// The driver before simulated workers, kept as the specification of workers = 1.
Session sequential_reference(const Benchmark& benchmark, Optimizer& optimizer, const RunSpec& spec,
                             StopReason& reason) {
  SessionOptions options;
  options.seed_policy = spec.seed_policy;
  options.rng_seed = stream_seed(spec.run_seed, Stream::oracle);
  Session session(benchmark, options);
  reason = StopReason::budget;
  optimizer.reset(SearchSpace(), make_rng(stream_seed(spec.run_seed, Stream::optimizer)));
  while (session.total_cost() < spec.budget_seconds) {
    if (optimizer.finished()) {
      reason = StopReason::optimizer_finished;
      break;
    }
    const Trial trial = optimizer.ask();
    QueryOptions query;
    query.iepoch = trial.epochs;
    const QueryResult result = session.query(trial.config, query);
    optimizer.tell(trial, Observation{result.accuracy, *result.cost});
  }
  return session;
}

// Proposes a fixed list of trials and records the ids it is told, in order.
class ScriptedOptimizer : public Optimizer {
 public:
  explicit ScriptedOptimizer(std::vector<Trial> script) : script_(std::move(script)) {}
  void reset(const SearchSpace&, Rng) override {
    next_ = 0;
    told.clear();
  }
  Trial ask() override { return script_.at(next_++); }
  void tell(const Trial& trial, const Observation& observation) override {
    told.push_back(trial.id);
    told_costs.push_back(observation.cost_seconds);
  }
  bool finished() const override { return next_ == script_.size(); }

  std::vector<std::uint64_t> told;
  std::vector<double> told_costs;

 private:
  std::vector<Trial> script_;
  std::size_t next_ = 0;
};

Config config_x() {
  return Config::from_index(1234);
}
Config config_y() {
  return Config::from_index(98765);
}

int smallest_seed_index(const Benchmark& benchmark) {
  const auto& seeds = benchmark.seeds();
  return static_cast<int>(std::min_element(seeds.begin(), seeds.end()) - seeds.begin());
}

// The restart cost of `config` at `epochs` under the fixed policy.
double cost_at(const Config& config, int epochs) {
  return synthetic().cost(config, Mode::valid, epochs, smallest_seed_index(synthetic()));
}

// n trials of config X at 1 epoch, ids 100, 101, ...
std::vector<Trial> same_trials(std::size_t n) {
  std::vector<Trial> trials;
  for (std::size_t i = 0; i < n; ++i) trials.push_back(Trial{config_x(), 1, 100 + i});
  return trials;
}

std::vector<int> workers_of(const Session& session) {
  std::vector<int> workers;
  for (const LogRecord& r : session.log()) workers.push_back(r.worker);
  return workers;
}

std::vector<double> wallclocks_of(const Session& session) {
  std::vector<double> times;
  for (const LogRecord& r : session.log()) times.push_back(r.wallclock);
  return times;
}

}  // namespace

TEST_CASE("one worker with a total-cost budget is the sequential driver, bit for bit",
          "[driver][workers]") {
  std::vector<std::string> names;
  for (const char* name : {"random_search", "regularized_evolution", "bohb", "local_search"}) {
    if (builtin_optimizers().contains(name)) names.push_back(name);
  }
  REQUIRE(names.size() >= 3);
  for (const std::string& name : names) {
    for (SeedPolicy policy : {SeedPolicy::fixed, SeedPolicy::sampled, SeedPolicy::mean}) {
      INFO(name << ", policy " << seed_policy_name(policy));
      RunSpec spec;
      spec.budget_seconds = 30000.0;
      spec.run_seed = 77;
      spec.seed_policy = policy;
      auto reference_optimizer = builtin_optimizers().create(name, {});
      StopReason reference_reason;
      const Session reference =
          sequential_reference(synthetic(), *reference_optimizer, spec, reference_reason);
      auto optimizer = builtin_optimizers().create(name, {});
      const RunOutcome outcome = run_optimizer(synthetic(), *optimizer, SearchSpace(), spec);
      CHECK(outcome.stop_reason == reference_reason);
      const auto& log = outcome.session.log();
      REQUIRE(log.size() == reference.log().size());
      for (std::size_t i = 0; i < log.size(); ++i) {
        const LogRecord& a = log[i];
        const LogRecord& b = reference.log()[i];
        REQUIRE(a.key == b.key);
        REQUIRE(a.epochs == b.epochs);
        REQUIRE(a.acc == b.acc);
        REQUIRE(a.cost == b.cost);
        REQUIRE(a.total_cost == b.total_cost);
        REQUIRE(a.best_key == b.best_key);
        REQUIRE(a.wallclock == a.total_cost);  // one worker, no decision time
        REQUIRE(a.worker == 0);
      }
    }
  }
}

TEST_CASE("simultaneous completions are told in ask order and idle workers ask by index",
          "[driver][workers]") {
  ScriptedOptimizer optimizer(same_trials(4));
  RunSpec spec;
  spec.workers = 2;
  spec.budget_kind = BudgetKind::wallclock;
  spec.budget_seconds = 1e6;
  const RunOutcome outcome = run_optimizer(synthetic(), optimizer, SearchSpace(), spec);
  const double c = cost_at(config_x(), 1);
  // 100 on worker 0 and 101 on worker 1 both finish at c: the earlier ask (100) is told first;
  // then worker 0 asks 102 and worker 1 asks 103, which again finish together at c + c.
  CHECK(optimizer.told == std::vector<std::uint64_t>{100, 101, 102, 103});
  CHECK(workers_of(outcome.session) == std::vector<int>{0, 1, 0, 1});
  CHECK(wallclocks_of(outcome.session) == std::vector<double>{c, c, c + c, c + c});
  CHECK(outcome.stop_reason == StopReason::optimizer_finished);
}

TEST_CASE("a straggler's trial still running at a wallclock budget is neither told nor logged",
          "[driver][workers]") {
  const double c = cost_at(config_x(), 1);
  const double d = 0.1 * c;  // decision time
  ScriptedOptimizer optimizer(same_trials(10));
  RunSpec spec;
  spec.workers = 2;
  spec.speed_factors = {1.0, 4.0};
  spec.decision_time = d;
  spec.budget_kind = BudgetKind::wallclock;
  // Worker 0 completes at f1 = d + c, f2 = f1 + d + c, f3 = f2 + d + c; worker 1's first trial
  // would complete at d + 4c > f3. The budget is exactly f3 (inclusive).
  const double f1 = 0.0 + d + c * 1.0;
  const double f2 = f1 + d + c * 1.0;
  const double f3 = f2 + d + c * 1.0;
  REQUIRE(0.0 + d + c * 4.0 > f3);
  spec.budget_seconds = f3;
  const RunOutcome outcome = run_optimizer(synthetic(), optimizer, SearchSpace(), spec);
  // Asks: 100 (w0) and 101 (w1) at 0, 102 at f1, 103 at f2; none at f3 (not below the budget).
  CHECK(optimizer.told == std::vector<std::uint64_t>{100, 102, 103});
  CHECK(workers_of(outcome.session) == std::vector<int>{0, 0, 0});
  CHECK(wallclocks_of(outcome.session) == std::vector<double>{f1, f2, f3});
  CHECK(outcome.session.total_cost() == c + c + c);
  CHECK(outcome.discarded == 1);
  CHECK(outcome.stop_reason == StopReason::budget);
  // The logged cost is the training cost; speed factors and decision time only move the clock.
  for (const LogRecord& r : outcome.session.log()) CHECK(r.cost == c);
}

TEST_CASE("a straggler overtaken by faster workers is told when it completes",
          "[driver][workers]") {
  const double c = cost_at(config_x(), 1);
  ScriptedOptimizer optimizer(same_trials(5));
  RunSpec spec;
  spec.workers = 2;
  spec.speed_factors = {1.0, 2.5};
  spec.budget_kind = BudgetKind::wallclock;
  spec.budget_seconds = 1e6;
  const RunOutcome outcome = run_optimizer(synthetic(), optimizer, SearchSpace(), spec);
  // w0: 100 ends at c, 102 at 2c, 103 at 3c; w1: 101 ends at 2.5c, then 104 at 5c.
  CHECK(optimizer.told == std::vector<std::uint64_t>{100, 102, 101, 103, 104});
  CHECK(workers_of(outcome.session) == std::vector<int>{0, 0, 1, 0, 1});
  CHECK(wallclocks_of(outcome.session) ==
        std::vector<double>{c, c + c, c * 2.5, c + c + c, c * 2.5 + c * 2.5});
}

TEST_CASE("a total-cost budget stops asking at the started cost and lets every trial finish",
          "[driver][workers]") {
  const double c = cost_at(config_x(), 1);
  ScriptedOptimizer optimizer(same_trials(10));
  RunSpec spec;
  spec.workers = 2;
  spec.budget_kind = BudgetKind::total_cost;
  spec.budget_seconds = 2.5 * c;
  const RunOutcome outcome = run_optimizer(synthetic(), optimizer, SearchSpace(), spec);
  // Started cost c, 2c (< 2.5c) at time 0; at c only worker 0 asks (3c >= 2.5c afterwards).
  CHECK(optimizer.told == std::vector<std::uint64_t>{100, 101, 102});
  CHECK(workers_of(outcome.session) == std::vector<int>{0, 1, 0});
  CHECK(wallclocks_of(outcome.session) == std::vector<double>{c, c, c + c});
  CHECK(outcome.session.total_cost() == c + c + c);
  CHECK(outcome.discarded == 0);
  CHECK(outcome.stop_reason == StopReason::budget);
}

TEST_CASE("a wallclock budget with one worker ends at the last trial completed in time",
          "[driver][workers]") {
  const double c = cost_at(config_x(), 1);
  ScriptedOptimizer optimizer(same_trials(10));
  RunSpec spec;
  spec.budget_kind = BudgetKind::wallclock;
  spec.budget_seconds = 2.5 * c;
  const RunOutcome outcome = run_optimizer(synthetic(), optimizer, SearchSpace(), spec);
  CHECK(optimizer.told == std::vector<std::uint64_t>{100, 101});  // 102 would end at 3c
  CHECK(outcome.discarded == 1);
}

TEST_CASE("resumed trials pay only the epochs beyond the highest completed fidelity",
          "[driver][fidelity_cost]") {
  const Config x = config_x();
  const Config y = config_y();
  ScriptedOptimizer optimizer({Trial{x, 2, 1}, Trial{x, 5, 2}, Trial{x, 3, 3}, Trial{y, 4, 4},
                               Trial{x, 12, 5}, Trial{y, 4, 6}});
  RunSpec spec;
  spec.fidelity_cost = FidelityCost::resume;
  spec.budget_seconds = 1e6;
  const RunOutcome outcome = run_optimizer(synthetic(), optimizer, SearchSpace(), spec);
  const std::vector<double> expected = {cost_at(x, 2), cost_at(x, 5) - cost_at(x, 2),
                                        0.0,  // 3 <= 5: the checkpoint already holds it
                                        cost_at(y, 4), cost_at(x, 12) - cost_at(x, 5), 0.0};
  CHECK(optimizer.told_costs == expected);
  std::vector<double> logged;
  for (const LogRecord& r : outcome.session.log()) logged.push_back(r.cost);
  CHECK(logged == expected);
  CHECK(outcome.session.log()[2].acc ==
        synthetic().accuracy(x, Mode::valid, 3, smallest_seed_index(synthetic())));

  SECTION("restart pays every epoch again") {
    ScriptedOptimizer again({Trial{x, 2, 1}, Trial{x, 5, 2}, Trial{x, 3, 3}});
    RunSpec restart = spec;
    restart.fidelity_cost = FidelityCost::restart;
    run_optimizer(synthetic(), again, SearchSpace(), restart);
    CHECK(again.told_costs == std::vector<double>{cost_at(x, 2), cost_at(x, 5), cost_at(x, 3)});
  }
}

TEST_CASE("a resumed trial starts from a checkpoint only once its trial has completed",
          "[driver][fidelity_cost]") {
  const Config x = config_x();
  // 1 (x at 2 epochs) and 2 (x at 5) start together: 2 cannot resume from 1, which is running.
  // 3 (x at 8) is asked when 1 completes (first), so it resumes from 2 epochs.
  ScriptedOptimizer optimizer({Trial{x, 2, 1}, Trial{x, 5, 2}, Trial{x, 8, 3}});
  RunSpec spec;
  spec.workers = 2;
  spec.fidelity_cost = FidelityCost::resume;
  spec.budget_seconds = 1e6;
  run_optimizer(synthetic(), optimizer, SearchSpace(), spec);
  CHECK(optimizer.told == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(optimizer.told_costs ==
        std::vector<double>{cost_at(x, 2), cost_at(x, 5), cost_at(x, 8) - cost_at(x, 2)});
}

TEST_CASE("resume under the mean policy averages the per-seed extra costs",
          "[driver][fidelity_cost]") {
  const Config x = config_x();
  ScriptedOptimizer optimizer({Trial{x, 3, 1}, Trial{x, 7, 2}});
  RunSpec spec;
  spec.seed_policy = SeedPolicy::mean;
  spec.fidelity_cost = FidelityCost::resume;
  spec.budget_seconds = 1e6;
  run_optimizer(synthetic(), optimizer, SearchSpace(), spec);
  const int n = synthetic().table().num_seeds();
  double extra = 0.0;
  for (int s = 0; s < n; ++s) {
    extra += synthetic().cost(x, Mode::valid, 7, s) - synthetic().cost(x, Mode::valid, 3, s);
  }
  REQUIRE(optimizer.told_costs.size() == 2);
  CHECK(optimizer.told_costs[1] == extra / n);
}

TEST_CASE("an optimizer reusing the id of a pending trial gets an error naming it",
          "[driver][workers]") {
  ScriptedOptimizer optimizer({Trial{config_x(), 1, 7}, Trial{config_y(), 1, 7}});
  RunSpec spec;
  spec.workers = 2;
  CHECK_THROWS_WITH(run_optimizer(synthetic(), optimizer, SearchSpace(), spec),
                    Contains("trial id 7") && Contains("pending"));

  SECTION("an id may be reused once its trial was told") {
    ScriptedOptimizer sequential({Trial{config_x(), 1, 7}, Trial{config_y(), 1, 7}});
    RunSpec one = spec;
    one.workers = 1;
    run_optimizer(synthetic(), sequential, SearchSpace(), one);
    CHECK(sequential.told == std::vector<std::uint64_t>{7, 7});
  }
}

TEST_CASE("run specs with bad simulation settings are refused naming the field",
          "[driver][workers]") {
  ScriptedOptimizer optimizer(same_trials(1));
  RunSpec spec;
  spec.workers = 0;
  CHECK_THROWS_WITH(run_optimizer(synthetic(), optimizer, SearchSpace(), spec),
                    Contains("workers 0"));
  spec.workers = 2;
  spec.speed_factors = {1.0};
  CHECK_THROWS_WITH(run_optimizer(synthetic(), optimizer, SearchSpace(), spec),
                    Contains("speed_factors has 1 values"));
  spec.speed_factors = {1.0, 0.0};
  CHECK_THROWS_WITH(run_optimizer(synthetic(), optimizer, SearchSpace(), spec),
                    Contains("speed factor 0"));
  spec.speed_factors = {};
  spec.decision_time = -1.0;
  CHECK_THROWS_WITH(run_optimizer(synthetic(), optimizer, SearchSpace(), spec),
                    Contains("decision_time -1"));
}

TEST_CASE("four workers replay the same run bit for bit", "[driver][workers]") {
  for (const char* name : {"random_search", "bohb", "regularized_evolution"}) {
    if (!builtin_optimizers().contains(name)) continue;
    INFO(name);
    RunSpec spec;
    spec.workers = 4;
    spec.budget_kind = BudgetKind::wallclock;
    spec.speed_factors = {1.0, 1.5, 2.0, 0.5};
    spec.decision_time = 3.0;
    spec.fidelity_cost = FidelityCost::resume;
    spec.seed_policy = SeedPolicy::sampled;
    spec.run_seed = 11;
    auto first = builtin_optimizers().create(name, {});
    auto second = builtin_optimizers().create(name, {});
    const RunOutcome a = run_optimizer(synthetic(), *first, SearchSpace(), spec);
    const RunOutcome b = run_optimizer(synthetic(), *second, SearchSpace(), spec);
    REQUIRE(a.session.log().size() == b.session.log().size());
    CHECK(a.session.log().size() > 10);
    std::set<int> workers;
    for (std::size_t i = 0; i < a.session.log().size(); ++i) {
      const LogRecord& x = a.session.log()[i];
      const LogRecord& y = b.session.log()[i];
      REQUIRE(x.key == y.key);
      REQUIRE(x.acc == y.acc);
      REQUIRE(x.cost == y.cost);
      REQUIRE(x.wallclock == y.wallclock);
      REQUIRE(x.worker == y.worker);
      REQUIRE(x.wallclock <= spec.budget_seconds);
      if (i > 0) REQUIRE(a.session.log()[i - 1].wallclock <= x.wallclock);
      workers.insert(x.worker);
    }
    CHECK(workers.size() == 4);
    CHECK(a.results.final_accs == b.results.final_accs);
  }
}

namespace {

const char* const kParallelSweep =
    "name: par\n"
    "budget: 4000\n"
    "runs: 3\n"
    "master_seed: 3\n"
    "curve_points: 10\n"
    "workers: 4\n"
    "speed_factors: [1, 1, 2, 3]\n"
    "decision_time: 2\n"
    "fidelity_cost: resume\n"
    "optimizers:\n"
    "  - optimizer: random_search\n"
    "    label: rs\n"
    "  - optimizer: bohb\n";

std::string q(const std::string& path) {
  return "'" + path + "'";
}

std::string write_text(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.file(name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("a parallel sweep records wall clock and worker and is identical for any --jobs",
          "[sweep][workers]") {
  TempDir dir;
  const std::string config = write_text(dir, "par.yaml", kParallelSweep);
  const auto one =
      run_cli("sweep " + q(config) + " --jobs 1 --no-plots --quiet --out " + q(dir.file("one")));
  INFO(one.err);
  REQUIRE(one.exit_code == 0);
  REQUIRE(run_cli("sweep " + q(config) + " --jobs 2 --no-plots --quiet --out " + q(dir.file("two")))
              .exit_code == 0);
  for (const char* file : {"trajectories.csv", "runs.csv", "curves.csv", "summary.csv"}) {
    INFO(file);
    CHECK(read_text(dir.file("one/") + file) == read_text(dir.file("two/") + file));
  }
  const std::string trajectories = read_text(dir.file("one/trajectories.csv"));
  CHECK_THAT(trajectories, Contains("incumbent_test_acc_200,wallclock,worker\n"));
  CHECK_THAT(trajectories, Contains("# workers: 4\n# budget_kind: wallclock\n"
                                    "# fidelity_cost: resume\n# speed_factors: 1 1 2 3\n"
                                    "# decision_time: 2\n# curve_axis: wallclock\n"));
  CHECK_THAT(read_text(dir.file("one/curves.csv")), Contains("optimizer,wallclock,n"));
  const std::string resolved = read_text(dir.file("one/resolved.yaml"));
  CHECK_THAT(resolved, Contains("workers: 4"));
  CHECK_THAT(resolved, Contains("budget_kind: wallclock"));
  CHECK_THAT(resolved, Contains("curve_axis: wallclock"));

  const SweepData data = read_sweep_results(dir.file("one"));
  CHECK(data.header.workers == 4);
  CHECK(data.header.speed_factors == std::vector<double>{1, 1, 2, 3});
  for (const RunRecord& run : data.runs) {
    for (const QueryRecord& query : run.queries) {
      REQUIRE(query.wallclock <= 4000.0);
      REQUIRE(query.worker >= 0);
      REQUIRE(query.worker < 4);
    }
  }
  // nhb2 report recomputes the same curves (on the wall-clock axis) from the new files.
  const std::string curves = read_text(dir.file("one/curves.csv"));
  REQUIRE(run_cli("report " + q(dir.file("one")) + " --no-plots").exit_code == 0);
  CHECK(read_text(dir.file("one/curves.csv")) == curves);

  SECTION("--resume refuses a changed worker count, naming the key") {
    std::string changed = kParallelSweep;
    changed.replace(changed.find("workers: 4"), 10, "workers: 2");
    changed.replace(changed.find("[1, 1, 2, 3]"), 12, "[1, 2]");
    const auto r = run_cli("sweep " + q(write_text(dir, "changed.yaml", changed)) +
                           " --resume --no-plots --quiet --out " + q(dir.file("one")));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("workers: 4 → 2"));
  }
}

TEST_CASE("nhb2 sweep refuses bad simulation keys with file, line and key", "[sweep][workers]") {
  struct Case {
    const char* yaml;
    std::vector<std::string> expected;
  };
  const std::string tail = "optimizers:\n  - optimizer: random_search\n";
  const std::string max = std::to_string(kMaxWorkers);
  const std::vector<Case> cases = {
      {"workers: 0\n", {"bad.yaml:1:10", "key 'workers'", "[1, " + max + "]"}},
      {"workers: 100000\n", {"bad.yaml:1:10", "key 'workers'", "[1, " + max + "]"}},
      {"workers: two\n", {"bad.yaml:1:10", "key 'workers'", "expected an integer"}},
      {"budget_kind: wall\n", {"bad.yaml:1:14", "key 'budget_kind'", "total_cost, wallclock"}},
      {"fidelity_cost: continue\n", {"bad.yaml:1:16", "key 'fidelity_cost'", "restart, resume"}},
      {"workers: 2\nspeed_factors: [1]\n",
       {"bad.yaml:2:16", "key 'speed_factors'", "has 1 values", "one per worker"}},
      {"workers: 2\nspeed_factors: [1, 0]\n",
       {"bad.yaml:2:20", "key 'speed_factors'", "factor 0", "> 0"}},
      {"workers: 2\nspeed_factors: [1, -2]\n", {"bad.yaml:2:20", "key 'speed_factors'", "> 0"}},
      {"speed_factors: 2\n", {"bad.yaml:1:16", "key 'speed_factors'", "expected a list"}},
      {"decision_time: -1\n", {"bad.yaml:1:16", "key 'decision_time'", "[0, "}},
      {"curve_axis: time\n", {"bad.yaml:1:13", "key 'curve_axis'", "total_cost, wallclock"}},
  };
  for (const Case& c : cases) {
    TempDir dir;
    const std::string out = dir.file("out");
    const std::string config = write_text(dir, "bad.yaml", c.yaml + tail);
    const auto result = run_cli("sweep " + q(config) + " --out " + q(out));
    INFO(c.yaml);
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Contains("nhb2: error: "));
    for (const auto& text : c.expected) CHECK_THAT(result.err, Contains(text));
    CHECK_FALSE(std::filesystem::exists(out));
  }
}

TEST_CASE("nhb2 run refuses bad simulation options naming the option", "[cli][workers]") {
  const std::string max = std::to_string(kMaxWorkers);
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"--workers 0", {"--workers 0", "[1, " + max + "]"}},
      {"--workers 5000", {"--workers 5000", "[1, " + max + "]"}},
      {"--budget-kind time", {"--budget-kind 'time'", "total_cost, wallclock"}},
      {"--fidelity-cost free", {"--fidelity-cost 'free'", "restart, resume"}},
      {"--decision-time=-1", {"--decision-time -1"}},
      {"--workers 2 --speed-factors 1", {"--speed-factors '1' has 1 value", "one per worker"}},
      {"--workers 2 --speed-factors 1,0", {"'0' is not allowed", "2 numbers > 0"}},
      {"--workers 2 --speed-factors 1,x", {"'x' is not allowed"}},
      {"--workers 2 --speed-factors 1,,2", {"'' is not allowed"}},
      {"--workers 2 --speed-factors=1,-3", {"'-3' is not allowed"}},
      {"--speed-factors inf", {"'inf' is not allowed"}},
  };
  for (const auto& [args, expected] : cases) {
    INFO(args);
    const auto r = run_cli("run --runs 1 " + args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    for (const auto& text : expected) CHECK_THAT(r.err, Contains(text));
    CHECK(r.out.empty());
  }
}

TEST_CASE("nhb2 run with workers reports its settings and simulated wall clock", "[cli][workers]") {
  const auto r = run_cli(
      "run --runs 1 --seed 2 --budget 5000 --workers 4 --fidelity-cost resume --optimizer bohb "
      "--json");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("\"workers\": 4"));
  CHECK_THAT(r.out, Contains("\"budget_kind\": \"wallclock\""));
  CHECK_THAT(r.out, Contains("\"fidelity_cost\": \"resume\""));
  CHECK_THAT(r.out, Contains("\"wallclock\": "));
}

TEST_CASE("nhb2 run --speed-factors slows the workers it names", "[cli][workers]") {
  const std::string common =
      "run --runs 1 --seed 4 --budget 4000 --workers 2 --optimizer random_search --json";
  const auto plain = run_cli(common);
  const auto ones = run_cli(common + " --speed-factors 1,1");
  const auto slow = run_cli(common + " --speed-factors 1,4");
  INFO(slow.err);
  REQUIRE(plain.exit_code == 0);
  REQUIRE(ones.exit_code == 0);
  REQUIRE(slow.exit_code == 0);
  CHECK_THAT(slow.out, Contains("\"speed_factors\": [\n      1.0,\n      4.0\n    ]"));
  // Factors of one are the default; a slow second worker completes fewer trials in the same
  // simulated wall-clock budget.
  const auto trials = [](const std::string& out) {
    const std::size_t at = out.find("\"trials\": ");
    REQUIRE(at != std::string::npos);
    return std::stoi(out.substr(at + 10));
  };
  CHECK(trials(ones.out) == trials(plain.out));
  CHECK(trials(slow.out) < trials(plain.out));
}

TEST_CASE("an optimizer entry can run on its own number of workers", "[sweep][workers]") {
  const SweepConfig config = parse_sweep_config(
      "workers: 2\nspeed_factors: [1, 3]\noptimizers:\n"
      "  - {optimizer: random_search, label: one, workers: 1}\n"
      "  - {optimizer: random_search, label: two}\n"
      "  - {optimizer: random_search, label: four, workers: 4, speed_factors: [1, 1, 1, 2]}\n",
      "entries.yaml", builtin_optimizers());
  REQUIRE(config.optimizers.size() == 3);
  CHECK(config.optimizers[0].workers == 1);
  CHECK(config.optimizers[0].speed_factors.empty());  // the sweep's have another count
  CHECK(config.optimizers[1].workers == 2);
  CHECK(config.optimizers[1].speed_factors == std::vector<double>{1, 3});
  CHECK(config.optimizers[2].workers == 4);
  CHECK(config.optimizers[2].speed_factors == std::vector<double>{1, 1, 1, 2});
  CHECK(config.budget_kind == BudgetKind::wallclock);
  CHECK(config.curve_axis == "wallclock");

  SECTION("one entry with several workers makes wallclock the default") {
    const SweepConfig mixed = parse_sweep_config(
        "optimizers:\n  - {optimizer: random_search, label: a}\n"
        "  - {optimizer: random_search, label: b, workers: 8}\n",
        "mixed.yaml", builtin_optimizers());
    CHECK(mixed.budget_kind == BudgetKind::wallclock);
    CHECK(mixed.curve_axis == "wallclock");
    const SweepConfig sequential = parse_sweep_config(
        "optimizers:\n  - {optimizer: random_search}\n", "one.yaml", builtin_optimizers());
    CHECK(sequential.budget_kind == BudgetKind::total_cost);
    CHECK(sequential.curve_axis == "total_cost");
  }
  SECTION("bad entry settings name the entry's key") {
    CHECK_THROWS_WITH(
        parse_sweep_config("optimizers:\n  - {optimizer: random_search, workers: 0}\n", "e.yaml",
                           builtin_optimizers()),
        Contains("e.yaml:2:41") && Contains("key 'optimizers[0].workers'"));
    CHECK_THROWS_WITH(
        parse_sweep_config(
            "optimizers:\n  - {optimizer: random_search, workers: 2, speed_factors: [1]}\n",
            "e.yaml", builtin_optimizers()),
        Contains("key 'optimizers[0].speed_factors'") && Contains("one per worker"));
  }
}

TEST_CASE("configs/parallel.yaml compares each optimizer with 1 and 8 workers on the wall clock",
          "[sweep][workers]") {
  const SweepConfig config = load_sweep_config(
      std::string(NHB2_SOURCE_DIR) + "/configs/parallel.yaml", builtin_optimizers());
  CHECK(config.budget_kind == BudgetKind::wallclock);
  CHECK(config.curve_axis == "wallclock");
  std::set<int> counts;
  for (const SweepOptimizer& o : config.optimizers) counts.insert(o.workers);
  CHECK(counts == std::set<int>{1, 8});
}
