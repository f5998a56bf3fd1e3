// The nhb2 executable end to end: answers, and one clear error with exit code 2 for bad input.

#include "test_support.hpp"

#include <nhb2/core/constants.hpp>
#include <nhb2/core/format.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <string>

using nhb2::test::run_cli;

TEST_CASE("nhb2 query answers the README's example on the synthetic data", "[cli]") {
  const auto r = run_cli("query '0|10|210' --lr 0.1 --batch-size 256");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("source:         synthetic"));
  CHECK_THAT(r.out, Catch::Contains("accuracy:"));
  CHECK_THAT(r.out, Catch::Contains("cost:"));
  CHECK(r.err.empty());
}

TEST_CASE("nhb2 query at 200 epochs reports no cost", "[cli]") {
  const auto r = run_cli("query '0|10|210' --lr 0.1 --batch-size 256 --epoch 200");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("cost:           none"));
}

TEST_CASE("nhb2 info says the data is synthetic", "[cli]") {
  const auto r = run_cli("info");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("source:        synthetic"));
  CHECK_THAT(r.out, Catch::Contains("222, 555, 888"));
  CHECK_THAT(r.out, Catch::Contains("1011 unique cells"));
}

TEST_CASE("nhb2 cells lists all 4096 cellcodes or one", "[cli]") {
  const auto all = run_cli("cells");
  REQUIRE(all.exit_code == 0);
  CHECK(std::count(all.out.begin(), all.out.end(), '\n') == 4097);
  const auto one = run_cli("cells '3|33|333'");
  REQUIRE(one.exit_code == 0);
  CHECK_THAT(one.out,
             Catch::Contains("3|33|333\t0|00|333\t") && Catch::Contains("73610\t7.836298"));
}

TEST_CASE("nhb2 run prints one line per run and the mean over runs", "[cli]") {
  const auto r = run_cli("run --optimizer random_search --budget 20000 --runs 3 --seed 1");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("# data: synthetic"));
  CHECK_THAT(r.out, Catch::Contains("test accuracy (200 epochs):"));
  CHECK(run_cli("run --optimizer random_search --budget 20000 --runs 3 --seed 1").out == r.out);
}

TEST_CASE("every subcommand has --help", "[cli]") {
  for (const char* command : {"info", "cells", "query", "run", "list", "synth"}) {
    const auto r = run_cli(std::string(command) + " --help");
    INFO(command);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("usage: nhb2"));
  }
  CHECK(run_cli("--help").exit_code == 0);
}

TEST_CASE("bad input gets one line naming the value and exit code 2", "[cli][errors]") {
  struct Case {
    std::string args;
    std::string message;
  };
  const Case cases[] = {
      {"query '0|10|21' --lr 0.1 --batch-size 256", "length 7"},
      {"query '0|10|214' --lr 0.1 --batch-size 256", "bad character '4'"},
      {"query abc --lr 0.1 --batch-size 256", "'abc'"},
      {"query '0|10|210' --lr 0.3 --batch-size 256", "learning rate 0.3 is not on the grid"},
      {"query '0|10|210' --lr 0.1 --batch-size 100", "batch size 100 is not on the grid"},
      {"query '0|10|210' --lr 0.1 --batch-size 256 --iepoch 0", "iepoch 0"},
      {"query '0|10|210' --lr 0.1 --batch-size 256 --iepoch 13", "iepoch 13"},
      {"query '0|10|210' --lr 0.1 --batch-size 256 --epoch 200 --iepoch 5", "only with epoch 12"},
      {"query '0|10|210' --lr 0.1 --batch-size 256 --epoch 100", "epoch 100"},
      {"query '0|10|210' --lr 0.1 --batch-size 256 --seed 123", "seed 123 is not recorded"},
      {"query '0|10|210' --lr 0.1 --batch-size 256 --mode val", "mode 'val'"},
      {"query '0|10|210' --lr 0.1", "batch-size"},
      {"query '0|10|210' --lr 0.1 --batch-size 256 --data /no/such/file.nhb2",
       "/no/such/file.nhb2"},
      {"info --data /no/such/file.nhb2", "/no/such/file.nhb2"},
      {"run --runs 0", "--runs 0"},
      {"run --budget -5", "--budget -5"},
      {"run --budget 1e308", "at most " + nhb2::format_readable(nhb2::kMaxBudgetSeconds)},
      {"run --runs 1000000000", "--runs 1000000000"},
      {"cells '0|10|2100'", "length 9"},
      {"run --optimizer random_serch", "did you mean 'random_search'"},
      {"run --param foo=1", "no parameter 'foo'"},
      {"frobnicate", "unknown command 'frobnicate'"},
      {"query --no-such-flag", "no-such-flag"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = run_cli(c.args);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("nhb2: error: ") && Catch::Contains(c.message));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.out.empty());
  }
}

TEST_CASE("a corrupt or truncated --data file is refused", "[cli][errors]") {
  nhb2::test::TempDir dir;
  REQUIRE(run_cli("synth --out '" + dir.file("t.nhb2") + "'").exit_code == 0);
  std::string bytes = nhb2::test::read_text(dir.file("t.nhb2"));
  {
    std::ofstream out(dir.file("truncated.nhb2"), std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  bytes[bytes.size() - 100] ^= 0x5a;
  {
    std::ofstream out(dir.file("corrupt.nhb2"), std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  const auto truncated = run_cli("info --data '" + dir.file("truncated.nhb2") + "'");
  CHECK(truncated.exit_code == 2);
  CHECK_THAT(truncated.err, Catch::Contains("truncated"));
  const auto corrupt = run_cli("info --data '" + dir.file("corrupt.nhb2") + "'");
  CHECK(corrupt.exit_code == 2);
  CHECK_THAT(corrupt.err, Catch::Contains("checksum"));
}

TEST_CASE("a .nhb2 file written by synth answers exactly like the built-in data", "[cli]") {
  nhb2::test::TempDir dir;
  REQUIRE(run_cli("synth --out '" + dir.file("s.nhb2") + "' --seed 1").exit_code == 0);
  const std::string query = "query '1|22|301' --lr 0.025 --batch-size 64 --mode test --iepoch 7";
  const auto from_file = run_cli(query + " --data '" + dir.file("s.nhb2") + "'");
  const auto built_in = run_cli(query);
  REQUIRE(from_file.exit_code == 0);
  CHECK(from_file.out == built_in.out);
  // NHB2_DATA is the fallback for --data.
  const auto from_env = run_cli(query, "NHB2_DATA='" + dir.file("s.nhb2") + "'");
  REQUIRE(from_env.exit_code == 0);
  CHECK(from_env.out == built_in.out);
}
