#include <nhb2/benchmark_api/session.hpp>

#include <nhb2/core/error.hpp>

#include <algorithm>
#include <type_traits>

namespace nhb2 {

const char* seed_policy_name(SeedPolicy policy) {
  switch (policy) {
    case SeedPolicy::fixed:
      return "fixed";
    case SeedPolicy::mean:
      return "mean";
    case SeedPolicy::sampled:
      return "sampled";
  }
  return "?";
}

SeedPolicy parse_seed_policy(const std::string& text) {
  if (text == "fixed") return SeedPolicy::fixed;
  if (text == "mean") return SeedPolicy::mean;
  if (text == "sampled") return SeedPolicy::sampled;
  throw InvalidArgument("seed policy '" + text + "' is not allowed; allowed: fixed, mean, sampled");
}

Session::Session(const Benchmark& benchmark, SessionOptions options)
    : benchmark_(benchmark), options_(options), rng_(options.rng_seed) {
  const auto& seeds = benchmark_.seeds();
  seed_index_ = static_cast<int>(std::min_element(seeds.begin(), seeds.end()) - seeds.begin());
  if (options_.seed != 0) seed_index_ = benchmark_.seed_index(options_.seed);
}

void Session::set_seed(int seed) {
  seed_index_ = benchmark_.seed_index(seed);
}

void Session::check(const QueryOptions& options) const {
  // The hot path of every query: messages are built only on failure.
  const auto full = [] { return std::to_string(kMaxEpochs); };
  const auto surrogate = [] { return std::to_string(kSurrogateEpoch); };
  if (options.epoch != kMaxEpochs && options.epoch != kSurrogateEpoch) {
    throw InvalidArgument("epoch " + std::to_string(options.epoch) +
                          " is not available; allowed: " + full() + ", " + surrogate());
  }
  if (options.epoch == kSurrogateEpoch && options.iepoch != 0) {
    throw InvalidArgument("iepoch " + std::to_string(options.iepoch) +
                          " is not available with epoch " + surrogate() +
                          "; iepoch is allowed only with epoch " + full());
  }
  if (options.epoch == kMaxEpochs && options.iepoch != 0 &&
      (options.iepoch < 1 || options.iepoch > kMaxEpochs)) {
    throw InvalidArgument("iepoch " + std::to_string(options.iepoch) +
                          " is out of range; allowed: 1.." + full());
  }
  if (options.resume_from != 0 && (options.epoch != kMaxEpochs || options.resume_from < 1 ||
                                   options.resume_from > kMaxEpochs)) {
    throw InvalidArgument("resume_from " + std::to_string(options.resume_from) +
                          " is not allowed; allowed: 0 (none) or 1.." + full() + " with epoch " +
                          full());
  }
  if (options.seed != 0) {
    benchmark_.seed_index(options.seed);  // throws for an unrecorded seed
    if (options_.seed_policy != SeedPolicy::fixed) {
      throw InvalidArgument("a query seed needs seed policy fixed; this session's policy is " +
                            std::string(seed_policy_name(options_.seed_policy)));
    }
  }
}

QueryResult Session::answer(const Config& config, const QueryOptions& options) {
  if (options.epoch == kSurrogateEpoch)
    return QueryResult{benchmark_.avg_acc_200(config), std::nullopt};
  const int iepoch = options.iepoch == 0 ? kEpochsPerRun : options.iepoch;
  const int from = options.resume_from;
  // The cost of training to iepoch at seed s, or only its epochs after `from` (see the header).
  const auto cost_at = [&](int s) {
    const double full = benchmark_.cost(config, options.mode, iepoch, s);
    if (from == 0) return full;
    if (iepoch <= from) return 0.0;
    return std::max(0.0, full - benchmark_.cost(config, options.mode, from, s));
  };
  switch (options_.seed_policy) {
    case SeedPolicy::fixed: {
      const int s = options.seed != 0 ? benchmark_.seed_index(options.seed) : seed_index_;
      return QueryResult{benchmark_.accuracy(config, options.mode, iepoch, s), cost_at(s)};
    }
    case SeedPolicy::sampled: {
      const int s = uniform_index(rng_, benchmark_.table().num_seeds());
      return QueryResult{benchmark_.accuracy(config, options.mode, iepoch, s), cost_at(s)};
    }
    case SeedPolicy::mean: {
      const int n = benchmark_.table().num_seeds();
      double accuracy = 0.0;
      double cost = 0.0;
      for (int s = 0; s < n; ++s) {
        accuracy += benchmark_.accuracy(config, options.mode, iepoch, s);
        cost += cost_at(s);
      }
      return QueryResult{accuracy / n, cost / n};
    }
  }
  return {};
}

QueryResult Session::evaluate(const Config& config, const QueryOptions& options) {
  check(options);
  return answer(config, options);
}

QueryResult Session::query_general(const Config& config, const QueryOptions& options) {
  check(options);
  const QueryResult result = answer(config, options);
  if (options.epoch != kMaxEpochs) return result;
  // One worker, nothing in parallel: the wall clock is the total cost.
  record(config, options.iepoch == 0 ? kEpochsPerRun : options.iepoch, result.accuracy,
         *result.cost, total_cost_ + *result.cost, 0);
  return result;
}

namespace {

// One field of every record, in log order.
template <typename Field>
auto field_view(const std::vector<LogRecord>& log, Field field) {
  std::vector<std::decay_t<decltype(log.front().*field)>> values;
  values.reserve(log.size());
  for (const LogRecord& record : log) values.push_back(record.*field);
  return values;
}

}  // namespace

std::vector<double> Session::acc_trans() const {
  return field_view(log_, &LogRecord::acc);
}
std::vector<Config> Session::key_trans() const {
  return field_view(log_, &LogRecord::key);
}
std::vector<int> Session::epochs_trans() const {
  return field_view(log_, &LogRecord::epochs);
}
std::vector<double> Session::cost_trans() const {
  return field_view(log_, &LogRecord::cost);
}
std::vector<double> Session::total_cost_trans() const {
  return field_view(log_, &LogRecord::total_cost);
}
std::vector<double> Session::best_acc_trans() const {
  return field_view(log_, &LogRecord::best_acc);
}
std::vector<Config> Session::best_key_trans() const {
  return field_view(log_, &LogRecord::best_key);
}

Results Session::results(const std::vector<int>& epochs, Mode mode) {
  if (!best_key_) throw Error("no results: the session has not queried anything yet");
  Results results;
  for (int epoch : epochs) {
    QueryOptions options;
    options.epoch = epoch;
    options.mode = mode;
    results.epochs.push_back(epoch);
    results.final_accs.push_back(evaluate(*best_key_, options).accuracy);
  }
  return results;
}

void Session::reset() {
  total_cost_ = 0.0;
  best_acc_ = -1.0;
  best_cost_ = 0.0;
  best_key_.reset();
  log_.clear();
}

}  // namespace nhb2
