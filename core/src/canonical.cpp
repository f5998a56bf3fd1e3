#include <nhb2/core/canonical.hpp>

#include <algorithm>
#include <cassert>
#include <map>
#include <utility>

namespace nhb2 {

namespace {

// A formal sum: term → multiplicity. Term -1 is the input x; term e >= 0 is the op instance
// created by edge e.
using FormalSum = std::map<int, int>;

struct Instance {
  Op label = Op::conv3x3;
  FormalSum argument;
};

struct Expansion {
  std::array<Instance, kNumEdges> instances;
  std::array<bool, kNumEdges> exists{};
  FormalSum output;
};

Expansion expand(const Cell& cell) {
  Expansion result;
  std::array<FormalSum, 4> nodes;
  nodes[0][-1] = 1;
  for (int e = 0; e < kNumEdges; ++e) {
    const FormalSum& source = nodes[kEdgeFrom[e]];
    FormalSum& target = nodes[kEdgeTo[e]];
    const Op op = cell.edges[e];
    if (source.empty() || op == Op::zero) continue;
    if (op == Op::skip) {
      for (const auto& [term, count] : source) target[term] += count;
    } else {
      result.exists[e] = true;
      result.instances[e] = Instance{op, source};
      target[e] += 1;
    }
  }
  result.output = nodes[3];
  return result;
}

// The shape of an instance with identities forgotten: used to group interchangeable instances.
std::string structure(const Expansion& expansion, int term) {
  if (term < 0) return "x";
  const Instance& instance = expansion.instances[term];
  std::vector<std::string> parts;
  for (const auto& [inner, count] : instance.argument) {
    parts.push_back(std::to_string(count) + "*" + structure(expansion, inner));
  }
  std::sort(parts.begin(), parts.end());
  std::string text = instance.label == Op::conv3x3 ? "c(" : "p(";
  for (const auto& part : parts) text += part + "+";
  return text + ")";
}

std::string serialize_sum(const FormalSum& sum, const std::array<int, kNumEdges>& name_of) {
  std::vector<std::pair<int, int>> terms;
  for (const auto& [term, count] : sum) terms.emplace_back(term < 0 ? -1 : name_of[term], count);
  std::sort(terms.begin(), terms.end());
  std::string text;
  for (const auto& [name, count] : terms) {
    text +=
        std::to_string(count) + "*" + (name < 0 ? std::string("x") : std::to_string(name)) + "+";
  }
  return text;
}

}  // namespace

std::string canonical_form(const Cell& cell) {
  const Expansion expansion = expand(cell);
  if (expansion.output.empty()) return "";

  // Instances reachable from the output.
  std::array<bool, kNumEdges> live{};
  std::vector<int> stack;
  for (const auto& [term, count] : expansion.output) {
    if (term >= 0) stack.push_back(term);
  }
  while (!stack.empty()) {
    const int term = stack.back();
    stack.pop_back();
    if (live[term]) continue;
    live[term] = true;
    for (const auto& [inner, count] : expansion.instances[term].argument) {
      if (inner >= 0) stack.push_back(inner);
    }
  }

  // Order live instances by structure; only instances of equal structure may be swapped, so the
  // minimum over permutations within each group is a complete invariant.
  std::vector<std::pair<std::string, int>> ordered;
  for (int e = 0; e < kNumEdges; ++e) {
    if (live[e]) ordered.emplace_back(structure(expansion, e), e);
  }
  std::sort(ordered.begin(), ordered.end());
  std::vector<std::pair<int, int>> groups;  // [begin, end) in ordered
  for (std::size_t i = 0; i < ordered.size();) {
    std::size_t j = i;
    while (j < ordered.size() && ordered[j].first == ordered[i].first) ++j;
    groups.emplace_back(static_cast<int>(i), static_cast<int>(j));
    i = j;
  }

  std::vector<int> order;
  for (const auto& entry : ordered) order.push_back(entry.second);
  std::string best;
  bool have_best = false;
  // Enumerate the product of permutations of every group (odometer over next_permutation).
  for (auto& group : groups) std::sort(order.begin() + group.first, order.begin() + group.second);
  while (true) {
    std::array<int, kNumEdges> name_of{};
    for (std::size_t position = 0; position < order.size(); ++position) {
      name_of[order[position]] = static_cast<int>(position);
    }
    std::string text;
    for (std::size_t position = 0; position < order.size(); ++position) {
      const Instance& instance = expansion.instances[order[position]];
      text += std::to_string(position) + (instance.label == Op::conv3x3 ? "=c(" : "=p(") +
              serialize_sum(instance.argument, name_of) + ");";
    }
    text += "out=" + serialize_sum(expansion.output, name_of);
    if (!have_best || text < best) {
      best = std::move(text);
      have_best = true;
    }
    std::size_t g = 0;
    for (; g < groups.size(); ++g) {
      if (std::next_permutation(order.begin() + groups[g].first,
                                order.begin() + groups[g].second)) {
        break;
      }
    }
    if (g == groups.size()) break;
  }
  return best;
}

const std::vector<int>& cells_trained_200_epochs() {
  static const std::vector<int> cells = [] {
    // From the authors' data: the cellcodes trained for 200 epochs.
    const char* const kCellcodes[] = {
        "0|00|010", "0|00|101", "0|00|112", "0|00|221", "0|00|320", "0|01|022", "0|01|031",
        "0|01|033", "0|01|111", "0|01|120", "0|01|300", "0|01|331", "0|02|123", "0|10|031",
        "0|11|000", "0|11|022", "0|11|201", "0|11|210", "0|11|231", "0|11|232", "0|12|011",
        "0|12|021", "0|12|110", "0|12|111", "0|12|302", "0|12|322", "0|13|131", "0|13|311",
        "0|21|030", "0|22|031", "0|22|100", "0|22|101", "0|22|111", "0|22|112", "0|30|300",
        "0|30|322", "0|31|200", "0|31|211", "0|32|022", "1|00|012", "1|00|130", "1|00|332",
        "1|01|000", "1|01|121", "1|10|010", "1|10|110", "1|10|121", "1|11|111", "1|11|213",
        "1|11|303", "1|12|013", "1|12|110", "1|12|312", "1|12|322", "1|13|101", "1|20|000",
        "1|20|232", "1|20|300", "1|20|310", "1|20|312", "1|21|102", "1|21|201", "1|21|202",
        "1|21|321", "1|21|331", "1|22|000", "1|22|001", "1|22|301", "1|30|111", "1|30|201",
        "1|31|022", "1|31|230", "1|31|231", "1|32|322", "2|00|010", "2|00|121", "2|00|310",
        "2|01|002", "2|01|210", "2|01|321", "2|01|322", "2|02|100", "2|02|122", "2|02|300",
        "2|02|302", "2|02|310", "2|02|322", "2|10|022", "2|10|121", "2|10|200", "2|11|121",
        "2|11|122", "2|20|001", "2|21|010", "2|21|110", "2|22|002", "2|22|111", "2|22|321",
        "2|30|302", "2|30|321",
    };
    std::vector<int> result;
    for (const char* text : kCellcodes) result.push_back(parse_cellcode(text).index());
    std::sort(result.begin(), result.end());
    return result;
  }();
  return cells;
}

const CellClasses& CellClasses::get() {
  static const CellClasses classes;
  return classes;
}

CellClasses::CellClasses() {
  std::map<std::string, std::vector<int>> by_form;
  for (int cell = 0; cell < kNumCells; ++cell) {
    by_form[canonical_form(Cell::from_index(cell))].push_back(cell);
  }
  const std::vector<int>& trained = cells_trained_200_epochs();
  std::vector<std::pair<int, std::vector<int>>> classes;  // representative, members (ascending)
  for (auto& [form, members] : by_form) {
    int representative = members.front();
    for (int member : members) {
      if (std::binary_search(trained.begin(), trained.end(), member)) {
        representative = member;
        break;
      }
    }
    classes.emplace_back(representative, std::move(members));
  }
  std::sort(classes.begin(), classes.end());
  for (std::size_t c = 0; c < classes.size(); ++c) {
    representatives_.push_back(classes[c].first);
    for (int member : classes[c].second) class_of_cell_[member] = static_cast<int>(c);
    members_.push_back(std::move(classes[c].second));
  }
  for (int cell = 0; cell < kNumCells; ++cell) {
    if (!Cell::from_index(cell).has_path()) {
      no_path_class_ = class_of_cell_[cell];
      break;
    }
  }
}

}  // namespace nhb2
