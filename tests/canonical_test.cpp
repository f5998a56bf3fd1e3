#include <nhb2/core/canonical.hpp>

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <string>
#include <vector>

using namespace nhb2;

TEST_CASE("canonicalization reproduces the authors' map of all 4096 cellcodes", "[canonical]") {
  std::ifstream in(test::data_path("cell_classes.tsv"));
  REQUIRE(in);
  const CellClasses& classes = CellClasses::get();
  std::string cellcode, representative;
  int rows = 0, mismatches = 0;
  while (in >> cellcode >> representative) {
    ++rows;
    const int cell = parse_cellcode(cellcode).index();
    if (format_cellcode(classes.representative_of(cell)) != representative) {
      if (++mismatches <= 10) {
        FAIL_CHECK(cellcode << " -> " << format_cellcode(classes.representative_of(cell))
                            << ", expected " << representative);
      }
    }
  }
  CHECK(rows == 4096);
  CHECK(mismatches == 0);
}

TEST_CASE("the representatives are exactly the 1011 trained cellcodes, in class order",
          "[canonical]") {
  std::ifstream in(test::data_path("trained_cellcodes_12epoch.txt"));
  REQUIRE(in);
  std::vector<std::string> expected;
  for (std::string line; in >> line;) expected.push_back(line);
  REQUIRE(expected.size() == 1011);
  const CellClasses& classes = CellClasses::get();
  REQUIRE(classes.num_classes() == kNumCellClasses);
  for (int c = 0; c < classes.num_classes(); ++c) {
    INFO("class " << c);
    CHECK(format_cellcode(classes.representative(c)) == expected[c]);
  }
}

TEST_CASE("each 200-epoch cellcode represents its own class", "[canonical]") {
  const CellClasses& classes = CellClasses::get();
  const auto& trained = cells_trained_200_epochs();
  CHECK(trained.size() == 100);
  std::set<int> seen;
  for (int cell : trained) {
    CHECK(classes.representative_of(cell) == cell);
    seen.insert(classes.class_of(cell));
  }
  CHECK(seen.size() == 100);
}

TEST_CASE("all 169 cellcodes without a path form one class", "[canonical]") {
  const CellClasses& classes = CellClasses::get();
  const auto& members = classes.members(classes.no_path_class());
  CHECK(members.size() == 169);
  for (int cell : members) CHECK_FALSE(Cell::from_index(cell).has_path());
  CHECK(canonical_form(parse_cellcode("3|33|333")).empty());
}

TEST_CASE("equivalence follows the formal-sum rule", "[canonical]") {
  auto same = [](const char* a, const char* b) {
    return canonical_form(parse_cellcode(a)) == canonical_form(parse_cellcode(b));
  };
  // A conv straight to the output, via node 1 with skips, or via node 2 with skips.
  CHECK(same("3|33|033", "0|32|332"));
  CHECK(same("3|33|033", "2|33|303"));
  // One conv instance reused twice is not two conv instances.
  CHECK_FALSE(same("0|32|322", "0|03|322"));
  // Dead edges do not matter.
  CHECK(same("3|33|033", "3|00|033"));
  // Conv and pool are different labels.
  CHECK_FALSE(same("3|33|033", "3|33|133"));
  // Two pool instances are not one.
  CHECK_FALSE(same("1|32|322", "1|13|322"));
  // A skip from an empty node adds nothing.
  CHECK(same("3|33|123", "3|33|133"));
}
