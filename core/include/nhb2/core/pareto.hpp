#pragma once
// Pareto dominance, non-dominated sorting, crowding distance and 2-D hypervolume.
//
// Every function here MINIMISES every objective (a maximised objective such as accuracy enters
// negated). Point a dominates point b when a is no worse in every objective and better in at
// least one. Points are rows of objective values; all rows of one call have the same length and
// hold finite numbers (the callers check their inputs at the boundary).
//
//   pareto_front_2d      the distinct non-dominated points of a 2-D set, O(n log n)
//   hypervolume_2d       the area dominated by a 2-D set and bounded by a reference point,
//                        O(n log n) (sort, then one sweep)
//   nondominated_ranks   Deb et al. (2002) fast non-dominated sort: rank 0 is the front, rank 1
//                        the front once rank 0 is removed, ...; O(m n^2)
//   crowding_distances   Deb et al. (2002) crowding distance within one group of points:
//                        infinite at each objective's extremes, else the sum over objectives of
//                        the normalised gap between the two neighbours

#include <array>
#include <cstddef>
#include <vector>

namespace nhb2 {

using Point2 = std::array<double, 2>;

// True when a dominates b (minimisation).
bool dominates(const std::vector<double>& a, const std::vector<double>& b);
bool dominates(const Point2& a, const Point2& b);

// Indices of the non-dominated points, one per distinct point (the lowest index among equal
// points), ordered by the first objective ascending (so the second descends strictly).
std::vector<std::size_t> pareto_front_2d(const std::vector<Point2>& points);

// Area of the region that some point dominates and that `reference` bounds: the union over the
// points p with p < reference in both objectives of the boxes [p0, r0] x [p1, r1]. Points not
// strictly better than the reference in both objectives add nothing. 0 for no points.
double hypervolume_2d(const std::vector<Point2>& points, const Point2& reference);

// Non-dominated rank of every point (0 = non-dominated).
std::vector<int> nondominated_ranks(const std::vector<std::vector<double>>& points);

// Crowding distance of each point of `group` (indices into points), in the order of `group`.
// Groups of at most two points are all infinite.
std::vector<double> crowding_distances(const std::vector<std::vector<double>>& points,
                                       const std::vector<std::size_t>& group);

}  // namespace nhb2
