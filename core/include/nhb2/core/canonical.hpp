#pragma once
// Canonical cells: the 1011 equivalence classes of the 4096 cellcodes that the benchmark trained.
//
// Rule: read each node's value as a formal sum with multiplicities; the input is `x`. An edge from
// an empty node or a zero edge adds nothing; a skip edge adds its source's whole sum; a conv or
// pool edge adds one new op instance (its own identity, labelled conv or pool) applied to its
// source's sum. Two cellcodes are equivalent iff their output sums are equal up to renaming op
// instances. The 169 cellcodes with no input→output path form one class.
// Representative: the class member among the 100 cellcodes trained for 200 epochs, else the
// lexicographically smallest member. Classes are numbered by their representatives' order.

#include <nhb2/core/cell.hpp>

#include <array>
#include <string>
#include <vector>

namespace nhb2 {

constexpr int kNumCellClasses = 1011;

// The formal-sum form of a cell's output, with op instances canonically renamed; equal strings
// mean equivalent cells. Empty for a cell without an input→output path.
std::string canonical_form(const Cell& cell);

// The 100 cellcodes the authors also trained for 200 epochs, as cell indices, ascending.
const std::vector<int>& cells_trained_200_epochs();

class CellClasses {
 public:
  // Computed once on first use (thread-safe), in a few milliseconds.
  static const CellClasses& get();

  int num_classes() const { return static_cast<int>(representatives_.size()); }
  int class_of(int cell_index) const { return class_of_cell_[cell_index]; }
  int representative(int class_index) const { return representatives_[class_index]; }
  int representative_of(int cell_index) const { return representatives_[class_of(cell_index)]; }
  const std::vector<int>& members(int class_index) const { return members_[class_index]; }
  int no_path_class() const { return no_path_class_; }

 private:
  CellClasses();
  std::array<int, kNumCells> class_of_cell_{};
  std::vector<int> representatives_;
  std::vector<std::vector<int>> members_;
  int no_path_class_ = -1;
};

}  // namespace nhb2
