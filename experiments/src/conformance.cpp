#include <nhb2/experiments/conformance.hpp>

#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/core/config.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/rng.hpp>

#include <algorithm>
#include <exception>
#include <optional>
#include <sstream>
#include <utility>

namespace nhb2 {

namespace {

// Keeps the shuffle stream apart from the optimizer's stream of the same seed.
constexpr std::uint64_t kShuffleStreamSalt = 0x636f6e666f726dULL;

std::string describe_trial(const Trial& trial) {
  return describe(trial.config) + " at " + std::to_string(trial.epochs) + " epochs, id " +
         std::to_string(trial.id);
}

bool same_trial(const Trial& a, const Trial& b) {
  return a.config == b.config && a.epochs == b.epochs && a.id == b.id;
}

struct RunLog {
  std::vector<Trial> asked;    // in ask order
  std::vector<int> ask_steps;  // the step of each ask
  bool completed = false;      // no failure stopped the run
};

// Calls `call`; nullopt when it returns, else what it threw (any exception, as text).
template <typename Call>
std::optional<std::string> thrown_by(Call&& call) {
  try {
    call();
    return std::nullopt;
  } catch (const std::exception& error) {
    return std::string(error.what());
  } catch (...) {
    return std::string("an exception that is not a std::exception");
  }
}

class Runner {
 public:
  Runner(std::string name, const Objective& objective, const ConformanceOptions& options,
         ConformanceReport& report)
      : name_(std::move(name)), objective_(objective), options_(options), report_(report) {}

  RunLog run(Optimizer& optimizer, int pending) {
    ++report_.runs;
    RunLog log;
    if (const auto thrown =
            thrown_by([&] { optimizer.reset(options_.space, make_rng(options_.seed)); })) {
      fail("reset_succeeds", pending, 0, "reset() threw: " + *thrown);
      return log;
    }
    Rng shuffle(
        splitmix64(options_.seed ^ kShuffleStreamSalt, static_cast<std::uint64_t>(pending)));
    std::vector<Trial> in_flight;
    int step = 0;
    int asks = 0;
    bool finished = false;
    for (;;) {
      while (!finished && static_cast<int>(in_flight.size()) < pending &&
             asks < options_.evaluations) {
        if (const auto thrown = thrown_by([&] { finished = optimizer.finished(); })) {
          fail("finished_succeeds", pending, step, "finished() threw: " + *thrown);
          return log;
        }
        if (finished) break;
        ++step;
        std::optional<Trial> trial;
        if (const auto thrown = thrown_by([&] { trial = optimizer.ask(); })) {
          fail("ask_succeeds", pending, step, "ask() threw: " + *thrown);
          return log;
        }
        ++asks;
        ++report_.asks;
        log.asked.push_back(*trial);
        log.ask_steps.push_back(step);
        if (!options_.space.contains(trial->config)) {
          fail("trial_in_space", pending, step,
               "ask() returned " + describe_trial(*trial) + ", outside the search space");
          return log;
        }
        if (trial->epochs < 1 || trial->epochs > kMaxEpochs) {
          fail("epochs_in_range", pending, step,
               "ask() returned " + describe_trial(*trial) + "; allowed epochs: 1.." +
                   std::to_string(kMaxEpochs));
          return log;
        }
        const auto same_id = std::find_if(in_flight.begin(), in_flight.end(),
                                          [&](const Trial& t) { return t.id == trial->id; });
        if (same_id != in_flight.end()) {
          fail("pending_ids_distinct", pending, step,
               "ask() returned " + describe_trial(*trial) + " while " + describe_trial(*same_id) +
                   " is still in flight");
          return log;
        }
        in_flight.push_back(*trial);
      }
      if (in_flight.empty()) break;

      const int chosen = uniform_index(shuffle, static_cast<int>(in_flight.size()));
      const Trial trial = in_flight[static_cast<std::size_t>(chosen)];
      in_flight.erase(in_flight.begin() + chosen);
      const Observation observation = objective_(trial);
      ++step;
      if (const auto thrown = thrown_by([&] { optimizer.tell(trial, observation); })) {
        fail("tell_accepted", pending, step,
             "tell(" + describe_trial(trial) + ") threw: " + *thrown);
        return log;
      }
      ++report_.tells;
      bool still_finished = true;
      if (const auto thrown = thrown_by([&] { still_finished = optimizer.finished(); })) {
        fail("finished_succeeds", pending, step, "finished() threw: " + *thrown);
        return log;
      }
      if (finished && !still_finished) {
        fail("finished_stays_true", pending, step,
             "finished() was true, then false after tell(" + describe_trial(trial) + ")");
        return log;
      }
    }
    log.completed = true;
    return log;
  }

