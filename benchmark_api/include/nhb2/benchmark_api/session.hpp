#pragma once
// One optimisation run against a Benchmark: the query log, the incumbent and the results,
// with the semantics of the reference API (README, "The search space and the query semantics").
//
// query(config, {epoch, mode, iepoch, seed}) → {accuracy, cost}
//   epoch ∈ {12, 200}; mode ∈ {train, valid, test}; iepoch ∈ 1..12 and only with epoch 12
//   (0 means "= epoch"); seed = a recorded seed for this query only (0 means the session's).
//   Epoch 12: every query appends one LogRecord to log(): the config, its fidelity, accuracy,
//   cost, the running total cost and the simulated wall clock at completion (a plain query runs
//   on worker 0 with nothing in parallel, so its wallclock equals its total_cost); the incumbent is
//   replaced when there is none yet or best_acc < acc (strict), and the record holds the incumbent
//   after that query. The reference API's parallel lists (acc_trans, key_trans, total_cost_trans,
//   best_acc_trans, best_key_trans, ...) are views derived from log(), built on each call. Epoch
//   200: accuracy = avg_acc_200 whatever the mode; no cost; not logged. Invalid arguments throw
//   InvalidArgument naming the value and the allowed ones; nothing is logged for them.
// Seed policy: fixed (default: the session's seed, initially the smallest recorded one),
//   mean (accuracy and cost are means over all recorded seeds), or sampled (a seed drawn per
//   query from the session's own random stream).
// resume_from (cost of a continued training): with resume_from = j > 0 a query at iepoch k costs
//   only the epochs after j: cost(k) − cost(j) per seed (both at the query's seed; the mean
//   policy averages the per-seed differences), clamped at 0, and 0 when k <= j (the checkpoint
//   already holds that fidelity). The accuracy is the one at k as always.
// record(): logs a result answered earlier by evaluate() (the driver's parallel workers): the
//   same bookkeeping as query(), with the wall clock and worker the caller simulated.
// Deviation from the reference: there, passing seed= to a query changes the seed for all later
// queries; here it applies to that query only (set_seed() changes it for good).

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/core/config.hpp>
#include <nhb2/core/constants.hpp>
#include <nhb2/core/rng.hpp>

#include <optional>
#include <string>
#include <vector>

namespace nhb2 {

enum class SeedPolicy { fixed = 0, mean = 1, sampled = 2 };
const char* seed_policy_name(SeedPolicy policy);
SeedPolicy parse_seed_policy(const std::string& text);

struct QueryOptions {
  int epoch = kMaxEpochs;
  Mode mode = Mode::valid;
  int iepoch = 0;       // 0: the same as epoch
  int seed = 0;         // 0: the session's seed (policy fixed only)
  int resume_from = 0;  // > 0: a fidelity already trained; cost only the epochs after it (epoch 12)
};

struct QueryResult {
  double accuracy = 0.0;
  std::optional<double> cost;  // none for epoch 200
};

struct SessionOptions {
  SeedPolicy seed_policy = SeedPolicy::fixed;
  int seed = 0;                // 0: the smallest recorded seed
  std::uint64_t rng_seed = 0;  // the stream of the sampled policy
};

// One logged (epoch 12) query, as the reference API's *_trans lists hold it.
// The fields are ordered so that a record fills exactly one 64-byte cache line.
struct LogRecord {
  Config key;               // the queried config
  int epochs = 12;          // its fidelity (iepoch)
  int worker = 0;           // the simulated worker that ran it
  double acc = 0.0;         // the accuracy answered, in the query's mode
  double cost = 0.0;        // the seconds it cost
  double total_cost = 0.0;  // the run's summed cost after it
  double best_acc = 0.0;    // the incumbent's accuracy after it
  double wallclock = 0.0;   // simulated wall-clock seconds at its completion
  Config best_key;          // the incumbent after it
};

struct Results {
  std::vector<int> epochs;
  std::vector<double> final_accs;  // the incumbent's accuracy at each epoch
};

class Session {
 public:
  explicit Session(const Benchmark& benchmark, SessionOptions options = {});

