#pragma once
// A conformance kit for the optimizer contract (core/optimizer.hpp), for nhb2's built-ins and for
// any outside optimizer. It is framework-agnostic: it returns a report (or throws nhb2::Error from
// require_conformance()), so a project can call it from whatever test framework it uses.
//
// What it does. For every pending count P in options.pending_counts (default 1, 4, 16) it runs
// the optimizer three times, each run with the same schedule:
//   reset(space, make_rng(seed)); then, until `evaluations` trials were asked or finished():
//   ask() while fewer than P trials are in flight; then tell one in-flight trial, chosen uniformly
//   by a shuffle stream derived from (seed, P) alone, so the schedule is the same in every run;
//   when no more asks are due, the remaining in-flight trials are told in the same shuffled way.
// Every Trial is told back exactly as ask() returned it (config, epochs and id) with the
// observation objective(trial) gives. With P = 1 this is the sequential loop of the driver
// (experiments/driver.hpp): ask, evaluate, tell.
// The three runs: A on a fresh optimizer; B on another fresh optimizer (same seed, same
// schedule); C on A's optimizer again after reset() with the same rng.
//
// The checks, by the name a failure carries:
//   reset_succeeds        reset() does not throw (step 0)
//   ask_succeeds          ask() returns (does not throw) whenever the kit asks
//   finished_succeeds     finished() returns (does not throw)
//   trial_in_space        every asked config lies in the search space (space.contains)
//   epochs_in_range       every asked fidelity is in 1..12
//   pending_ids_distinct  no two trials in flight at once carry the same id
//   tell_accepted         tell() accepts every trial, in whatever order it comes back
//   finished_stays_true   once finished() is true (the kit then stops asking), it stays true
//                         while the trials still in flight are told
//   same_seed_same_trials run B asks exactly the trials of run A (configs, epochs and ids)
//   reset_starts_fresh    run C asks exactly the trials of run A: reset() leaves nothing over
// A run stops at its first failure (reset_succeeds .. finished_stays_true); the comparisons are
// made only between runs that completed. Every failure names the check, the optimizer, the pending
// count and the step: the 1-based index of the ask() or tell() call in its run (asks and tells
// counted together) at which the check failed, or the first ask that differs.
// "Keeps working" means: `evaluations` asks (unless the optimizer finishes first) with every
// pending count, without a failure. An optimizer that never returns from ask() hangs the kit;
// it cannot be detected from inside the process.
//
// Observations come from a callable objective, which must be deterministic (the same trial gives
// the same observation; an exception it throws is not caught), or from a Benchmark: valid accuracy
// after trial.epochs epochs and its cost, from a Session with the fixed seed policy, as the driver
// queries.

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/core/optimizer.hpp>
#include <nhb2/core/search_space.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nhb2 {

struct ConformanceOptions {
  std::vector<int> pending_counts = {1, 4, 16};
  int evaluations = 300;  // asks per run, unless the optimizer finishes first
  std::uint64_t seed = 1;
  SearchSpace space;  // the whole space by default
};

struct ConformanceFailure {
  std::string check;  // one of the names listed above
  std::string optimizer;
  int pending = 0;
  int step = 0;        // 1-based ask/tell call index in the run
  std::string detail;  // what was wrong, with the values involved

  // "conformance check 'trial_in_space' failed for bohb with 4 pending trials at step 37: ..."
  std::string message() const;
};

struct ConformanceReport {
  std::string optimizer;
  std::vector<ConformanceFailure> failures;
  int runs = 0;         // runs started (3 per pending count)
  long long asks = 0;   // over all runs
  long long tells = 0;  // over all runs

  bool passed() const { return failures.empty(); }
  // One line per failure, or "<optimizer>: all conformance checks passed (...)".
  std::string summary() const;
};

using OptimizerFactory = std::function<std::unique_ptr<Optimizer>()>;
using Objective = std::function<Observation(const Trial&)>;

// Runs every check on optimizers made by `make` (called once per fresh run, so twice per pending
// count); `name` labels the report and the messages. Throws InvalidArgument for evaluations < 1 or
// a pending count < 1, and Error when `make` returns null; a failing check never throws.
ConformanceReport check_conformance(const std::string& name, const OptimizerFactory& make,
                                    const Objective& objective,
                                    const ConformanceOptions& options = {});
// The same, with observations from `benchmark` (mode valid, iepoch = trial.epochs, fixed seed).
ConformanceReport check_conformance(const std::string& name, const OptimizerFactory& make,
                                    const Benchmark& benchmark,
                                    const ConformanceOptions& options = {});

// check_conformance(), then throws Error with the report's summary when a check failed.
void require_conformance(const std::string& name, const OptimizerFactory& make,
                         const Benchmark& benchmark, const ConformanceOptions& options = {});

}  // namespace nhb2
