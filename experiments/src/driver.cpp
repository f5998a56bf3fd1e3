#include <nhb2/experiments/driver.hpp>

#include <nhb2/benchmark_api/objective_table.hpp>
#include <nhb2/core/constants.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/format.hpp>

#include <algorithm>
#include <cmath>
#include <queue>
#include <unordered_map>

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

const char* budget_kind_name(BudgetKind kind) {
  return kind == BudgetKind::wallclock ? "wallclock" : "total_cost";
}

BudgetKind parse_budget_kind(const std::string& text) {
  if (text == "total_cost") return BudgetKind::total_cost;
  if (text == "wallclock") return BudgetKind::wallclock;
  throw InvalidArgument("budget kind '" + text +
                        "' is not allowed; allowed: total_cost, wallclock");
}

BudgetKind default_budget_kind(int workers) {
  return workers > 1 ? BudgetKind::wallclock : BudgetKind::total_cost;
}

const char* fidelity_cost_name(FidelityCost rule) {
  return rule == FidelityCost::resume ? "resume" : "restart";
}

FidelityCost parse_fidelity_cost(const std::string& text) {
  if (text == "restart") return FidelityCost::restart;
  if (text == "resume") return FidelityCost::resume;
  throw InvalidArgument("fidelity cost '" + text + "' is not allowed; allowed: restart, resume");
}

void check_run_spec(const RunSpec& spec) {
  if (spec.workers < 1 || spec.workers > kMaxWorkers) {
    throw InvalidArgument("workers " + std::to_string(spec.workers) + " must be in [1, " +
                          std::to_string(kMaxWorkers) + "]");
  }
  if (!spec.speed_factors.empty()) {
    if (spec.speed_factors.size() != static_cast<std::size_t>(spec.workers)) {
      throw InvalidArgument("speed_factors has " + std::to_string(spec.speed_factors.size()) +
                            " values; give one per worker (" + std::to_string(spec.workers) +
                            ") or none");
    }
    for (double factor : spec.speed_factors) {
      if (!(factor > 0.0) || !std::isfinite(factor)) {
        throw InvalidArgument("speed factor " + format_double(factor) +
                              " must be a finite number > 0");
      }
    }
  }
  if (!(spec.decision_time >= 0.0) || spec.decision_time > kMaxBudgetSeconds) {
    throw InvalidArgument("decision_time " + format_double(spec.decision_time) +
                          " must be a number of seconds in [0, " +
                          format_readable(kMaxBudgetSeconds) + "]");
  }
}

namespace {

// A trial occupying a worker, answered at ask time.
struct RunningTrial {
  Trial trial;
  double finish = 0.0;      // simulated wall clock at completion
  std::uint64_t order = 0;  // ask sequence number: the earlier ask completes first on ties
  int worker = 0;
  double valid_acc = 0.0;
  double cost = 0.0;
};

struct CompletesLater {
  bool operator()(const RunningTrial& a, const RunningTrial& b) const {
    if (a.finish != b.finish) return a.finish > b.finish;
    return a.order > b.order;
  }
};

// The seed whose objective values the observations carry: the fixed policy's, else the mean.
int objective_seed(const Benchmark& benchmark, const Session& session) {
  if (session.seed_policy() != SeedPolicy::fixed) return kMeanOverSeeds;
  return benchmark.seed_index(session.seed());
}

}  // namespace

