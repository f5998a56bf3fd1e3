#pragma once
// The driver: runs one optimizer against one Session until the budget is spent.
//
// The driver owns the session, the budget and the test split. Each step it asks the optimizer
// for a trial, checks that the proposal lies in the search space with a fidelity in 1..12,
// queries the session (mode valid, iepoch = trial.epochs; the query is logged with its cost)
// and tells the optimizer the validation accuracy and the cost. It queries while
// total_cost < budget, so the last query may overshoot, as in the reference experiments.
// Randomness: the optimizer's engine and the oracle's seed policy draw from two streams derived
// from run_seed (core/rng.hpp), so the same run_seed replays the run bit for bit.

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/core/constants.hpp>
#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/params.hpp>
#include <nhb2/core/registry.hpp>
#include <nhb2/core/search_space.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace nhb2 {

struct RunSpec {
  double budget_seconds = 20000.0;
  std::uint64_t run_seed = 0;
  SeedPolicy seed_policy = SeedPolicy::fixed;
  int seed = 0;  // fixed policy: the recorded seed to use (0: the smallest)
  std::vector<int> report_epochs = {kMaxEpochs, kSurrogateEpoch};
  std::size_t max_queries = 10'000'000;  // a guard against optimizers that never spend budget
};

enum class StopReason { budget, optimizer_finished, query_limit };
const char* stop_reason_name(StopReason reason);

struct RunOutcome {
  Session session;
  Results results;  // the incumbent's test accuracy at report_epochs
  StopReason stop_reason = StopReason::budget;
};

// Throws Error when the optimizer proposes an invalid trial (naming it) or never queries.
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
