#include <nhb2/experiments/aggregate.hpp>

#include <nhb2/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace nhb2 {

DistributionStats describe_distribution(const std::vector<double>& values) {
  DistributionStats s;
  s.mean = mean(values);
  s.standard_error = standard_error(values);
  s.median = quantile(values, 0.5);
  s.q25 = quantile(values, 0.25);
  s.q75 = quantile(values, 0.75);
  return s;
}

std::vector<const RunRecord*> runs_of(const SweepData& data, const std::string& label) {
  std::vector<const RunRecord*> runs;
  for (const auto& r : data.runs) {
    if (r.label == label) runs.push_back(&r);
  }
  return runs;
}

double curve_x(const SweepHeader& header, const QueryRecord& query) {
  return header.curve_axis == "wallclock" ? query.wallclock : query.total_cost;
}

double curve_x(const SweepHeader& header, const IncumbentStep& step) {
  return header.curve_axis == "wallclock" ? step.wallclock : step.total_cost;
}

std::vector<double> cost_grid(const SweepData& data) {
  const bool wallclock = data.header.curve_axis == "wallclock";
  double lo = std::numeric_limits<double>::infinity();
  double hi = 0.0;
  for (const auto& r : data.runs) {
    const IncumbentTrace& t = r.trace;
    if (t.queries == 0) continue;
    lo = std::min(lo, wallclock ? t.first_wallclock : t.first_total_cost);
    hi = std::max(hi, wallclock ? t.last_wallclock : t.last_total_cost);
  }
  const int n = data.header.curve_points;
  std::vector<double> grid(static_cast<std::size_t>(n));
  if (!(lo > 0.0) || !std::isfinite(lo) || hi <= lo) {
    // Degenerate (a single cost or zero costs): a flat grid still gives well-defined curves.
    for (auto& c : grid) c = std::max(hi, 0.0);
    return grid;
  }
  const double log_lo = std::log(lo);
  const double log_hi = std::log(hi);
  for (int k = 0; k < n; ++k) {
    grid[static_cast<std::size_t>(k)] =
        std::exp(log_lo + (log_hi - log_lo) * static_cast<double>(k) / (n - 1));
  }
  grid.front() = lo;  // exact ends, whatever exp(log(x)) rounds to
  grid.back() = hi;
  return grid;
}

std::vector<OptimizerCurve> compute_curves(const SweepData& data) {
  const std::vector<double> grid = cost_grid(data);
  const std::size_t num_epochs = data.header.report_epochs.size();
  std::vector<OptimizerCurve> curves;
  for (const auto& label : data.header.labels) {
    const std::vector<const RunRecord*> runs = runs_of(data, label);
    OptimizerCurve curve;
    curve.label = label;
    std::vector<std::size_t> cursor(runs.size(), 0);  // trace steps at or below the grid cost
    for (double cost : grid) {
      std::vector<std::vector<double>> acc(num_epochs), regret(num_epochs);
      for (std::size_t i = 0; i < runs.size(); ++i) {
        const auto& steps = runs[i]->trace.steps;
        while (cursor[i] < steps.size() && curve_x(data.header, steps[cursor[i]]) <= cost) {
          ++cursor[i];
        }
        if (cursor[i] == 0) continue;
        const IncumbentStep& q = steps[cursor[i] - 1];
        for (std::size_t e = 0; e < num_epochs; ++e) {
          acc[e].push_back(q.test_accs[e]);
          regret[e].push_back(data.header.best_test_accs[e] - q.test_accs[e]);
        }
      }
      CurvePoint point;
      point.cost = cost;
      point.n = acc.empty() ? 0 : acc[0].size();
      for (std::size_t e = 0; e < num_epochs; ++e) {
        point.test_acc.push_back(describe_distribution(acc[e]));
        point.regret.push_back(describe_distribution(regret[e]));
      }
      curve.points.push_back(std::move(point));
    }
    curves.push_back(std::move(curve));
  }
  return curves;
}

Summary compute_summary(const SweepData& data) {
  const auto& labels = data.header.labels;
  const std::size_t num_epochs = data.header.report_epochs.size();
  const std::size_t num_opt = labels.size();
  // finals[o][e][run]
  std::vector<std::vector<std::vector<double>>> finals(
      num_opt, std::vector<std::vector<double>>(num_epochs));
  Summary summary;
  for (std::size_t o = 0; o < num_opt; ++o) {
    SummaryRow row;
    row.label = labels[o];
    const auto runs = runs_of(data, labels[o]);
    row.runs = runs.size();
    std::vector<double> queries, costs;
    for (const RunRecord* r : runs) {
      for (std::size_t e = 0; e < num_epochs; ++e) finals[o][e].push_back(r->test_accs[e]);
      queries.push_back(static_cast<double>(r->trace.queries));
      costs.push_back(r->total_cost);
    }
    for (std::size_t e = 0; e < num_epochs; ++e) {
      row.test_acc_mean.push_back(mean(finals[o][e]));
      row.test_acc_std.push_back(sample_std(finals[o][e]));
    }
    row.queries_mean = mean(queries);
    row.total_cost_mean = mean(costs);
    row.average_rank.assign(num_epochs, 0.0);
    summary.rows.push_back(std::move(row));
  }
  std::size_t num_runs = finals.empty() || finals[0].empty() ? 0 : finals[0][0].size();
  for (std::size_t o = 0; o < num_opt; ++o) {
    if (finals[o][0].size() != num_runs) {
      throw DataError("optimizer " + labels[o] + " has " + std::to_string(finals[o][0].size()) +
                      " runs, " + labels[0] + " has " + std::to_string(num_runs) +
                      "; ranks and paired tests need the same runs");
    }
  }
  summary.wilcoxon.assign(
      num_epochs, std::vector<std::vector<double>>(num_opt, std::vector<double>(num_opt, 1.0)));
  for (std::size_t e = 0; e < num_epochs; ++e) {
    for (std::size_t run = 0; run < num_runs; ++run) {
      std::vector<double> values(num_opt);
      for (std::size_t o = 0; o < num_opt; ++o) values[o] = finals[o][e][run];
      const std::vector<double> ranks = descending_ranks(values);
      for (std::size_t o = 0; o < num_opt; ++o) summary.rows[o].average_rank[e] += ranks[o];
    }
    for (std::size_t o = 0; o < num_opt; ++o) {
      summary.rows[o].average_rank[e] =
          num_runs ? summary.rows[o].average_rank[e] / static_cast<double>(num_runs) : 0.0;
    }
    for (std::size_t i = 0; i < num_opt; ++i) {
      for (std::size_t j = 0; j < num_opt; ++j) {
        if (i != j) {
          summary.wilcoxon[e][i][j] = wilcoxon_signed_rank(finals[i][e], finals[j][e]).p_value;
        }
      }
    }
  }
  return summary;
}

}  // namespace nhb2
