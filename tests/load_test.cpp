// Load test: N threads query one shared Benchmark, each through its own Sessions, for a bounded
// time (2 s; NHB2_LOAD_SECONDS overrides, e.g. 10 for the full run), and every answer must equal
// the single-threaded answer to the same query. Run under ThreadSanitizer by scripts/test-tsan.sh.
//
// Each thread has a fixed plan (seed policy and a list of queries) whose answers are computed
// single-threaded first; the thread then replays the plan in a fresh Session again and again
// until the time is up, so the sampled policy's stream restarts identically on every pass.

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/core/config.hpp>
#include <nhb2/core/error.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kThreads = 8;
constexpr int kQueriesPerPlan = 2000;

struct PlannedQuery {
  nhb2::Config config;
  nhb2::QueryOptions options;
  bool logged = true;  // query() or evaluate()
};

struct Answer {
  bool refused = false;  // InvalidArgument
  double accuracy = 0.0;
  std::optional<double> cost;

  bool operator==(const Answer& other) const {
    return refused == other.refused && accuracy == other.accuracy && cost == other.cost;
  }
};

struct PassSummary {
  std::vector<Answer> answers;
  double total_cost = 0.0;
  std::size_t num_queries = 0;
  std::vector<double> final_accs;
};

struct Plan {
  nhb2::SessionOptions session;
  std::vector<PlannedQuery> queries;
};

Plan make_plan(int thread, const nhb2::Benchmark& benchmark) {
  Plan plan;
  std::mt19937_64 random(1000 + thread);
  const auto& seeds = benchmark.seeds();
  switch (thread % 4) {
    case 0:
      plan.session.seed_policy = nhb2::SeedPolicy::fixed;
      break;
    case 1:
      plan.session.seed_policy = nhb2::SeedPolicy::fixed;
      plan.session.seed = seeds.back();
      break;
    case 2:
      plan.session.seed_policy = nhb2::SeedPolicy::mean;
      break;
    case 3:
      plan.session.seed_policy = nhb2::SeedPolicy::sampled;
      plan.session.rng_seed = 77 + thread;
      break;
  }
  std::uniform_int_distribution<int> config_index(0, nhb2::kNumConfigs - 1);
  std::uniform_int_distribution<int> percent(0, 99);
  std::uniform_int_distribution<int> mode(0, 2);
  std::uniform_int_distribution<int> iepoch(0, 12);
  std::uniform_int_distribution<std::size_t> seed_index(0, seeds.size() - 1);
  for (int i = 0; i < kQueriesPerPlan; ++i) {
    PlannedQuery q;
    q.config = nhb2::Config::from_index(config_index(random));
    q.options.mode = static_cast<nhb2::Mode>(mode(random));
    const int kind = percent(random);
    if (kind < 15) {
      q.options.epoch = 200;
    } else {
      q.options.epoch = 12;
      q.options.iepoch = iepoch(random);
    }
    if (plan.session.seed_policy == nhb2::SeedPolicy::fixed && percent(random) < 20) {
      q.options.seed = seeds[seed_index(random)];
    }
    if (kind >= 97) q.options.iepoch = 13;  // invalid: must be refused every time
    q.logged = percent(random) < 70;
    plan.queries.push_back(q);
  }
  return plan;
}

// One pass of the plan in a fresh Session.
PassSummary run_pass(const nhb2::Benchmark& benchmark, const Plan& plan) {
  nhb2::Session session(benchmark, plan.session);
  PassSummary summary;
  summary.answers.reserve(plan.queries.size());
  for (const PlannedQuery& q : plan.queries) {
    Answer answer;
    try {
      const nhb2::QueryResult result =
          q.logged ? session.query(q.config, q.options) : session.evaluate(q.config, q.options);
      answer.accuracy = result.accuracy;
      answer.cost = result.cost;
    } catch (const nhb2::InvalidArgument&) {
      answer.refused = true;
    }
    summary.answers.push_back(answer);
  }
  summary.total_cost = session.total_cost();
  summary.num_queries = session.num_queries();
  if (session.has_incumbent()) summary.final_accs = session.results().final_accs;
  return summary;
}

bool same(const PassSummary& a, const PassSummary& b) {
  return a.answers == b.answers && a.total_cost == b.total_cost && a.num_queries == b.num_queries &&
         a.final_accs == b.final_accs;
}

double load_seconds() {
  const char* text = std::getenv("NHB2_LOAD_SECONDS");
  if (text == nullptr || *text == '\0') return 2.0;
  const double seconds = std::atof(text);
  return seconds > 0.0 ? seconds : 2.0;
}

}  // namespace

TEST_CASE("Concurrent sessions on one shared benchmark answer exactly as a single thread does",
          "[load]") {
  const nhb2::Benchmark benchmark = nhb2::Benchmark::synthetic(1);
  std::vector<Plan> plans;
  std::vector<PassSummary> expected;
  for (int t = 0; t < kThreads; ++t) {
    plans.push_back(make_plan(t, benchmark));
    expected.push_back(run_pass(benchmark, plans.back()));
  }
  // The plans do exercise refusals, epoch 200 and every policy.
  std::size_t refused = 0;
  for (const Answer& a : expected[0].answers) refused += a.refused ? 1 : 0;
  CHECK(refused > 0);

  const double seconds = load_seconds();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::atomic<int> start_gate{0};
  std::vector<long> passes(kThreads, 0);
  std::vector<long> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start_gate.fetch_add(1);
      while (start_gate.load() < kThreads) std::this_thread::yield();
      // Each thread gets its own copy of the handle; the table behind it is shared.
      const nhb2::Benchmark shared = benchmark;
      do {
        if (!same(run_pass(shared, plans[t]), expected[t])) ++mismatches[t];
        ++passes[t];
      } while (std::chrono::steady_clock::now() < deadline);
    });
  }
  for (auto& thread : threads) thread.join();

  long total_passes = 0;
  for (int t = 0; t < kThreads; ++t) {
    INFO("thread " << t << ": " << passes[t] << " passes of " << kQueriesPerPlan << " queries");
    CHECK(mismatches[t] == 0);
    CHECK(passes[t] >= 1);
    total_passes += passes[t];
  }
  INFO("total queries " << total_passes * kQueriesPerPlan << " in " << seconds << " s");
  SUCCEED();
}
