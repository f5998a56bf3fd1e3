#include <nhb2/experiments/svg_plot.hpp>

#include <nhb2/core/format.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace nhb2 {

namespace {

constexpr double kWidth = 720.0;
constexpr double kHeight = 400.0;
constexpr double kLeft = 64.0;
constexpr double kRight = 160.0;  // legend column
constexpr double kTop = 34.0;
constexpr double kBottom = 52.0;

std::string num(double v) {
  return format_fixed(std::fabs(v) < 5e-3 ? 0.0 : v, 2);
}

// Tick values for a linear axis: about five "nice" steps.
std::vector<double> linear_ticks(double lo, double hi) {
  const double span = hi - lo;
  const double raw = span / 5.0;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * magnitude;
    if (span / step <= 6.0) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
  }
  return ticks;
}

std::string tick_label(double v) {
  if (v != 0.0 && (std::fabs(v) >= 1e5 || std::fabs(v) < 1e-3)) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.0e", v);
    return buffer;
  }
  std::string s = format_fixed(v, 3);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

}  // namespace

const char* series_color(std::size_t i) {
  static const char* const kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return kPalette[i % 10];
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string svg_line_chart(const std::vector<SvgSeries>& series, const SvgAxes& axes) {
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo;
  double y_lo = x_lo, y_hi = -x_lo;
  for (const auto& s : series) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.y[i]) || (axes.log_x && !(s.x[i] > 0.0))) continue;
      x_lo = std::min(x_lo, s.x[i]);
      x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.lo.empty() ? s.y[i] : s.lo[i]);
      y_hi = std::max(y_hi, s.hi.empty() ? s.y[i] : s.hi[i]);
    }
  }
  if (!std::isfinite(x_lo)) {  // nothing to draw: an empty frame
    x_lo = axes.log_x ? 1.0 : 0.0;
    x_hi = axes.log_x ? 10.0 : 1.0;
    y_lo = 0.0;
    y_hi = 1.0;
  }
  if (x_hi <= x_lo) x_hi = x_lo + (axes.log_x ? x_lo : 1.0), x_lo -= axes.log_x ? 0.0 : 1.0;
  if (y_hi <= y_lo) y_hi = y_lo + 0.5, y_lo -= 0.5;
  const double pad = 0.04 * (y_hi - y_lo);
  y_lo -= pad;
  y_hi += pad;
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  auto tx = [&](double x) {
    const double f =
        axes.log_x ? (std::log10(x) - std::log10(x_lo)) / (std::log10(x_hi) - std::log10(x_lo))
                   : (x - x_lo) / (x_hi - x_lo);
    return kLeft + f * plot_w;
  };
  auto ty = [&](double y) {
    const double f = (y - y_lo) / (y_hi - y_lo);
    return axes.invert_y ? kTop + f * plot_h : kTop + (1.0 - f) * plot_h;
  };

  std::string out = "<svg class=\"figure\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight) +
                    "\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\"><title>" +
                    html_escape(axes.title) + "</title>\n";
  out += "<rect class=\"frame\" x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" +
         num(plot_w) + "\" height=\"" + num(plot_h) + "\"/>\n";
  // Axes and ticks.
  std::vector<double> x_ticks;
  if (axes.log_x) {
    for (int d = static_cast<int>(std::floor(std::log10(x_lo)));
         d <= static_cast<int>(std::ceil(std::log10(x_hi))); ++d) {
      for (double m : {1.0, 2.0, 5.0}) {
        const double t = m * std::pow(10.0, d);
        if (t >= x_lo * (1 - 1e-9) && t <= x_hi * (1 + 1e-9)) x_ticks.push_back(t);
      }
    }
  } else {
    x_ticks = linear_ticks(x_lo, x_hi);
  }
  for (double t : x_ticks) {
    out += "<line class=\"grid\" x1=\"" + num(tx(t)) + "\" y1=\"" + num(kTop) + "\" x2=\"" +
           num(tx(t)) + "\" y2=\"" + num(kTop + plot_h) + "\"/><text class=\"tick\" x=\"" +
           num(tx(t)) + "\" y=\"" + num(kTop + plot_h + 16) + "\" text-anchor=\"middle\">" +
           tick_label(t) + "</text>\n";
  }
  for (double t : linear_ticks(y_lo, y_hi)) {
    out += "<line class=\"grid\" x1=\"" + num(kLeft) + "\" y1=\"" + num(ty(t)) + "\" x2=\"" +
           num(kLeft + plot_w) + "\" y2=\"" + num(ty(t)) + "\"/><text class=\"tick\" x=\"" +
           num(kLeft - 6) + "\" y=\"" + num(ty(t) + 4) + "\" text-anchor=\"end\">" + tick_label(t) +
           "</text>\n";
  }
  out += "<text class=\"label\" x=\"" + num(kLeft + plot_w / 2) + "\" y=\"" + num(kHeight - 12) +
         "\" text-anchor=\"middle\">" + html_escape(axes.x_label) + "</text>\n";
  out += "<text class=\"label\" transform=\"translate(16 " + num(kTop + plot_h / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + html_escape(axes.y_label) + "</text>\n";
  out += "<text class=\"title\" x=\"" + num(kLeft) + "\" y=\"22\">" + html_escape(axes.title) +
         "</text>\n";
  // Bands, then lines, then the legend.
  for (std::size_t i = 0; i < series.size(); ++i) {
    const auto& s = series[i];
    if (s.lo.empty() || s.hi.empty()) continue;
    std::string upper, lower;
    for (std::size_t j = 0; j < s.x.size(); ++j) {
      if (!std::isfinite(s.y[j]) || (axes.log_x && !(s.x[j] > 0.0))) continue;
      upper += (upper.empty() ? "" : " ") + num(tx(s.x[j])) + "," + num(ty(s.hi[j]));
      lower = num(tx(s.x[j])) + "," + num(ty(s.lo[j])) + (lower.empty() ? "" : " ") + lower;
    }
    if (upper.empty()) continue;
    out += "<polygon class=\"band\" fill=\"" + std::string(series_color(i)) + "\" points=\"" +
           upper + " " + lower + "\"/>\n";
  }
  for (std::size_t i = 0; i < series.size(); ++i) {
    const auto& s = series[i];
    std::string points;
    double previous_y = 0.0;
    for (std::size_t j = 0; j < s.x.size(); ++j) {
      if (!std::isfinite(s.y[j]) || (axes.log_x && !(s.x[j] > 0.0))) continue;
      if (s.step && !points.empty()) points += " " + num(tx(s.x[j])) + "," + num(previous_y);
      points += (points.empty() ? "" : " ") + num(tx(s.x[j])) + "," + num(ty(s.y[j]));
      previous_y = ty(s.y[j]);
    }
    out += "<polyline class=\"series\" stroke=\"" + std::string(series_color(i)) + "\" points=\"" +
           points + "\"><title>" + html_escape(s.label) + "</title></polyline>\n";
    const double ly = kTop + 8 + 18.0 * static_cast<double>(i);
    out += "<line stroke=\"" + std::string(series_color(i)) + "\" class=\"legend-line\" x1=\"" +
           num(kWidth - kRight + 12) + "\" y1=\"" + num(ly) + "\" x2=\"" +
           num(kWidth - kRight + 32) + "\" y2=\"" + num(ly) + "\"/><text class=\"legend\" x=\"" +
           num(kWidth - kRight + 38) + "\" y=\"" + num(ly + 4) + "\">" + html_escape(s.label) +
           "</text>\n";
  }
  out += "</svg>\n";
  return out;
}

