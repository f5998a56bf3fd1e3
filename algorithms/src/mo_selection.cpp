#include <nhb2/algorithms/mo_selection.hpp>
#include <nhb2/core/pareto.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nhb2 {

namespace {

std::vector<std::vector<double>> minimisation_points(const std::vector<MoMember>& members) {
  std::vector<std::vector<double>> points;
  points.reserve(members.size());
  for (const MoMember& member : members) points.push_back({-member.valid_acc, member.value});
  return points;
}

}  // namespace

MoMember mo_member(const Trial& trial, const Observation& observation) {
  const double value = std::isnan(observation.objective_value) ? observation.cost_seconds
                                                               : observation.objective_value;
  return MoMember{trial.config, observation.valid_acc, value};
}

RankCrowding rank_and_crowd(const std::vector<MoMember>& members) {
  const std::vector<std::vector<double>> points = minimisation_points(members);
  RankCrowding order;
  order.rank = nondominated_ranks(points);
  order.crowding.assign(members.size(), 0.0);
  const int levels =
      order.rank.empty() ? 0 : *std::max_element(order.rank.begin(), order.rank.end()) + 1;
  std::vector<std::vector<std::size_t>> groups(static_cast<std::size_t>(levels));
  for (std::size_t i = 0; i < members.size(); ++i) {
    groups[static_cast<std::size_t>(order.rank[i])].push_back(i);
  }
  for (const auto& group : groups) {
    const std::vector<double> distance = crowding_distances(points, group);
    for (std::size_t k = 0; k < group.size(); ++k) order.crowding[group[k]] = distance[k];
  }
  return order;
}

bool crowded_better(const RankCrowding& order, std::size_t a, std::size_t b) {
  if (order.rank[a] != order.rank[b]) return order.rank[a] < order.rank[b];
  return order.crowding[a] > order.crowding[b];
}

std::vector<std::size_t> survivors(const std::vector<MoMember>& members, std::size_t count) {
  const RankCrowding order = rank_and_crowd(members);
  std::vector<std::size_t> indices(members.size());
  std::iota(indices.begin(), indices.end(), std::size_t{0});
  // Sorting by (rank, -crowding, index) keeps whole fronts in rank order and cuts the last one
  // by crowding, exactly NSGA-II's rule.
  std::sort(indices.begin(), indices.end(), [&](std::size_t a, std::size_t b) {
    if (crowded_better(order, a, b)) return true;
    if (crowded_better(order, b, a)) return false;
    return a < b;
  });
  indices.resize(std::min(count, indices.size()));
  return indices;
}

std::vector<std::size_t> nondominated_members(const std::vector<MoMember>& members) {
  const std::vector<int> rank = nondominated_ranks(minimisation_points(members));
  std::vector<std::size_t> front;
  for (std::size_t i = 0; i < rank.size(); ++i) {
    if (rank[i] == 0) front.push_back(i);
  }
  return front;
}

}  // namespace nhb2
