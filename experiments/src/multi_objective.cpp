#include <nhb2/experiments/multi_objective.hpp>

#include <nhb2/core/constants.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/rng.hpp>

#include <limits>

namespace nhb2 {

namespace {

std::vector<Point2> points_up_to(const Session& session, const ObjectiveTable& table,
                                 double max_total_cost, std::vector<int>* indices = nullptr) {
  std::vector<Point2> points;
  for (const LogRecord& record : session.log()) {
    if (record.total_cost > max_total_cost) break;
    if (record.epochs != kMaxEpochs) continue;
    points.push_back(table.point(record.key.index()));
    if (indices) indices->push_back(record.key.index());
  }
  return points;
}

}  // namespace

std::vector<int> run_front(const Session& session, const ObjectiveTable& table) {
  std::vector<int> indices;
  const std::vector<Point2> points =
      points_up_to(session, table, std::numeric_limits<double>::infinity(), &indices);
  std::vector<int> front;
  for (std::size_t i : pareto_front_2d(points)) front.push_back(indices[i]);
  return front;
}

std::vector<double> hypervolume_curve(const Session& session, const ObjectiveTable& table,
                                      const std::vector<double>& cost_grid) {
  std::vector<double> curve;
  curve.reserve(cost_grid.size());
  for (double cost : cost_grid) {
    curve.push_back(normalised_hypervolume(points_up_to(session, table, cost), table.pair));
  }
  return curve;
}

double run_hypervolume(const Session& session, const ObjectiveTable& table) {
  return normalised_hypervolume(
      points_up_to(session, table, std::numeric_limits<double>::infinity()), table.pair);
}

MoComparison compare_multi_objective(const Benchmark& benchmark, const Registry& registry,
                                     const std::vector<std::string>& names,
                                     const ObjectiveTable& table, int runs,
                                     std::uint64_t master_seed, RunSpec base) {
  if (names.empty()) throw InvalidArgument("no optimizer to compare; give at least one");
  if (runs < 1) {
    throw InvalidArgument("runs " + std::to_string(runs) + " must be >= 1");
  }
  MoComparison comparison;
  comparison.exact_hypervolume = exact_front(benchmark, table).hypervolume;
  base.objectives = table.pair;
  for (const std::string& name : names) {
    MoOptimizerSummary summary;
    summary.name = name;
    for (int run = 0; run < runs; ++run) {
      RunSpec spec = base;
      spec.run_seed = run_seed(master_seed, static_cast<std::uint64_t>(run));
      const RunOutcome outcome =
          run_registered(benchmark, registry, name, {}, SearchSpace(), spec, run);
      summary.final_hypervolume.push_back(run_hypervolume(outcome.session, table));
    }
    summary.mean_hypervolume = mean(summary.final_hypervolume);
    summary.standard_error = standard_error(summary.final_hypervolume);
    summary.mean_regret = comparison.exact_hypervolume - summary.mean_hypervolume;
    comparison.optimizers.push_back(std::move(summary));
  }
  // Ranks per run across optimizers, then averaged; Wilcoxon against the baseline (first).
  for (int run = 0; run < runs; ++run) {
    std::vector<double> values;
    for (const auto& summary : comparison.optimizers)
      values.push_back(summary.final_hypervolume[run]);
    const std::vector<double> ranks = descending_ranks(values);
    for (std::size_t k = 0; k < ranks.size(); ++k) {
      comparison.optimizers[k].average_rank += ranks[k] / runs;
    }
  }
  const std::vector<double>& baseline = comparison.optimizers.front().final_hypervolume;
  for (auto& summary : comparison.optimizers) {
    summary.against_baseline = wilcoxon_signed_rank(summary.final_hypervolume, baseline);
  }
  return comparison;
}

}  // namespace nhb2
