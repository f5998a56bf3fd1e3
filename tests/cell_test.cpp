#include <nhb2/core/cell.hpp>
#include <nhb2/core/config.hpp>
#include <nhb2/core/error.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace nhb2;

TEST_CASE("a cellcode parses into its six edge ops and formats back", "[cell]") {
  const Cell cell = parse_cellcode("0|10|210");
  CHECK(cell.edges == std::array<Op, 6>{Op::conv3x3, Op::avg_pool3x3, Op::conv3x3, Op::skip,
                                        Op::avg_pool3x3, Op::conv3x3});
  CHECK(format_cellcode(cell) == "0|10|210");
}

TEST_CASE("the cell index is the base-4 value with the first edge most significant", "[cell]") {
  CHECK(parse_cellcode("0|00|000").index() == 0);
  CHECK(parse_cellcode("0|00|001").index() == 1);
  CHECK(parse_cellcode("1|00|000").index() == 1024);
  CHECK(parse_cellcode("3|33|333").index() == 4095);
  CHECK(parse_cellcode("0|10|210").index() == 0 * 1024 + 1 * 256 + 0 * 64 + 2 * 16 + 1 * 4 + 0);
}

TEST_CASE("cell indices follow the lexicographic order of cellcode strings", "[cell]") {
  std::vector<std::string> codes;
  for (int i = 0; i < kNumCells; ++i) {
    codes.push_back(format_cellcode(i));
    REQUIRE(parse_cellcode(codes.back()).index() == i);
  }
  CHECK(std::is_sorted(codes.begin(), codes.end()));
}

TEST_CASE("exactly 169 cellcodes have no input-to-output path", "[cell]") {
  int no_path = 0;
  for (int i = 0; i < kNumCells; ++i) no_path += !Cell::from_index(i).has_path();
  CHECK(no_path == 169);
  CHECK_FALSE(parse_cellcode("3|33|333").has_path());
  CHECK_FALSE(parse_cellcode("0|00|333").has_path());
  CHECK(parse_cellcode("3|33|332").has_path() == false);  // edge 2→3 but node 2 is empty
  CHECK(parse_cellcode("3|33|233").has_path());
}

TEST_CASE("a malformed cellcode is refused with a message naming the problem", "[cell][errors]") {
  CHECK_THROWS_WITH(parse_cellcode("0|10|21"), Catch::Contains("length 7"));
  CHECK_THROWS_WITH(parse_cellcode("0|10|214"), Catch::Contains("bad character '4'"));
  CHECK_THROWS_WITH(parse_cellcode("abc"), Catch::Contains("'abc'"));
  CHECK_THROWS_WITH(parse_cellcode("0-10-210"), Catch::Contains("expected '|'"));
  CHECK_THROWS_AS(parse_cellcode(""), InvalidArgument);
}

TEST_CASE("the config index equals cell*48 + lr_index*6 + bs_index", "[config]") {
  const Config config = Config::make(parse_cellcode("0|10|210"), 5, 4);
  CHECK(config.lr() == 0.1);
  CHECK(config.batch_size() == 256);
  CHECK(config.index() == config.cell_index() * 48 + 5 * 6 + 4);
  for (int index : {0, 1, 47, 48, 12345, kNumConfigs - 1}) {
    CHECK(Config::from_index(index).index() == index);
  }
}

TEST_CASE("learning rates and batch sizes are looked up on the grid", "[config][errors]") {
  CHECK(parse_lr("0.003125") == 0);
  CHECK(parse_lr("0.1") == 5);
  CHECK(parse_lr("1e-1") == 5);
  CHECK(parse_lr("0.4") == 7);
  CHECK(parse_batch_size("16") == 0);
  CHECK(parse_batch_size("512") == 5);
  CHECK_THROWS_WITH(parse_lr("0.3"),
                    Catch::Contains("0.3") && Catch::Contains("allowed: 0.003125"));
  CHECK_THROWS_WITH(parse_lr("fast"), Catch::Contains("'fast'"));
  CHECK_THROWS_WITH(parse_batch_size("100"), Catch::Contains("batch size 100") &&
                                                 Catch::Contains("16, 32, 64, 128, 256, 512"));
  CHECK_THROWS_AS(parse_batch_size("64.5"), InvalidArgument);
}

TEST_CASE("a config describes itself with its cellcode, lr and batch size", "[config]") {
  CHECK(describe(Config::make(parse_cellcode("0|10|210"), 5, 4)) == "0|10|210 lr=0.1 bs=256");
  CHECK(format_lr(0.003125) == "0.003125");
  CHECK(format_lr(0.00625) == "0.00625");
}
