#include <nhb2/experiments/mo_report.hpp>

#include <nhb2/benchmark_api/objective_table.hpp>
#include <nhb2/core/file_io.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/experiments/plots.hpp>
#include <nhb2/experiments/statistics.hpp>

#include <algorithm>
#include <sstream>

namespace nhb2 {

namespace {

// The run's 12-epoch points with total_cost <= max_cost, and their config indices.
std::vector<Point2> run_points(const RunRecord& run, const ObjectiveTable& table, double max_cost,
                               std::vector<int>* indices = nullptr) {
  std::vector<Point2> points;
  for (const QueryRecord& q : run.queries) {
    if (q.total_cost > max_cost) break;
    if (q.epochs != kMaxEpochs) continue;
    points.push_back(table.point(q.config.index()));
    if (indices) indices->push_back(q.config.index());
  }
  return points;
}

std::vector<int> final_front(const RunRecord& run, const ObjectiveTable& table) {
  std::vector<int> indices;
  const std::vector<Point2> points = run_points(run, table, kMaxBudgetSeconds * 2, &indices);
  std::vector<int> front;
  for (std::size_t i : pareto_front_2d(points)) front.push_back(indices[i]);
  return front;
}

double test_acc_of(const Benchmark& benchmark, int index, int seed_index) {
  const Config config = Config::from_index(index);
  if (seed_index != kMeanOverSeeds) return benchmark.accuracy(config, Mode::test, 12, seed_index);
  double sum = 0.0;
  const int seeds = static_cast<int>(benchmark.seeds().size());
  for (int s = 0; s < seeds; ++s) sum += benchmark.accuracy(config, Mode::test, 12, s);
  return sum / seeds;
}

void front_row(std::string& out, const std::string& prefix, int index, const ObjectiveTable& table,
               double test_acc) {
  const Config config = Config::from_index(index);
  out += prefix + format_cellcode(config.cell()) + "," + format_double(config.lr()) + "," +
         std::to_string(config.batch_size()) + "," + std::to_string(index) + ",";
  append_double(out, table.valid_acc[index]);
  out += ",";
  append_double(out, table.value[index]);
  out += ",";
  append_double(out, test_acc);
  out += "\n";
}

}  // namespace

std::string write_mo_report(const std::string& dir, const SweepData& data,
                            const Benchmark& benchmark, const ObjectivePair& pair,
                            SeedPolicy seed_policy, bool plots) {
  const SweepHeader& h = data.header;
  const auto& seeds = benchmark.seeds();
  const int seed_index =
      seed_policy == SeedPolicy::fixed
          ? static_cast<int>(std::min_element(seeds.begin(), seeds.end()) - seeds.begin())
          : kMeanOverSeeds;
  const ObjectiveTable table = objective_table(benchmark, pair, seed_index);
  const ExactFront exact = exact_front(benchmark, table);
  const std::string name = objective_name(pair.minimised);
  const std::string header = format_header(h) + "# objectives: valid_acc (max), " + name +
                             " (min); reference (" + format_double(pair.reference_accuracy) +
                             " %, " + format_double(pair.reference_value) +
                             "); hypervolume normalised by the reference box\n";

  std::string exact_csv =
      header + "cellcode,lr,batch_size,config_index,valid_acc," + name + ",test_acc\n";
  for (const FrontPoint& p : exact.points)
    front_row(exact_csv, "", p.config_index, table, p.test_acc);
  write_file_atomic(dir + "/exact_front.csv", exact_csv);

  // Runs grouped by label, in header order.
  std::vector<std::vector<const RunRecord*>> by_label(h.labels.size());
  for (const RunRecord& run : data.runs) {
    const auto it = std::find(h.labels.begin(), h.labels.end(), run.label);
    if (it != h.labels.end())
      by_label[static_cast<std::size_t>(it - h.labels.begin())].push_back(&run);
  }
  for (auto& runs : by_label) {
    std::sort(runs.begin(), runs.end(),
              [](const RunRecord* a, const RunRecord* b) { return a->run < b->run; });
  }

  std::string fronts_csv =
      header + "label,run,cellcode,lr,batch_size,config_index,valid_acc," + name + ",test_acc\n";
  std::vector<std::vector<double>> finals(h.labels.size());
  std::vector<std::vector<int>> first_fronts(h.labels.size());
  std::vector<std::vector<int>> all_fronts(h.labels.size());
  for (std::size_t l = 0; l < h.labels.size(); ++l) {
    for (const RunRecord* run : by_label[l]) {
      const std::vector<int> front = final_front(*run, table);
      for (int index : front) {
        front_row(fronts_csv, h.labels[l] + "," + std::to_string(run->run) + ",", index, table,
                  test_acc_of(benchmark, index, seed_index));
      }
      if (run == by_label[l].front()) first_fronts[l] = front;
      all_fronts[l].insert(all_fronts[l].end(), front.begin(), front.end());
      finals[l].push_back(
          normalised_hypervolume(run_points(*run, table, kMaxBudgetSeconds * 2), pair));
    }
  }
  write_file_atomic(dir + "/fronts.csv", fronts_csv);

  std::string curves_csv = header + "label,cost,n,mean,standard_error,mean_regret\n";
  const int points = std::max(2, h.curve_points);
  for (std::size_t l = 0; l < h.labels.size(); ++l) {
    for (int k = 1; k <= points; ++k) {
      const double cost = h.budget_seconds * k / points;
      std::vector<double> values;
      for (const RunRecord* run : by_label[l]) {
        values.push_back(normalised_hypervolume(run_points(*run, table, cost), pair));
      }
      const double m = mean(values);
      curves_csv += h.labels[l] + "," + format_double(cost) + "," + std::to_string(values.size()) +
                    "," + format_double(m) + "," + format_double(standard_error(values)) + "," +
                    format_double(exact.hypervolume - m) + "\n";
    }
  }
  write_file_atomic(dir + "/hypervolume_curves.csv", curves_csv);

  // Ranks over the runs every label has.
  std::size_t paired = finals.empty() ? 0 : finals[0].size();
  for (const auto& f : finals) paired = std::min(paired, f.size());
  std::vector<double> rank_sum(h.labels.size(), 0.0);
  for (std::size_t r = 0; r < paired; ++r) {
    std::vector<double> values;
    for (const auto& f : finals) values.push_back(f[r]);
    const std::vector<double> ranks = descending_ranks(values);
    for (std::size_t l = 0; l < ranks.size(); ++l) rank_sum[l] += ranks[l];
  }
  std::string summary_csv = header +
                            "label,runs,mean_hypervolume,standard_error,mean_regret,average_rank,"
                            "wilcoxon_p_vs_first\n";
  std::ostringstream md;
  md << "# Multi-objective summary: " << h.name << "\n\n"
     << "Data: " << describe_source(h) << ". Objectives: valid_acc (max) vs " << name
     << " (min), reference (" << format_double(pair.reference_accuracy) << " %, "
     << format_double(pair.reference_value) << "). Budget " << format_double(h.budget_seconds)
     << " s, " << h.runs << " runs, master seed " << h.master_seed
     << ". Exact front: " << exact.points.size() << " points, hypervolume "
     << format_fixed(exact.hypervolume, 6) << ".\n\n"
     << "| optimizer | mean final hypervolume ± s.e. | mean regret | average rank | Wilcoxon p vs "
     << (h.labels.empty() ? "" : h.labels[0]) << " |\n|---|---|---|---|---|\n";
  for (std::size_t l = 0; l < h.labels.size(); ++l) {
    std::vector<double> mine(finals[l].begin(), finals[l].begin() + static_cast<long>(paired));
    std::vector<double> first(finals[0].begin(), finals[0].begin() + static_cast<long>(paired));
    const double p = wilcoxon_signed_rank(mine, first).p_value;
    const double m = mean(finals[l]);
    const double rank = paired ? rank_sum[l] / paired : 0.0;
    summary_csv += h.labels[l] + "," + std::to_string(finals[l].size()) + "," + format_double(m) +
                   "," + format_double(standard_error(finals[l])) + "," +
                   format_double(exact.hypervolume - m) + "," + format_double(rank) + "," +
                   (l == 0 ? std::string("") : format_double(p)) + "\n";
    md << "| " << h.labels[l] << " | " << format_fixed(m, 4) << " ± "
       << format_fixed(standard_error(finals[l]), 4) << " | "
       << format_fixed(exact.hypervolume - m, 4) << " | " << format_fixed(rank, 2) << " | "
       << (l == 0 ? std::string("–") : format_fixed(p, 4)) << " |\n";
  }
  write_file_atomic(dir + "/mo_summary.csv", summary_csv);
  write_file_atomic(dir + "/mo_summary.md", md.str());

  const double scale = pair.minimised == ObjectiveKind::params ? 1e-6 : 1.0;
  const std::string axis = pair.minimised == ObjectiveKind::params
                               ? std::string("params (millions)")
                               : name + " (" + objective_unit(pair.minimised) + ")";
  auto script = [&](const std::string& svg, const std::string& png) {
    std::ostringstream s;
    auto block = [&](const std::string& id, const std::vector<int>& indices) {
      s << "$" << id << " << EOD\n";
      std::vector<int> sorted = indices;
      std::sort(sorted.begin(), sorted.end(),
                [&](int a, int b) { return table.value[a] < table.value[b]; });
      for (int i : sorted) {
        s << format_double(table.value[i] * scale) << ' ' << format_double(table.valid_acc[i])
          << '\n';
      }
      s << "EOD\n";
    };
    std::vector<int> exact_indices;
    for (const FrontPoint& p : exact.points) exact_indices.push_back(p.config_index);
    block("exact", exact_indices);
    for (std::size_t l = 0; l < h.labels.size(); ++l) {
      block("all" + std::to_string(l), all_fronts[l]);
      block("run" + std::to_string(l), first_fronts[l]);
    }
    s << "set title "
      << gnuplot_quoted("sweep " + h.name + " — data: " + describe_source(h) +
                        ": final fronts vs the exact front")
      << " noenhanced\nset xlabel " << gnuplot_quoted(axis) << " noenhanced\n"
      << "set ylabel \"validation accuracy (%, 12 epochs)\"\nset grid\n"
      << "set key bottom right noenhanced\n";
    std::ostringstream plot;
    plot << "plot $exact using 1:2 with steps lw 2 lc rgb \"#000000\" title \"exact front\"";
    for (std::size_t l = 0; l < h.labels.size(); ++l) {
      const std::string colour = plot_colour(l);
      plot << ", \\\n     $all" << l << " using 1:2 with points pt 7 ps 0.3 lc rgb "
           << gnuplot_quoted(colour) << " notitle, \\\n     $run" << l
           << " using 1:2 with steps lw 1.5 lc rgb " << gnuplot_quoted(colour) << " title "
           << gnuplot_quoted(h.labels[l] + " (run 0; dots: all runs)");
    }
    plot << "\n";
    s << gnuplot_svg_and_png(plot.str(), svg, png);
    return s.str();
  };
  return plots ? render_gnuplot(dir, "fronts", script) : std::string();
}

}  // namespace nhb2
