#include <nhb2/experiments/driver.hpp>

#include <nhb2/core/constants.hpp>
#include <nhb2/core/error.hpp>

namespace nhb2 {

const char* stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::budget:
      return "budget";
    case StopReason::optimizer_finished:
      return "optimizer_finished";
    case StopReason::query_limit:
      return "query_limit";
  }
  return "?";
}

RunOutcome run_optimizer(const Benchmark& benchmark, Optimizer& optimizer, const SearchSpace& space,
                         const RunSpec& spec) {
  SessionOptions session_options;
  session_options.seed_policy = spec.seed_policy;
  session_options.seed = spec.seed;
  session_options.rng_seed = stream_seed(spec.run_seed, Stream::oracle);
  RunOutcome outcome{Session(benchmark, session_options), Results{}, StopReason::budget};
  Session& session = outcome.session;

  optimizer.reset(space, make_rng(stream_seed(spec.run_seed, Stream::optimizer)));
  while (session.total_cost() < spec.budget_seconds) {
    if (optimizer.finished()) {
      outcome.stop_reason = StopReason::optimizer_finished;
      break;
    }
    if (session.num_queries() >= spec.max_queries) {
      outcome.stop_reason = StopReason::query_limit;
      break;
    }
    const Trial trial = optimizer.ask();
    if (!space.contains(trial.config) || trial.epochs < 1 || trial.epochs > kMaxEpochs) {
      throw Error("the optimizer proposed an invalid trial: " + describe(trial.config) + " at " +
                  std::to_string(trial.epochs) +
                  " epochs (allowed: a config of the search space, epochs 1.." +
                  std::to_string(kMaxEpochs) + ")");
    }
    QueryOptions query;
    query.iepoch = trial.epochs;
    const QueryResult result = session.query(trial.config, query);
    optimizer.tell(trial, Observation{result.accuracy, *result.cost});
  }
  if (!session.has_incumbent()) {
    throw Error("the run made no query (budget " + std::to_string(spec.budget_seconds) + " s)");
  }
  outcome.results = session.results(spec.report_epochs, Mode::test);
  return outcome;
}

RunOutcome run_registered(const Benchmark& benchmark, const Registry& registry,
                          const std::string& name, const ParamAssignments& params,
                          const SearchSpace& space, const RunSpec& spec, int run) {
  const std::string context = "optimizer '" + name + "' (" + registry.describe_origin(name) +
                              ") run " + std::to_string(run) + ": ";
  try {
    std::unique_ptr<Optimizer> optimizer = registry.create(name, params);
    return run_optimizer(benchmark, *optimizer, space, spec);
  } catch (const Error& e) {
    throw Error(context + e.what());
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    if (registry.origin(name).empty()) throw;
    throw Error(context + "exception: " + e.what());
  } catch (...) {
    if (registry.origin(name).empty()) throw;
    throw Error(context + "an exception that is not a std::exception");
  }
}

}  // namespace nhb2