RunOutcome run_optimizer(const Benchmark& benchmark, Optimizer& optimizer, const SearchSpace& space,
                         const RunSpec& spec) {
  check_run_spec(spec);
  SessionOptions session_options;
  session_options.seed_policy = spec.seed_policy;
  session_options.seed = spec.seed;
  session_options.rng_seed = stream_seed(spec.run_seed, Stream::oracle);
  RunOutcome outcome{Session(benchmark, session_options), Results{}, StopReason::budget};
  Session& session = outcome.session;
  const bool wallclock = spec.budget_kind == BudgetKind::wallclock;
  const bool resume = spec.fidelity_cost == FidelityCost::resume;

  std::priority_queue<RunningTrial, std::vector<RunningTrial>, CompletesLater> running;
  // Ids of the trials in flight: at most `workers` of them, so a plain vector searched linearly
  // is cheaper than a hash set on this per-trial path.
  std::vector<std::uint64_t> pending_ids;
  std::unordered_map<int, int> trained;  // config index → highest completed fidelity (resume)
  std::vector<int> idle(static_cast<std::size_t>(spec.workers));
  for (int w = 0; w < spec.workers; ++w) idle[static_cast<std::size_t>(w)] = w;
  double now = 0.0;
  double started_cost = 0.0;  // summed cost of every trial started
  std::uint64_t asks = 0;
  bool asking = true;

  const int objective_seed_index = objective_seed(benchmark, session);
  optimizer.reset(space, make_rng(stream_seed(spec.run_seed, Stream::optimizer)));
  while (true) {
    std::sort(idle.begin(), idle.end());
    std::size_t used = 0;
    while (asking && used < idle.size()) {
      if (!((wallclock ? now : started_cost) < spec.budget_seconds)) {
        asking = false;
        break;
      }
      if (optimizer.finished()) {
        outcome.stop_reason = StopReason::optimizer_finished;
        asking = false;
        break;
      }
      if (asks >= spec.max_queries) {
        outcome.stop_reason = StopReason::query_limit;
        asking = false;
        break;
      }
      const Trial trial = optimizer.ask();
      if (!space.contains(trial.config) || trial.epochs < 1 || trial.epochs > kMaxEpochs) {
        throw Error("the optimizer proposed an invalid trial: " + describe(trial.config) + " at " +
                    std::to_string(trial.epochs) +
                    " epochs (allowed: a config of the search space, epochs 1.." +
                    std::to_string(kMaxEpochs) + ")");
      }
      if (std::find(pending_ids.begin(), pending_ids.end(), trial.id) != pending_ids.end()) {
        throw Error("the optimizer returned trial id " + std::to_string(trial.id) + " (" +
                    describe(trial.config) + " at " + std::to_string(trial.epochs) +
                    " epochs), but a pending trial (asked, not yet told) already has that id; "
                    "the ids of pending trials must differ");
      }
      pending_ids.push_back(trial.id);
      QueryOptions query;
      query.iepoch = trial.epochs;
      if (resume) {
        const auto it = trained.find(trial.config.index());
        if (it != trained.end()) query.resume_from = it->second;
      }
      const QueryResult result = session.evaluate(trial.config, query);
      const double cost = *result.cost;
      started_cost += cost;
      const int worker = idle[used++];
      const double factor =
          spec.speed_factors.empty() ? 1.0 : spec.speed_factors[static_cast<std::size_t>(worker)];
      const double finish = now + spec.decision_time + cost * factor;
      running.push(RunningTrial{trial, finish, asks++, worker, result.accuracy, cost});
    }
    idle.erase(idle.begin(), idle.begin() + static_cast<std::ptrdiff_t>(used));
    if (running.empty()) break;
    const double next = running.top().finish;
    if (wallclock && next > spec.budget_seconds) {
      outcome.discarded = running.size();
      break;
    }
    now = next;
    while (!running.empty() && running.top().finish == now) {
      const RunningTrial done = running.top();
      running.pop();
      pending_ids.erase(std::find(pending_ids.begin(), pending_ids.end(), done.trial.id));
      if (resume) {
        int& fidelity = trained[done.trial.config.index()];
        fidelity = std::max(fidelity, done.trial.epochs);
      }
      session.record(done.trial.config, done.trial.epochs, done.valid_acc, done.cost, now,
                     done.worker);
      optimizer.tell(done.trial,
                     Observation{done.valid_acc, done.cost,
                                 objective_value(benchmark, spec.objectives.minimised,
                                                 done.trial.config, objective_seed_index)});
      idle.push_back(done.worker);
    }
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
