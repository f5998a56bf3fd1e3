#include "mo_html.hpp"

#include <nhb2/core/error.hpp>
#include <nhb2/core/file_io.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/core/objectives.hpp>
#include <nhb2/experiments/svg_plot.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <vector>

namespace nhb2 {

namespace {

// The data rows of one of write_mo_report()'s CSV files: "#" lines skipped, the column line
// checked, every row split on commas into exactly as many fields.
struct CsvRows {
  std::string path;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> line_numbers;

  [[noreturn]] void fail(std::size_t row, const std::string& what) const {
    throw DataError(path + ":" + std::to_string(line_numbers[row]) + ": " + what);
  }
  double number(std::size_t row, std::size_t column) const {
    const std::string& text = rows[row][column];
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) {
      fail(row, "column '" + columns[column] + "': '" + text + "' is not a number");
    }
    return value;
  }
};

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t at = 0;
  while (true) {
    const std::size_t comma = line.find(',', at);
    fields.push_back(line.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (comma == std::string::npos) return fields;
    at = comma + 1;
  }
}

// `expected` lists the leading columns; the file may name its objective column after them.
CsvRows read_rows(const std::string& path, const std::vector<std::string>& expected) {
  CsvRows csv{path, {}, {}, {}};
  const std::string text = read_file(path);
  int line_number = 0;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string line = text.substr(at, end - at);
    at = end + 1;
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    if (csv.columns.empty()) {
      csv.columns = split_fields(line);
      if (csv.columns.size() < expected.size() ||
          !std::equal(expected.begin(), expected.end(), csv.columns.begin())) {
        std::string want;
        for (const auto& name : expected) want += (want.empty() ? "" : ",") + name;
        throw DataError(path + ":" + std::to_string(line_number) + ": the column line is '" + line +
                        "'; expected it to start with '" + want + "'");
      }
      continue;
    }
    csv.rows.push_back(split_fields(line));
    csv.line_numbers.push_back(line_number);
    if (csv.rows.back().size() != csv.columns.size()) {
      csv.fail(csv.rows.size() - 1, std::to_string(csv.rows.back().size()) + " fields, expected " +
                                        std::to_string(csv.columns.size()));
    }
  }
  if (csv.columns.empty()) throw DataError(path + ": no column line");
  return csv;
}

std::string cell(const std::string& text, double sort_key) {
  return "<td data-v=\"" + format_double(sort_key) + "\">" + text + "</td>";
}

// A front as steps in the (objective, accuracy) plane, sorted by the objective.
SvgSeries front_series(const std::string& label, std::vector<std::pair<double, double>> points) {
  std::sort(points.begin(), points.end());
  SvgSeries series;
  series.label = label;
  series.step = true;
  for (const auto& [value, accuracy] : points) {
    series.x.push_back(value);
    series.y.push_back(accuracy);
  }
  return series;
}

}  // namespace

