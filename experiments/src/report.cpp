#include <nhb2/experiments/report.hpp>

#include <nhb2/core/file_io.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/experiments/aggregate.hpp>
#include <nhb2/experiments/plots.hpp>
#include <nhb2/experiments/sweep_config.hpp>

#include <cstdio>

namespace nhb2 {

namespace {

std::string p_value_text(double p) {
  char buffer[64];
  if (p < 1e-4) {
    std::snprintf(buffer, sizeof buffer, "%.1e", p);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.4f", p);
  }
  return buffer;
}

void append_stats(std::string& out, const DistributionStats& s) {
  for (double v : {s.mean, s.standard_error, s.median, s.q25, s.q75}) {
    out += ',';
    out += format_double(v);
  }
}

}  // namespace

std::string curves_csv(const SweepData& data) {
  std::string out = format_header(data.header);
  // The x column is named after the curve axis: cost (summed cost) or wallclock.
  out += data.header.curve_axis == "wallclock" ? "optimizer,wallclock,n" : "optimizer,cost,n";
  for (int e : data.header.report_epochs) {
    for (const std::string stat : {"mean", "se", "median", "q25", "q75"}) {
      out += ",test_acc_" + std::to_string(e) + "_" + stat;
    }
    for (const std::string stat : {"mean", "se", "median", "q25", "q75"}) {
      out += ",regret_" + std::to_string(e) + "_" + stat;
    }
  }
  out += '\n';
  for (const OptimizerCurve& curve : compute_curves(data)) {
    for (const CurvePoint& p : curve.points) {
      out += curve.label + "," + format_double(p.cost) + "," + std::to_string(p.n);
      for (std::size_t e = 0; e < data.header.report_epochs.size(); ++e) {
        append_stats(out, p.test_acc[e]);
        append_stats(out, p.regret[e]);
      }
      out += '\n';
    }
  }
  return out;
}

std::string summary_csv(const SweepData& data) {
  const Summary summary = compute_summary(data);
  const auto& epochs = data.header.report_epochs;
  std::string out = format_header(data.header);
  out += "optimizer,runs";
  for (int e : epochs) {
    out += ",test_acc_" + std::to_string(e) + "_mean,test_acc_" + std::to_string(e) + "_std";
  }
  for (int e : epochs) out += ",avg_rank_" + std::to_string(e);
  out += ",queries_mean,total_cost_mean";
  for (int e : epochs) {
    for (const auto& label : data.header.labels) {
      out += ",wilcoxon_p_" + std::to_string(e) + "_vs_" + label;
    }
  }
  for (int e : epochs) out += ",regret_" + std::to_string(e) + "_mean";
  out += '\n';
  for (std::size_t o = 0; o < summary.rows.size(); ++o) {
    const SummaryRow& row = summary.rows[o];
    out += row.label + "," + std::to_string(row.runs);
    for (std::size_t e = 0; e < epochs.size(); ++e) {
      out += "," + format_double(row.test_acc_mean[e]) + "," + format_double(row.test_acc_std[e]);
    }
    for (std::size_t e = 0; e < epochs.size(); ++e) out += "," + format_double(row.average_rank[e]);
    out += "," + format_double(row.queries_mean) + "," + format_double(row.total_cost_mean);
    for (std::size_t e = 0; e < epochs.size(); ++e) {
      for (std::size_t j = 0; j < summary.rows.size(); ++j) {
        out += "," + format_double(summary.wilcoxon[e][o][j]);
      }
    }
    for (std::size_t e = 0; e < epochs.size(); ++e) {
      out += "," + format_double(data.header.best_test_accs[e] - row.test_acc_mean[e]);
    }
    out += '\n';
  }
  return out;
}

std::string summary_md(const SweepData& data) {
  const SweepHeader& h = data.header;
  const Summary summary = compute_summary(data);
  std::string out = "# Sweep `" + h.name + "` — data: " + h.data_kind + "\n\n";
  out += "- data: " + describe_source(h) + ", table checksum `" + h.data_checksum + "`\n";
  out += "- budget: " + format_double(h.budget_seconds) + " simulated seconds per run; " +
         std::to_string(h.runs) + " runs per optimizer\n";
  out += "- seeds: master seed " + std::to_string(h.master_seed) +
         "; run i uses splitmix64(master seed, i) for every optimizer (paired runs); seed policy " +
         h.seed_policy + "\n\n";
  out += "## Final test accuracy (%, mean ± std over runs) and average rank\n\n";
  out += "| optimizer | runs |";
  std::string rule = "|---|---:|";
  for (int e : h.report_epochs) {
    out += " test acc, " + std::to_string(e) + " epochs |";
    rule += "---:|";
  }
  for (int e : h.report_epochs) {
    out += " regret, " + std::to_string(e) + " epochs |";
    rule += "---:|";
  }
  for (int e : h.report_epochs) {
    out += " avg rank (" + std::to_string(e) + ") |";
    rule += "---:|";
  }
  out += " queries | total cost (s) |\n" + rule + "---:|---:|\n";
  for (const SummaryRow& row : summary.rows) {
    out += "| " + row.label + " | " + std::to_string(row.runs) + " |";
    for (std::size_t e = 0; e < h.report_epochs.size(); ++e) {
      out += " " + format_fixed(row.test_acc_mean[e], 2) + " ± " +
             format_fixed(row.test_acc_std[e], 2) + " |";
    }
    for (std::size_t e = 0; e < h.report_epochs.size(); ++e) {
      out += " " + format_fixed(h.best_test_accs[e] - row.test_acc_mean[e], 2) + " |";
    }
    for (std::size_t e = 0; e < h.report_epochs.size(); ++e) {
      out += " " + format_fixed(row.average_rank[e], 2) + " |";
    }
    out += " " + format_fixed(row.queries_mean, 1) + " | " + format_fixed(row.total_cost_mean, 0) +
           " |\n";
  }
  out +=
      "\nRanks: for each run index the optimizers are ranked by final test accuracy (1 = best, "
      "ties share the mean rank), then ranks are averaged over runs. Accuracies are those of "
      "each run's final incumbent (highest validation accuracy). Regret: the best test "
      "accuracy in the whole space (the exact optimum; `nhb2 oracle`) minus the mean final test "
      "accuracy.\n";
  for (std::size_t e = 0; e < h.report_epochs.size(); ++e) {
    out += "\n## Wilcoxon signed-rank p-values, " + std::to_string(h.report_epochs[e]) +
           "-epoch test accuracy\n\n";
    out += "|  |";
    std::string head_rule = "|---|";
    for (const auto& label : h.labels) {
      out += " " + label + " |";
      head_rule += "---:|";
    }
    out += "\n" + head_rule + "\n";
    for (std::size_t i = 0; i < h.labels.size(); ++i) {
      out += "| " + h.labels[i] + " |";
      for (std::size_t j = 0; j < h.labels.size(); ++j) {
        out += i == j ? " — |" : " " + p_value_text(summary.wilcoxon[e][i][j]) + " |";
      }
      out += "\n";
    }
  }
  out +=
      "\nTwo-sided, paired by run index. Zero differences are dropped (Wilcoxon's zero method); "
      "tied differences get average ranks. Exact p-values when there are at most 25 pairs "
      "and no zero or tied differences; otherwise the normal approximation with tie-corrected "
      "variance and "
      "no continuity correction.\n";
  return out;
}

void write_records(const std::string& dir, const SweepData& data) {
  write_file_atomic(dir + "/trajectories.csv",
                    [&data](std::FILE* file) { return write_trajectories_csv(file, data); });
  write_file_atomic(dir + "/runs.csv", runs_csv(data));
}

ReportOutcome write_report(const std::string& dir, const SweepData& data,
                           const ReportOptions& options) {
  write_file_atomic(dir + "/curves.csv", curves_csv(data));
  write_file_atomic(dir + "/summary.csv", summary_csv(data));
  write_file_atomic(dir + "/summary.md", summary_md(data));
  ReportOutcome outcome;
  if (options.plots) {
    outcome.plot_warning = write_plots(dir, data, compute_curves(data), options.gnuplot);
  }
  return outcome;
}

}  // namespace nhb2
