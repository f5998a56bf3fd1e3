// The query semantics (README, "The search space and the query semantics";
// benchmark_api/include/nhb2/benchmark_api/session.hpp), checked with exact values on a small
// hand-made table.

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/core/error.hpp>

#include <catch2/catch.hpp>

#include <set>

using namespace nhb2;

namespace {

// Two classes (even and odd cell indices), seeds 222/555/888. Values are chosen so that every
// expected number below can be written by hand.
Benchmark small_benchmark() {
  Table table(2, {222, 555, 888});
  for (int cell = 0; cell < kNumCells; ++cell) {
    table.class_of_cell()[cell] = static_cast<std::int16_t>(cell % 2);
    table.cell_hash()[cell] = cell % 2 ? "odd" : "even";
  }
  auto& train_acc = table.find(columns::kTrainAcc)->values;
  auto& valid_acc = table.find(columns::kValidAcc)->values;
  auto& test_acc = table.find(columns::kTestAcc)->values;
  auto& train_time = table.find(columns::kTrainTime)->values;
  auto& valid_time = table.find(columns::kValidTime)->values;
  auto& test_time = table.find(columns::kTestTime)->values;
  for (int c = 0; c < 2; ++c) {
    for (int hp = 0; hp < 48; ++hp) {
      for (int s = 0; s < 3; ++s) {
        for (int e = 0; e < 12; ++e) {
          const std::size_t row = table.epoch_row(c, hp, s, e);
          // valid acc = 10c + hp/10 + s + e (e.g. class 1, hp 0, seed 0, epoch 11: 21)
          valid_acc[row] = 10.0 * c + hp / 10.0 + s + e;
          train_acc[row] = valid_acc[row] + 0.5;
          test_acc[row] = valid_acc[row] - 0.25;
          train_time[row] = 8.0 * (s + 1);  // 8, 16, 24 s per epoch
          valid_time[row] = 2.0;
          test_time[row] = 1.0;
        }
        const std::size_t run = table.run_row(c, hp, s);
        table.find(columns::kTotalTrainTime)->values[run] = 100.0 * (s + 1) + c;
        table.find(columns::kTotalTrainvalTime)->values[run] = 130.0 * (s + 1) + c;
        table.find(columns::kTotalTestTime)->values[run] = 5.0;
      }
      table.find(columns::kAvgAcc200)->values[table.config_row(c, hp)] = 90.0 + c + hp / 100.0;
    }
  }
  table.source() = DataSource{"test", "hand-made"};
  return Benchmark(std::move(table));
}

// cell 1 is "0|00|001" (odd → class 1); lr index 0, bs index 0 → hp 0.
const Config kOdd = Config::make(parse_cellcode("0|00|001"), 0, 0);
// cell 2 is "0|00|002" (even → class 0); lr index 1, bs index 2 → hp 8.
const Config kEven = Config::make(parse_cellcode("0|00|002"), 1, 2);

QueryOptions at(int epoch, Mode mode = Mode::valid, int iepoch = 0, int seed = 0) {
  QueryOptions options;
  options.epoch = epoch;
  options.mode = mode;
  options.iepoch = iepoch;
  options.seed = seed;
  return options;
}

}  // namespace

TEST_CASE("a 12-epoch query answers the last epoch's accuracy of the cell's class", "[session]") {
  Session session(small_benchmark());
  const QueryResult valid = session.query(kOdd);
  CHECK(valid.accuracy == 21.0);
  CHECK(*valid.cost == 131.0);  // total_trainval_time
  CHECK(session.query(kOdd, at(12, Mode::train)).accuracy == 21.5);
  CHECK(*session.query(kOdd, at(12, Mode::train)).cost == 101.0);  // total_train_time
  const QueryResult test = session.query(kOdd, at(12, Mode::test));
  CHECK(test.accuracy == 20.75);
  CHECK(*test.cost == 136.0);  // trainval + test
  CHECK(session.query(kEven).accuracy == 0.8 + 11.0);
}

TEST_CASE("a partial-epoch query sums the per-epoch times of the modes it needs", "[session]") {
  Session session(small_benchmark());
  const QueryResult train = session.query(kOdd, at(12, Mode::train, 3));
  CHECK(train.accuracy == 10.0 + 0 + 0 + 2 + 0.5);                   // train_acc_2
  CHECK(*train.cost == 24.0);                                        // 3 × 8
  CHECK(*session.query(kOdd, at(12, Mode::valid, 3)).cost == 30.0);  // + 3 × 2
  CHECK(*session.query(kOdd, at(12, Mode::test, 3)).cost == 33.0);   // + 3 × 1
  CHECK(session.query(kOdd, at(12, Mode::valid, 1)).accuracy == 10.0);
  // iepoch 12 uses the stored totals, not the sums.
  CHECK(*session.query(kOdd, at(12, Mode::valid, 12)).cost == 131.0);
}

TEST_CASE("a 200-epoch query answers avg_acc_200, has no cost and is not logged", "[session]") {
  Session session(small_benchmark());
  const QueryResult result = session.query(kEven, at(200, Mode::train));
  CHECK(result.accuracy == 90.0 + 0.08);
  CHECK_FALSE(result.cost.has_value());
  CHECK(session.num_queries() == 0);
  CHECK(session.total_cost() == 0.0);
}