std::string mo_html_section(const std::string& dir) {
  const std::string summary_path = dir + "/mo_summary.csv";
  if (!std::filesystem::exists(summary_path)) return "";
  const CsvRows summary =
      read_rows(summary_path, {"label", "runs", "mean_hypervolume", "standard_error", "mean_regret",
                               "average_rank", "wilcoxon_p_vs_first"});
  const CsvRows exact = read_rows(dir + "/exact_front.csv",
                                  {"cellcode", "lr", "batch_size", "config_index", "valid_acc"});
  const CsvRows fronts =
      read_rows(dir + "/fronts.csv",
                {"label", "run", "cellcode", "lr", "batch_size", "config_index", "valid_acc"});
  const CsvRows curves = read_rows(dir + "/hypervolume_curves.csv",
                                   {"label", "cost", "n", "mean", "standard_error", "mean_regret"});
  if (exact.columns.size() != 7 || fronts.columns.size() != 9) {
    throw DataError(dir + "/fronts.csv: expected the objective's column after valid_acc");
  }
  if (summary.rows.empty()) throw DataError(summary_path + ": no optimizer rows");
  const std::string objective = exact.columns[5];
  ObjectiveKind kind = ObjectiveKind::cost;
  try {
    kind = parse_objective(objective);
  } catch (const Error& error) {
    throw DataError(exact.path + ": the objective column: " + error.what());
  }
  // Params in millions, as the gnuplot figure draws them.
  const double scale = kind == ObjectiveKind::params ? 1e-6 : 1.0;
  const std::string axis = kind == ObjectiveKind::params
                               ? std::string("params (millions)")
                               : objective + " (" + objective_unit(kind) + ")";

  std::vector<std::string> labels;
  for (std::size_t r = 0; r < summary.rows.size(); ++r) labels.push_back(summary.rows[r][0]);
  const double exact_hypervolume = summary.number(0, 2) + summary.number(0, 4);

  std::string out =
      "<h2 id=\"multi-objective\">Multi-objective: hypervolume against the exact front</h2>\n"
      "<p class=\"note\">Objectives: valid_acc (maximised) against " +
      html_escape(objective) +
      " (minimised). Hypervolume normalised by the reference box; the "
      "exact front of the whole table has " +
      std::to_string(exact.rows.size()) + " points and hypervolume " +
      format_fixed(exact_hypervolume, 6) +
      ". Regret = exact − the run's hypervolume; rank 1 = largest hypervolume; p: paired "
      "two-sided Wilcoxon signed-rank test against " +
      html_escape(labels[0]) + ". Click a column to sort.</p>\n";
  out += "<div class=\"scroll\"><table class=\"sortable\" data-rows=\"" +
         std::to_string(summary.rows.size()) +
         "\"><thead><tr><th>optimizer</th><th>runs</th><th>final hypervolume</th>"
         "<th>regret</th><th>average rank</th><th>p vs " +
         html_escape(labels[0]) + "</th></tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < summary.rows.size(); ++r) {
    const double mean = summary.number(r, 2);
    const bool first = r == 0 || summary.rows[r][6].empty();
    const double p = first ? 1.0 : summary.number(r, 6);
    out += "<tr><td>" + html_escape(labels[r]) + "</td>" +
           cell(summary.rows[r][1], summary.number(r, 1)) +
           cell(format_fixed(mean, 4) + " ± " + format_fixed(summary.number(r, 3), 4), mean) +
           cell(format_fixed(summary.number(r, 4), 4), summary.number(r, 4)) +
           cell(format_fixed(summary.number(r, 5), 2), summary.number(r, 5)) +
           cell(first ? "–" : format_fixed(p, 4), p) + "</tr>\n";
  }
  out += "</tbody></table></div>\n<div class=\"figures\">\n";

  // Final fronts: the exact one and each label's lowest-numbered run.
  std::vector<SvgSeries> front_plot;
  std::vector<std::pair<double, double>> exact_points;
  for (std::size_t r = 0; r < exact.rows.size(); ++r) {
    exact_points.emplace_back(exact.number(r, 5) * scale, exact.number(r, 4));
  }
  front_plot.push_back(front_series("exact front", exact_points));
  for (const std::string& label : labels) {
    double first_run = -1.0;
    std::vector<std::pair<double, double>> points;
    for (std::size_t r = 0; r < fronts.rows.size(); ++r) {
      if (fronts.rows[r][0] != label) continue;
      const double run = fronts.number(r, 1);
      if (first_run < 0.0 || run < first_run) {
        first_run = run;
        points.clear();
      }
      if (run == first_run) points.emplace_back(fronts.number(r, 7) * scale, fronts.number(r, 6));
    }
    if (!points.empty()) {
      front_plot.push_back(
          front_series(label + " (run " + format_double(first_run) + ")", std::move(points)));
    }
  }
  out += "<figure>" +
         svg_line_chart(front_plot, {"final fronts against the exact front", axis,
                                     "validation accuracy (%, 12 epochs)", false, false}) +
         "</figure>\n";

  // Hypervolume over cost, and the exact front's as a horizontal line.
  std::vector<SvgSeries> curve_plot;
  double min_cost = 0.0, max_cost = 0.0;
  for (const std::string& label : labels) {
    SvgSeries series;
    series.label = label;
    for (std::size_t r = 0; r < curves.rows.size(); ++r) {
      if (curves.rows[r][0] != label || curves.number(r, 2) == 0.0) continue;
      const double cost = curves.number(r, 1);
      const double mean = curves.number(r, 3);
      const double se = curves.number(r, 4);
      series.x.push_back(cost);
      series.y.push_back(mean);
      series.lo.push_back(mean - se);
      series.hi.push_back(mean + se);
      min_cost = min_cost == 0.0 ? cost : std::min(min_cost, cost);
      max_cost = std::max(max_cost, cost);
    }
    if (!series.x.empty()) curve_plot.push_back(std::move(series));
  }
  if (!curve_plot.empty() && min_cost > 0.0) {
    SvgSeries exact_line;
    exact_line.label = "exact front";
    exact_line.x = {min_cost, max_cost};
    exact_line.y = {exact_hypervolume, exact_hypervolume};
    curve_plot.insert(curve_plot.begin(), std::move(exact_line));
    out +=
        "<figure>" +
        svg_line_chart(curve_plot, {"hypervolume of the queries so far (mean ± s.e.)",
                                    "cumulative cost (s)", "normalised hypervolume", true, false}) +
        "</figure>\n";
  }
  out += "</div>\n";
  return out;
}

void insert_mo_section(std::string& page, const std::string& section) {
  if (section.empty()) return;
  const std::string heading = "<h2 id=\"reproduce\">";
  const std::size_t at = page.find(heading);
  if (at == std::string::npos) return;
  page.insert(at, section);
  const std::string link = "<a href=\"#reproduce\">";
  const std::size_t nav = page.find(link);
  if (nav != std::string::npos) {
    page.insert(nav, "<a href=\"#multi-objective\">multi-objective</a>");
  }
}

}  // namespace nhb2
