// Pareto dominance, the 2-D front and hypervolume, non-dominated sorting and crowding distance
// (core/pareto.hpp), and objective names (core/objectives.hpp), against brute force.

#include <nhb2/core/error.hpp>
#include <nhb2/core/objectives.hpp>
#include <nhb2/core/pareto.hpp>
#include <nhb2/core/rng.hpp>

#include <catch2/catch.hpp>

#include <limits>

using namespace nhb2;

namespace {

// Small integer coordinates so that ties and equal points are frequent.
std::vector<Point2> random_points(Rng& rng, int n, int span) {
  std::vector<Point2> points(static_cast<std::size_t>(n));
  for (Point2& p : points) {
    p = {static_cast<double>(uniform_index(rng, span)),
         static_cast<double>(uniform_index(rng, span))};
  }
  return points;
}

// The definition: non-dominated, and the lowest index among equal points.
std::vector<bool> brute_force_front(const std::vector<Point2>& points) {
  std::vector<bool> on(points.size(), true);
  for (std::size_t i = 0; i < points.size(); ++i) {
    for (std::size_t j = 0; j < points.size(); ++j) {
      if (dominates(points[j], points[i]) || (j < i && points[j] == points[i])) on[i] = false;
    }
  }
  return on;
}

// Counts the unit squares of the reference box that some point dominates (integer points).
double brute_force_hypervolume(const std::vector<Point2>& points, const Point2& reference) {
  double area = 0.0;
  for (int x = -20; x < reference[0]; ++x) {
    for (int y = -20; y < reference[1]; ++y) {
      for (const Point2& p : points) {
        if (p[0] <= x && p[1] <= y) {
          area += 1.0;
          break;
        }
      }
    }
  }
  return area;
}

}  // namespace

TEST_CASE("dominance needs no worse in every objective and better in one", "[pareto]") {
  CHECK(dominates(Point2{1, 2}, Point2{1, 3}));
  CHECK(dominates(Point2{0, 0}, Point2{1, 1}));
  CHECK_FALSE(dominates(Point2{1, 2}, Point2{1, 2}));
  CHECK_FALSE(dominates(Point2{0, 3}, Point2{1, 2}));
  CHECK(dominates(std::vector<double>{1, 2, 3}, std::vector<double>{1, 2, 4}));
  CHECK_FALSE(dominates(std::vector<double>{1, 2, 5}, std::vector<double>{1, 3, 4}));
}

TEST_CASE("the 2-D front is the brute-force front on random sets with ties", "[pareto]") {
  Rng rng = make_rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const std::vector<Point2> points = random_points(rng, 1 + trial % 40, 2 + trial % 9);
    const std::vector<bool> expected = brute_force_front(points);
    const std::vector<std::size_t> front = pareto_front_2d(points);
    std::vector<bool> got(points.size(), false);
    for (std::size_t i : front) got[i] = true;
    REQUIRE(got == expected);
    for (std::size_t k = 1; k < front.size(); ++k) {
      CHECK(points[front[k - 1]][0] < points[front[k]][0]);
      CHECK(points[front[k - 1]][1] > points[front[k]][1]);
    }
  }
}

TEST_CASE("the 2-D hypervolume of a staircase is the sum of its strips", "[pareto]") {
  // Strips: (2-1)(4-3) + (3-2)(4-2) + (4-3)(4-1) = 1 + 2 + 3.
  CHECK(hypervolume_2d({{1, 3}, {2, 2}, {3, 1}}, {4, 4}) == 6.0);
  // A dominated point and a point outside the box add nothing.
  CHECK(hypervolume_2d({{1, 3}, {2, 2}, {3, 1}, {3, 3}, {5, 0}, {4, 0}}, {4, 4}) == 6.0);
  CHECK(hypervolume_2d({}, {4, 4}) == 0.0);
}