  // Logged (epoch 12) query. Throws InvalidArgument for bad options. Inline: a full-fidelity
  // query at the session's seed (the common case; with the default options the compiler folds
  // the test away) computes its table row once and logs it; anything else takes query_general.
  QueryResult query(const Config& config, const QueryOptions& options = {}) {
    if (options.epoch == kMaxEpochs && options.iepoch == 0 && options.seed == 0 &&
        options.resume_from == 0 && options_.seed_policy == SeedPolicy::fixed &&
        static_cast<unsigned>(options.mode) <= static_cast<unsigned>(Mode::test)) {
      double accuracy = 0.0;
      double cost = 0.0;
      benchmark_.full_fidelity(config, options.mode, seed_index_, accuracy, cost);
      record(config, kEpochsPerRun, accuracy, cost, total_cost_ + cost, 0);
      return QueryResult{accuracy, cost};
    }
    return query_general(config, options);
  }
  // Logs a result of evaluate(config, {iepoch = epochs}) as if queried now: adds `cost` to the
  // total cost, updates the incumbent and appends a LogRecord with `wallclock` and `worker`.
  void record(const Config& config, int epochs, double acc, double cost, double wallclock,
              int worker) {
    total_cost_ += cost;
    if (!best_key_ || best_acc_ < acc) {
      best_acc_ = acc;
      best_cost_ = cost;
      best_key_ = config;
    }
    log_.push_back(LogRecord{config, epochs, worker, acc, cost, total_cost_, best_acc_, wallclock,
                             *best_key_});
  }
  // The same answer, never logged (and, for policy sampled, drawing from the stream all the same).
  QueryResult evaluate(const Config& config, const QueryOptions& options = {});

  // The incumbent's accuracy at each epoch in `mode`, not logged. Throws Error when nothing was
  // queried yet.
  Results results(const std::vector<int>& epochs = {kMaxEpochs, kSurrogateEpoch},
                  Mode mode = Mode::test);

  void set_seed(int seed);  // throws InvalidArgument for an unrecorded seed
  int seed() const { return benchmark_.seeds()[seed_index_]; }
  SeedPolicy seed_policy() const { return options_.seed_policy; }
  // Clears the log and the incumbent; the seed and the random stream carry on.
  void reset();

  const Benchmark& benchmark() const { return benchmark_; }
  std::size_t num_queries() const { return log_.size(); }
  double total_cost() const { return total_cost_; }
  bool has_incumbent() const { return best_key_.has_value(); }
  double best_acc() const { return best_acc_; }
  double best_cost() const { return best_cost_; }
  const std::optional<Config>& best_key() const { return best_key_; }

  // Every logged query, in order. Loop over this; the views below copy.
  const std::vector<LogRecord>& log() const { return log_; }

  // The reference API's names, one field of log() each (a new vector per call).
  std::vector<double> acc_trans() const;
  std::vector<Config> key_trans() const;
  std::vector<int> epochs_trans() const;
  std::vector<double> cost_trans() const;
  std::vector<double> total_cost_trans() const;
  std::vector<double> best_acc_trans() const;
  std::vector<Config> best_key_trans() const;

 private:
  QueryResult query_general(const Config& config, const QueryOptions& options);
  void check(const QueryOptions& options) const;
  QueryResult answer(const Config& config, const QueryOptions& options);

  Benchmark benchmark_;
  SessionOptions options_;
  int seed_index_ = 0;
  Rng rng_;

  double total_cost_ = 0.0;
  double best_acc_ = -1.0;
  double best_cost_ = 0.0;
  std::optional<Config> best_key_;
  std::vector<LogRecord> log_;
};

}  // namespace nhb2
