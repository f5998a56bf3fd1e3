#pragma once
// Selection rules shared by the multi-objective optimizers: non-dominated rank and crowding
// distance (Deb, Pratap, Agarwal, Meyarivan, IEEE TEVC 2002) over members that maximise
// valid_acc and minimise a second objective value (Observation::objective_value, or the
// evaluation's cost when the driver did not fill it).
//
//   rank_and_crowd     each member's non-dominated rank (0 = front) and its crowding distance
//                      within its rank
//   crowded_better     Deb's crowded-comparison operator: lower rank, then larger crowding
//   survivors          NSGA-II environmental selection: whole fronts in rank order, the last one
//                      cut by descending crowding distance (ties: the lower index)

#include <nhb2/core/config.hpp>
#include <nhb2/core/optimizer.hpp>

#include <cstddef>
#include <vector>

namespace nhb2 {

struct MoMember {
  Config config;
  double valid_acc = 0.0;  // maximised
  double value = 0.0;      // minimised
};

// The member a tell() adds: objective_value, or cost_seconds when objective_value is NaN.
MoMember mo_member(const Trial& trial, const Observation& observation);

struct RankCrowding {
  std::vector<int> rank;
  std::vector<double> crowding;
};
RankCrowding rank_and_crowd(const std::vector<MoMember>& members);

// True when member a is strictly preferred to member b.
bool crowded_better(const RankCrowding& order, std::size_t a, std::size_t b);

// Indices of the `count` members NSGA-II keeps (count <= members.size()), in preference order.
std::vector<std::size_t> survivors(const std::vector<MoMember>& members, std::size_t count);

// Indices of the non-dominated members (rank 0), in index order.
std::vector<std::size_t> nondominated_members(const std::vector<MoMember>& members);

}  // namespace nhb2