  void compare(const RunLog& expected, const RunLog& actual, const char* check, int pending,
               const std::string& what) {
    if (!expected.completed || !actual.completed) return;
    const std::size_t n = std::min(expected.asked.size(), actual.asked.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (!same_trial(expected.asked[i], actual.asked[i])) {
        fail(check, pending, actual.ask_steps[i],
             what + ": ask " + std::to_string(i + 1) + " returned " +
                 describe_trial(actual.asked[i]) + " instead of " +
                 describe_trial(expected.asked[i]));
        return;
      }
    }
    if (expected.asked.size() != actual.asked.size()) {
      const int step = n < actual.ask_steps.size()     ? actual.ask_steps[n]
                       : n < expected.ask_steps.size() ? expected.ask_steps[n]
                                                       : 0;
      fail(check, pending, step,
           what + ": " + std::to_string(actual.asked.size()) + " asks instead of " +
               std::to_string(expected.asked.size()));
    }
  }

 private:
  void fail(const std::string& check, int pending, int step, const std::string& detail) {
    report_.failures.push_back(ConformanceFailure{check, name_, pending, step, detail});
  }

  std::string name_;
  const Objective& objective_;
  const ConformanceOptions& options_;
  ConformanceReport& report_;
};

}  // namespace

std::string ConformanceFailure::message() const {
  return "conformance check '" + check + "' failed for " + optimizer + " with " +
         std::to_string(pending) + " pending trial" + (pending == 1 ? "" : "s") + " at step " +
         std::to_string(step) + ": " + detail;
}

std::string ConformanceReport::summary() const {
  std::ostringstream text;
  if (passed()) {
    text << optimizer << ": all conformance checks passed (" << runs << " runs, " << asks
         << " asks, " << tells << " tells)";
    return text.str();
  }
  text << optimizer << ": " << failures.size() << " conformance check"
       << (failures.size() == 1 ? "" : "s") << " failed";
  for (const ConformanceFailure& failure : failures) text << "\n  " << failure.message();
  return text.str();
}

ConformanceReport check_conformance(const std::string& name, const OptimizerFactory& make,
                                    const Objective& objective, const ConformanceOptions& options) {
  if (options.evaluations < 1) {
    throw InvalidArgument("conformance: evaluations " + std::to_string(options.evaluations) +
                          " is not allowed; allowed: integer >= 1");
  }
  for (int pending : options.pending_counts) {
    if (pending < 1) {
      throw InvalidArgument("conformance: pending count " + std::to_string(pending) +
                            " is not allowed; allowed: integer >= 1");
    }
  }
  ConformanceReport report;
  report.optimizer = name;
  Runner runner(name, objective, options, report);
  for (int pending : options.pending_counts) {
    std::unique_ptr<Optimizer> first = make();
    std::unique_ptr<Optimizer> second = make();
    if (!first || !second) throw Error("conformance: the factory of " + name + " returned null");
    const RunLog a = runner.run(*first, pending);
    const RunLog b = runner.run(*second, pending);
    runner.compare(a, b, "same_seed_same_trials", pending,
                   "a fresh optimizer with the same seed and schedule");
    const RunLog c = runner.run(*first, pending);
    runner.compare(a, c, "reset_starts_fresh", pending,
                   "the same optimizer after reset() with the same rng");
  }
  return report;
}

ConformanceReport check_conformance(const std::string& name, const OptimizerFactory& make,
                                    const Benchmark& benchmark, const ConformanceOptions& options) {
  // evaluate() answers exactly as the driver's query() does, without growing a log.
  auto session = std::make_shared<Session>(benchmark);
  const Objective objective = [session](const Trial& trial) {
    QueryOptions query;
    query.iepoch = trial.epochs;
    const QueryResult result = session->evaluate(trial.config, query);
    return Observation{result.accuracy, *result.cost};
  };
  return check_conformance(name, make, objective, options);
}

void require_conformance(const std::string& name, const OptimizerFactory& make,
                         const Benchmark& benchmark, const ConformanceOptions& options) {
  const ConformanceReport report = check_conformance(name, make, benchmark, options);
  if (!report.passed()) throw Error(report.summary());
}

}  // namespace nhb2
