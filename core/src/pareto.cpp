#include <nhb2/core/pareto.hpp>

#include <algorithm>
#include <cassert>
#include <limits>
#include <numeric>

namespace nhb2 {

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  assert(a.size() == b.size());
  bool better = false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k] > b[k]) return false;
    if (a[k] < b[k]) better = true;
  }
  return better;
}

bool dominates(const Point2& a, const Point2& b) {
  return a[0] <= b[0] && a[1] <= b[1] && (a[0] < b[0] || a[1] < b[1]);
}

std::vector<std::size_t> pareto_front_2d(const std::vector<Point2>& points) {
  // Sorted copies rather than sorted indices: the comparisons then read contiguous memory.
  struct Entry {
    double first;
    double second;
    std::size_t index;
  };
  std::vector<Entry> order(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) order[i] = Entry{points[i][0], points[i][1], i};
  std::sort(order.begin(), order.end(), [](const Entry& a, const Entry& b) {
    if (a.first != b.first) return a.first < b.first;
    if (a.second != b.second) return a.second < b.second;
    return a.index < b.index;
  });
  // Sweeping by the first objective (ties: the smaller second first), a point is non-dominated
  // exactly when its second objective is below every earlier one; an equal point repeats the
  // earlier one and is skipped.
  std::vector<std::size_t> front;
  double best_second = std::numeric_limits<double>::infinity();
  for (const Entry& entry : order) {
    if (entry.second < best_second) {
      front.push_back(entry.index);
      best_second = entry.second;
    }
  }
  return front;
}

double hypervolume_2d(const std::vector<Point2>& points, const Point2& reference) {
  std::vector<Point2> inside;
  inside.reserve(points.size());
  for (const Point2& p : points) {
    if (p[0] < reference[0] && p[1] < reference[1]) inside.push_back(p);
  }
  const std::vector<std::size_t> front = pareto_front_2d(inside);
  // The front ascends in the first objective and descends in the second: slice the dominated
  // region into vertical strips, one per front point, each reaching the next point (or the
  // reference) in the first objective.
  double volume = 0.0;
  for (std::size_t k = 0; k < front.size(); ++k) {
    const Point2& p = inside[front[k]];
    const double right = k + 1 < front.size() ? inside[front[k + 1]][0] : reference[0];
    volume += (right - p[0]) * (reference[1] - p[1]);
  }
  return volume;
}

std::vector<int> nondominated_ranks(const std::vector<std::vector<double>>& points) {
  const std::size_t n = points.size();
  std::vector<std::vector<std::size_t>> dominated(n);  // the points each one dominates
  std::vector<int> dominators(n, 0);                   // how many points dominate each one
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (dominates(points[i], points[j])) {
        dominated[i].push_back(j);
        ++dominators[j];
      } else if (dominates(points[j], points[i])) {
        dominated[j].push_back(i);
        ++dominators[i];
      }
    }
  }
  std::vector<int> rank(n, 0);
  std::vector<std::size_t> current;
  for (std::size_t i = 0; i < n; ++i) {
    if (dominators[i] == 0) current.push_back(i);
  }
  int level = 0;
  while (!current.empty()) {
    std::vector<std::size_t> next;
    for (std::size_t i : current) {
      rank[i] = level;
      for (std::size_t j : dominated[i]) {
        if (--dominators[j] == 0) next.push_back(j);
      }
    }
    current.swap(next);
    ++level;
  }
  return rank;
}

std::vector<double> crowding_distances(const std::vector<std::vector<double>>& points,
                                       const std::vector<std::size_t>& group) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::size_t n = group.size();
  std::vector<double> distance(n, 0.0);
  if (n <= 2) return std::vector<double>(n, inf);
  const std::size_t objectives = points[group[0]].size();
  std::vector<std::size_t> order(n);
  for (std::size_t k = 0; k < objectives; ++k) {
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Stable on ties so the result does not depend on the sort's implementation.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return points[group[a]][k] < points[group[b]][k];
    });
    const double low = points[group[order.front()]][k];
    const double high = points[group[order.back()]][k];
    distance[order.front()] = inf;
    distance[order.back()] = inf;
    if (!(high > low)) continue;
    for (std::size_t r = 1; r + 1 < n; ++r) {
      const double gap = points[group[order[r + 1]]][k] - points[group[order[r - 1]]][k];
      distance[order[r]] += gap / (high - low);
    }
  }
  return distance;
}

}  // namespace nhb2
