#include <nhb2/core/cell.hpp>

#include <nhb2/core/error.hpp>

#include <cassert>

namespace nhb2 {

namespace {
constexpr std::string_view kCellcodeForm =
    "a cellcode has the form A|BC|DEF with digits 0-3 (0 conv3x3, 1 avg-pool, 2 skip, 3 zero), "
    "e.g. 0|10|210";
}

const char* op_name(Op op) {
  switch (op) {
    case Op::conv3x3:
      return "conv3x3";
    case Op::avg_pool3x3:
      return "avg_pool3x3";
    case Op::skip:
      return "skip";
    case Op::zero:
      return "zero";
  }
  return "?";
}

int Cell::index() const {
  int index = 0;
  for (Op op : edges) index = index * kNumOps + static_cast<int>(op);
  return index;
}

Cell Cell::from_index(int index) {
  assert(index >= 0 && index < kNumCells);
  Cell cell;
  for (int e = kNumEdges - 1; e >= 0; --e) {
    cell.edges[e] = static_cast<Op>(index % kNumOps);
    index /= kNumOps;
  }
  return cell;
}

int Cell::count(Op op) const {
  int n = 0;
  for (Op edge : edges) n += edge == op;
  return n;
}

bool Cell::has_path() const {
  std::array<bool, 4> reached{true, false, false, false};
  for (int e = 0; e < kNumEdges; ++e) {
    if (edges[e] != Op::zero && reached[kEdgeFrom[e]]) reached[kEdgeTo[e]] = true;
  }
  return reached[3];
}

Cell parse_cellcode(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  if (text.size() != 8) {
    throw InvalidArgument("invalid cellcode " + quoted + ": length " + std::to_string(text.size()) +
                          ", expected 8; " + std::string(kCellcodeForm));
  }
  Cell cell;
  int edge = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool separator_position = (i == 1 || i == 4);
    if (separator_position) {
      if (c != '|') {
        throw InvalidArgument("invalid cellcode " + quoted + ": expected '|' at position " +
                              std::to_string(i + 1) + ", found '" + std::string(1, c) + "'; " +
                              std::string(kCellcodeForm));
      }
      continue;
    }
    if (c < '0' || c > '3') {
      throw InvalidArgument("invalid cellcode " + quoted + ": bad character '" + std::string(1, c) +
                            "' at position " + std::to_string(i + 1) + "; " +
                            std::string(kCellcodeForm));
    }
    cell.edges[edge++] = static_cast<Op>(c - '0');
  }
  return cell;
}

std::string format_cellcode(const Cell& cell) {
  std::string text = "0|00|000";
  const int positions[kNumEdges] = {0, 2, 3, 5, 6, 7};
  for (int e = 0; e < kNumEdges; ++e) {
    text[positions[e]] = static_cast<char>('0' + static_cast<int>(cell.edges[e]));
  }
  return text;
}

}  // namespace nhb2
