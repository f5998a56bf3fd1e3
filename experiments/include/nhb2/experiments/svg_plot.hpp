#pragma once
// Inline SVG figures for the HTML report: line charts with interval bands and critical-difference
// diagrams. Text only, no scripts; coordinates are printed with fixed decimals so that the same
// inputs give the same bytes. Each figure is an <svg class="figure"> with a viewBox (it scales
// with the page) and a <title>.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace nhb2 {

struct SvgSeries {
  std::string label;
  std::vector<double> x, y;
  std::vector<double> lo, hi;  // a shaded band when both are non-empty (same size as x)
  bool step = false;           // draw as a right-continuous step function (ECDF)
};

struct SvgAxes {
  std::string title;
  std::string x_label;
  std::string y_label;
  bool log_x = false;
  bool invert_y = false;  // smaller is drawn higher (ranks)
};

// The colour of series i (a ten-colour palette, repeated).
const char* series_color(std::size_t i);

std::string svg_line_chart(const std::vector<SvgSeries>& series, const SvgAxes& axes);

// labels[i] with mean_ranks[i]; cliques as [first, last] positions in `order` (best first).
std::string svg_cd_diagram(const std::string& title, const std::vector<std::string>& labels,
                           const std::vector<double>& mean_ranks,
                           const std::vector<std::size_t>& order, double critical_difference,
                           const std::vector<std::pair<std::size_t, std::size_t>>& cliques);

// Escapes &, <, >, " for HTML text and attributes.
std::string html_escape(const std::string& text);

}  // namespace nhb2