std::string svg_cd_diagram(const std::string& title, const std::vector<std::string>& labels,
                           const std::vector<double>& mean_ranks,
                           const std::vector<std::size_t>& order, double critical_difference,
                           const std::vector<std::pair<std::size_t, std::size_t>>& cliques) {
  const std::size_t k = labels.size();
  const std::size_t half = (k + 1) / 2;  // best half labelled on the left
  const double left = 150.0, right = kWidth - 150.0, axis_y = 70.0;
  const double clique_top = axis_y + 14.0;
  const double label_top = clique_top + 10.0 * static_cast<double>(cliques.size()) + 18.0;
  const double height = label_top + 22.0 * static_cast<double>(half) + 16.0;
  auto tx = [&](double rank) {
    return left + (rank - 1.0) / std::max(1.0, static_cast<double>(k) - 1.0) * (right - left);
  };
  std::string out = "<svg class=\"figure cd\" viewBox=\"0 0 " + num(kWidth) + " " + num(height) +
                    "\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\"><title>" +
                    html_escape(title) + "</title>\n";
  out += "<text class=\"title\" x=\"12\" y=\"20\">" + html_escape(title) + "</text>\n";
  out += "<line class=\"axis\" x1=\"" + num(left) + "\" y1=\"" + num(axis_y) + "\" x2=\"" +
         num(right) + "\" y2=\"" + num(axis_y) + "\"/>\n";
  for (std::size_t r = 1; r <= k; ++r) {
    const double x = tx(static_cast<double>(r));
    out += "<line class=\"axis\" x1=\"" + num(x) + "\" y1=\"" + num(axis_y - 5) + "\" x2=\"" +
           num(x) + "\" y2=\"" + num(axis_y) + "\"/><text class=\"tick\" x=\"" + num(x) +
           "\" y=\"" + num(axis_y - 9) + "\" text-anchor=\"middle\">" + std::to_string(r) +
           "</text>\n";
  }
  // The CD bar above the axis, from rank 1.
  const double cd_end = tx(1.0 + critical_difference);
  out += "<line class=\"cdbar\" x1=\"" + num(tx(1.0)) + "\" y1=\"36\" x2=\"" +
         num(std::min(cd_end, right)) + "\" y2=\"36\"/><text class=\"tick\" x=\"" +
         num(std::min(cd_end, right) + 6) +
         "\" y=\"40\">CD = " + format_fixed(critical_difference, 3) + "</text>\n";
  for (std::size_t c = 0; c < cliques.size(); ++c) {
    const double y = clique_top + 10.0 * static_cast<double>(c);
    out += "<line class=\"clique\" x1=\"" + num(tx(mean_ranks[order[cliques[c].first]]) - 4) +
           "\" y1=\"" + num(y) + "\" x2=\"" + num(tx(mean_ranks[order[cliques[c].second]]) + 4) +
           "\" y2=\"" + num(y) + "\"/>\n";
  }
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t o = order[i];
    const bool left_side = i < half;
    const std::size_t row = left_side ? i : k - 1 - i;
    const double y = label_top + 22.0 * static_cast<double>(row);
    const double x = tx(mean_ranks[o]);
    const double end = left_side ? left - 10 : right + 10;
    out += "<polyline class=\"leader\" points=\"" + num(x) + "," + num(axis_y) + " " + num(x) +
           "," + num(y) + " " + num(end) + "," + num(y) + "\"/><text class=\"legend\" x=\"" +
           num(left_side ? end - 4 : end + 4) + "\" y=\"" + num(y + 4) + "\" text-anchor=\"" +
           (left_side ? "end" : "start") + "\">" + html_escape(labels[o]) + " (" +
           format_fixed(mean_ranks[o], 2) + ")</text>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace nhb2
