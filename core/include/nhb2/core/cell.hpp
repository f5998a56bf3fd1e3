#pragma once
// Operations and cells of the NAS-HPO-Bench-II search space.
//
// A cell is a DAG with nodes 0 (input) .. 3 (output); node j is the sum over i < j of
// op_ij(node i). Its cellcode `A|BC|DEF` names the six edges 0→1 | 0→2 1→2 | 0→3 1→3 2→3 by the
// op digit: 0 conv3x3 (ReLU–Conv3x3–BN), 1 avg-pool 3x3, 2 skip (identity), 3 zero.
// The cell index is the base-4 value of the six digits, A most significant; it equals the
// lexicographic order of cellcode strings and the reference API's index.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace nhb2 {

enum class Op : std::uint8_t { conv3x3 = 0, avg_pool3x3 = 1, skip = 2, zero = 3 };

constexpr int kNumOps = 4;
constexpr int kNumEdges = 6;
constexpr int kNumCells = 4096;  // 4^6 cellcodes

// Endpoints of edge e, in cellcode order.
constexpr std::array<int, kNumEdges> kEdgeFrom = {0, 0, 1, 0, 1, 2};
constexpr std::array<int, kNumEdges> kEdgeTo = {1, 2, 2, 3, 3, 3};

// "conv3x3", "avg_pool3x3", "skip", "zero".
const char* op_name(Op op);

struct Cell {
  std::array<Op, kNumEdges> edges{};

  // Base-4 value of the six digits, 0 .. 4095.
  int index() const;
  static Cell from_index(int index);  // precondition: 0 <= index < kNumCells

  int count(Op op) const;
  // True when some chain of non-zero edges leads from the input to the output.
  bool has_path() const;

  bool operator==(const Cell& other) const { return edges == other.edges; }
  bool operator!=(const Cell& other) const { return edges != other.edges; }
};

// Parses `A|BC|DEF` (digits 0-3). Throws InvalidArgument naming the bad character or length.
Cell parse_cellcode(std::string_view text);
std::string format_cellcode(const Cell& cell);
inline std::string format_cellcode(int cell_index) {
  return format_cellcode(Cell::from_index(cell_index));
}

}  // namespace nhb2