TEST_CASE("the 2-D hypervolume equals counting dominated unit squares", "[pareto]") {
  Rng rng = make_rng(11);
  for (int trial = 0; trial < 100; ++trial) {
    const std::vector<Point2> points = random_points(rng, trial % 25, 12);
    const Point2 reference = {static_cast<double>(4 + trial % 9),
                              static_cast<double>(3 + trial % 11)};
    REQUIRE(hypervolume_2d(points, reference) == brute_force_hypervolume(points, reference));
  }
}

TEST_CASE("non-dominated ranks peel fronts off one by one", "[pareto]") {
  const std::vector<std::vector<double>> points = {{1, 5}, {2, 2}, {5, 1}, {3, 3},
                                                   {4, 4}, {2, 2}, {6, 6}};
  CHECK(nondominated_ranks(points) == std::vector<int>{0, 0, 0, 1, 2, 0, 3});
  // Against the definition on random sets: rank r = non-dominated once ranks < r are removed.
  Rng rng = make_rng(3);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<std::vector<double>> set;
    for (int i = 0; i < 30; ++i) {
      set.push_back({static_cast<double>(uniform_index(rng, 8)),
                     static_cast<double>(uniform_index(rng, 8)),
                     static_cast<double>(uniform_index(rng, 3))});
    }
    const std::vector<int> rank = nondominated_ranks(set);
    for (std::size_t i = 0; i < set.size(); ++i) {
      bool dominated_by_same_or_higher = false;
      bool has_dominator_one_below = rank[i] == 0;
      for (std::size_t j = 0; j < set.size(); ++j) {
        if (!dominates(set[j], set[i])) continue;
        if (rank[j] >= rank[i]) dominated_by_same_or_higher = true;
        if (rank[j] == rank[i] - 1) has_dominator_one_below = true;
      }
      CHECK_FALSE(dominated_by_same_or_higher);
      CHECK(has_dominator_one_below);
    }
  }
}

TEST_CASE("crowding distance: extremes infinite, inner points the normalised neighbour gaps",
          "[pareto]") {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::vector<double>> points = {{0, 4}, {1, 2}, {2, 1}, {4, 0}, {9, 9}};
  // (1,2): (2-0)/4 + (4-1)/4; (2,1): (4-1)/4 + (2-0)/4.
  CHECK(crowding_distances(points, {0, 1, 2, 3}) == std::vector<double>{inf, 1.25, 1.25, inf});
  CHECK(crowding_distances(points, {1, 4}) == std::vector<double>{inf, inf});
}

TEST_CASE("objective pairs need valid_acc and one of cost, params, flops", "[pareto]") {
  CHECK(parse_objective_pair("valid_acc,cost", "--objectives").minimised == ObjectiveKind::cost);
  CHECK(parse_objective_pair("params, valid_acc", "--objectives").minimised ==
        ObjectiveKind::params);
  const ObjectivePair flops = parse_objective_pair("valid_acc,flops", "k");
  CHECK(flops.reference_value == kReferenceFlopsMillions);
  CHECK(flops.text() == "valid_acc,flops");
  CHECK_THROWS_WITH(parse_objective_pair("valid_acc,time", "--objectives"),
                    "--objectives: objective 'time' is unknown; allowed: valid_acc, cost, params, "
                    "flops");
  CHECK_THROWS_WITH(parse_objective_pair("cost,cost", "objectives"),
                    Catch::StartsWith("objectives: objective 'cost' is given twice; allowed:"));
  CHECK_THROWS_WITH(parse_objective_pair("valid_acc", "objectives"),
                    Catch::StartsWith("objectives: 1 objective given ('valid_acc'); allowed: two"));
  CHECK_THROWS_WITH(parse_objective_pair("valid_acc,cost,params", "objectives"),
                    Catch::Contains("3 objectives given"));
  CHECK_THROWS_WITH(parse_objective_pair("cost,params", "objectives"),
                    Catch::Contains("lacks valid_acc"));
  CHECK_THROWS_AS(parse_objective_pair("", "objectives"), InvalidArgument);
}