TEST_CASE("the seed defaults to the smallest and can be set or given per query", "[session]") {
  Session session(small_benchmark());
  CHECK(session.seed() == 222);
  CHECK(session.query(kOdd, at(12, Mode::valid, 0, 555)).accuracy == 22.0);
  CHECK(*session.query(kOdd, at(12, Mode::valid, 0, 888)).cost == 391.0);
  CHECK(session.query(kOdd).accuracy == 21.0);  // the per-query seed does not stick
  session.set_seed(888);
  CHECK(session.query(kOdd).accuracy == 23.0);
  CHECK_THROWS_WITH(session.set_seed(111),
                    Catch::Contains("seed 111") && Catch::Contains("222, 555, 888"));
}

TEST_CASE("seed policy mean averages accuracy and cost over the seeds", "[session]") {
  SessionOptions options;
  options.seed_policy = SeedPolicy::mean;
  Session session(small_benchmark(), options);
  const QueryResult result = session.query(kOdd);
  CHECK(result.accuracy == 22.0);  // (21 + 22 + 23) / 3
  CHECK(*result.cost == (131.0 + 261.0 + 391.0) / 3);
}

TEST_CASE("seed policy sampled draws recorded seeds reproducibly from its stream", "[session]") {
  SessionOptions options;
  options.seed_policy = SeedPolicy::sampled;
  options.rng_seed = 99;
  Session a(small_benchmark(), options), b(small_benchmark(), options);
  std::set<double> seen;
  for (int i = 0; i < 60; ++i) {
    const double acc = a.query(kOdd).accuracy;
    CHECK(acc == b.query(kOdd).accuracy);
    seen.insert(acc);
  }
  CHECK(seen == std::set<double>{21.0, 22.0, 23.0});
}

TEST_CASE("the log records every 12-epoch query and a strictly better incumbent", "[session]") {
  Session session(small_benchmark());
  session.query(kEven);                              // 11.8, cost 130
  session.query(kOdd);                               // 21, cost 131
  session.query(kOdd, at(12, Mode::valid, 0, 222));  // 21 again: not strictly better
  session.query(kEven, at(12, Mode::valid, 3));      // 2.8, cost 30
  CHECK(session.acc_trans() == std::vector<double>{11.8, 21.0, 21.0, 2.8});
  CHECK(session.total_cost_trans() == std::vector<double>{130.0, 261.0, 392.0, 422.0});
  CHECK(session.best_acc_trans() == std::vector<double>{11.8, 21.0, 21.0, 21.0});
  CHECK(session.key_trans() == std::vector<Config>{kEven, kOdd, kOdd, kEven});
  CHECK(session.best_key_trans() == std::vector<Config>{kEven, kOdd, kOdd, kOdd});
  CHECK(session.epochs_trans() == std::vector<int>{12, 12, 12, 3});
  CHECK(session.best_cost() == 131.0);
  CHECK(session.total_cost() == 422.0);
}

TEST_CASE("the log holds one record per 12-epoch query with the incumbent after it", "[session]") {
  Session session(small_benchmark());
  session.query(kEven);                          // 11.8, cost 130
  session.query(kOdd);                           // 21, cost 131
  session.query(kEven, at(12, Mode::valid, 3));  // 2.8, cost 30
  session.query(kOdd, at(200));                  // epoch 200: not logged
  const std::vector<LogRecord>& log = session.log();
  REQUIRE(log.size() == 3);
  CHECK(log[0].key == kEven);
  CHECK(log[0].epochs == 12);
  CHECK(log[0].acc == 11.8);
  CHECK(log[0].cost == 130.0);
  CHECK(log[0].total_cost == 130.0);
  CHECK(log[0].best_acc == 11.8);
  CHECK(log[0].best_key == kEven);
  CHECK(log[2].key == kEven);
  CHECK(log[2].epochs == 3);
  CHECK(log[2].acc == 2.8);
  CHECK(log[2].cost == 30.0);
  CHECK(log[2].total_cost == 291.0);
  CHECK(log[2].best_acc == 21.0);
  CHECK(log[2].best_key == kOdd);
  CHECK(session.cost_trans() == std::vector<double>{130.0, 131.0, 30.0});
  session.reset();
  CHECK(session.log().empty());
  CHECK(session.acc_trans().empty());
}

TEST_CASE("results give the incumbent's test accuracy at 12 and 200 epochs unlogged", "[session]") {
  Session session(small_benchmark());
  CHECK_THROWS_AS(session.results(), Error);
  session.query(kEven);
  session.query(kOdd);
  const Results results = session.results();
  CHECK(results.epochs == std::vector<int>{12, 200});
  CHECK(results.final_accs == std::vector<double>{20.75, 91.0});
  CHECK(session.num_queries() == 2);
  session.reset();
  CHECK(session.num_queries() == 0);
  CHECK_FALSE(session.has_incumbent());
}

TEST_CASE("queries outside the space are refused and not logged", "[session][errors]") {
  Session session(small_benchmark());
  CHECK_THROWS_WITH(session.query(kOdd, at(100)), Catch::Contains("epoch 100"));
  CHECK_THROWS_WITH(session.query(kOdd, at(12, Mode::valid, 13)),
                    Catch::Contains("iepoch 13") && Catch::Contains("1..12"));
  CHECK_THROWS_WITH(session.query(kOdd, at(12, Mode::valid, -1)), Catch::Contains("iepoch -1"));
  CHECK_THROWS_WITH(session.query(kOdd, at(200, Mode::valid, 5)),
                    Catch::Contains("only with epoch 12"));
  CHECK_THROWS_WITH(session.query(kOdd, at(12, Mode::valid, 0, 1)), Catch::Contains("seed 1 "));
  CHECK_THROWS_WITH(parse_mode("val"), Catch::Contains("train, valid, test"));
  CHECK(session.num_queries() == 0);
}
