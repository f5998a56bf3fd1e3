#pragma once
// The driver: runs one optimizer against one Session until the budget is spent.
//
// The driver owns the session, the budget and the test split. It simulates `workers` parallel
// workers with a simulated clock (never the real one), event by event:
//   - Ask: at simulated time t every idle worker asks the optimizer for a trial, in worker index
//     order, while asking is allowed (below). The proposal must lie in the search space with a
//     fidelity in 1..12 and an id that no pending trial has (Error naming it otherwise). Its
//     answer and cost come from the session at ask time (mode valid, iepoch = trial.epochs; the
//     seed policy draws in ask order). The trial starts at t + decision_time and occupies its
//     worker for cost × speed_factors[w] simulated seconds (decisions do not queue: asks at the
//     same instant each delay only their own worker).
//   - Complete: the clock jumps to the earliest completion. Every trial completing at that
//     instant is logged (Session::record, with the completion time and worker) and told, in
//     completion order; ties go to the earlier ask. Then the idle workers ask again.
//   - Budget, total_cost: asking is allowed while the summed cost of the trials started so far is
//     below the budget; every started trial completes and counts, so the last ones may overshoot,
//     as in the reference experiments. Budget, wallclock: asking is allowed while t < budget;
//     trials completing at or before the budget count, trials still running then are neither
//     told nor logged (only completed trials count, as in Syne Tune's simulator).
//   - The cost of a trial (observation.cost_seconds, the log's cost and the budget's sum) follows
//     fidelity_cost: restart = training from scratch to trial.epochs; resume = only the epochs
//     after the highest fidelity of the same config completed earlier in this run (0 when that
//     fidelity is already >= trial.epochs; Session QueryOptions::resume_from). Speed factors
//     stretch the wall-clock duration, never the cost.
// workers = 1, total_cost, no decision time is the sequential driver: ask, query, tell while
// total_cost < budget, bit for bit.
// Randomness: the optimizer's engine and the oracle's seed policy draw from two streams derived
// from run_seed (core/rng.hpp), so the same run_seed replays the run bit for bit.

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/core/constants.hpp>
#include <nhb2/core/objectives.hpp>
#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/params.hpp>
#include <nhb2/core/registry.hpp>
#include <nhb2/core/search_space.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace nhb2 {

enum class BudgetKind { total_cost, wallclock };
const char* budget_kind_name(BudgetKind kind);
BudgetKind parse_budget_kind(const std::string& text);  // throws InvalidArgument
// The default of a run with `workers` workers: total_cost for 1, wallclock for more.
BudgetKind default_budget_kind(int workers);

enum class FidelityCost { restart, resume };
const char* fidelity_cost_name(FidelityCost rule);
FidelityCost parse_fidelity_cost(const std::string& text);  // throws InvalidArgument

struct RunSpec {
  double budget_seconds = 20000.0;
  int workers = 1;  // 1 .. kMaxWorkers
  // Entry points (CLI, YAML) fill it with default_budget_kind(workers) when it is not given.
  BudgetKind budget_kind = BudgetKind::total_cost;
  FidelityCost fidelity_cost = FidelityCost::restart;
  std::vector<double> speed_factors;  // empty (every worker 1) or one finite factor > 0 per worker
  double decision_time = 0.0;         // simulated seconds per ask(), finite, >= 0
  std::uint64_t run_seed = 0;
  SeedPolicy seed_policy = SeedPolicy::fixed;
  int seed = 0;  // fixed policy: the recorded seed to use (0: the smallest)
  std::vector<int> report_epochs = {kMaxEpochs, kSurrogateEpoch};
  // The minimised objective whose value of each told config fills Observation::objective_value
  // (benchmark_api/objective_table.hpp: the fixed policy's seed, else the mean over seeds).
  ObjectivePair objectives;
  std::size_t max_queries =
      10'000'000;  // asks at most: a guard against optimizers that never spend budget
};

// The simulation settings (workers, speed_factors, decision_time): throws InvalidArgument naming
// the field, its value and what is allowed. The budget is the entry points' to check.
void check_run_spec(const RunSpec& spec);

enum class StopReason { budget, optimizer_finished, query_limit };
const char* stop_reason_name(StopReason reason);

struct RunOutcome {
  Session session;
  Results results;  // the incumbent's test accuracy at report_epochs
  StopReason stop_reason = StopReason::budget;
  std::size_t discarded = 0;  // trials still running when a wallclock budget ran out
};

// Throws Error when the optimizer proposes an invalid trial (naming it), reuses the id of a
// pending trial, or never completes a query.
RunOutcome run_optimizer(const Benchmark& benchmark, Optimizer& optimizer, const SearchSpace& space,
                         const RunSpec& spec);

// Run number `run` of the optimizer `name` of `registry`: a fresh instance made with `params`
// (resolved against its declaration), then run_optimizer(). Every failure names its source:
// an Error (bad parameters, an invalid trial) is rethrown as
//   Error("optimizer 'NAME' (built-in|plug-in 'PATH') run R: MESSAGE"),
// and so is any other std::exception thrown by a plug-in's code ("... run R: exception: WHAT"),
// which is bad input to nhb2 rather than a bug in it. A built-in's non-Error exception and
// std::bad_alloc propagate unchanged.
RunOutcome run_registered(const Benchmark& benchmark, const Registry& registry,
                          const std::string& name, const ParamAssignments& params,
                          const SearchSpace& space, const RunSpec& spec, int run);

}  // namespace nhb2
