#include <nhb2/experiments/plots.hpp>

#include <nhb2/core/error.hpp>
#include <nhb2/core/file_io.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/experiments/sweep_config.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

extern char** environ;

namespace nhb2 {

std::string gnuplot_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string plot_colour(std::size_t i) {
  // Colour-blind-safe palette (Okabe–Ito, then Tableau), cycled.
  static const char* const kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                         "#E69F00", "#56B4E9", "#000000", "#F0E442",
                                         "#8C564B", "#7F7F7F", "#17BECF", "#BCBD22"};
  return kColours[i % (sizeof kColours / sizeof kColours[0])];
}

std::string gnuplot_svg_and_png(const std::string& plot, const std::string& svg_path,
                                const std::string& png_path) {
  std::ostringstream s;
  s << "set terminal svg size 960,600 dynamic font \"sans,12\" background rgb \"white\"\n"
    << "set output " << gnuplot_quoted(svg_path) << "\n"
    << plot << "set output\n"
    << "set terminal pngcairo size 960,600 font \"sans,10\" background rgb \"white\"\n"
    << "set output " << gnuplot_quoted(png_path) << "\n"
    << plot << "set output\n";
  return s.str();
}

namespace {

std::string first_line(const std::string& text) {
  const auto end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

}  // namespace

std::string gnuplot_script(const SweepData& data, const std::vector<OptimizerCurve>& curves,
                           const std::string& svg_path, const std::string& png_path) {
  const SweepHeader& h = data.header;
  std::size_t e = 0;
  for (std::size_t i = 0; i < h.report_epochs.size(); ++i) {
    if (h.report_epochs[i] == 12) e = i;
  }
  const std::string epoch = std::to_string(h.report_epochs[e]);
  std::ostringstream s;
  s << "# nhb2 sweep plot (data: " << h.data_kind << ")\n";
  for (std::size_t c = 0; c < curves.size(); ++c) {
    s << "$curve" << c << " << EOD\n";
    for (const CurvePoint& p : curves[c].points) {
      if (p.n == 0 || p.n < static_cast<std::size_t>(h.runs)) continue;
      const DistributionStats& d = p.test_acc[e];
      s << format_double(p.cost) << ' ' << format_double(d.mean) << ' '
        << format_double(d.mean - d.standard_error) << ' '
        << format_double(d.mean + d.standard_error) << '\n';
    }
    s << "EOD\n";
  }
  const std::string title = "sweep " + h.name + " — data: " + describe_source(h) + ", " +
                            std::to_string(h.runs) + " runs";
  s << "set title " << gnuplot_quoted(title) << " noenhanced\n"
    << (h.curve_axis == "wallclock"
            ? "set xlabel \"simulated wall-clock time (seconds, log scale)\"\n"
            : "set xlabel \"simulated cost (seconds, log scale)\"\n")
    << "set ylabel \"incumbent test accuracy (%, " << epoch
    << " epochs), mean ± s.e.\" noenhanced\n"
    << "set logscale x\n";
  // The x range spans the plotted points, not the (possibly earlier) start of the grid.
  double x_min = 0.0;
  double x_max = 0.0;
  for (const auto& curve : curves) {
    for (const CurvePoint& p : curve.points) {
      if (p.n == 0 || p.n < static_cast<std::size_t>(h.runs)) continue;
      x_min = x_min == 0.0 ? p.cost : std::min(x_min, p.cost);
      x_max = std::max(x_max, p.cost);
    }
  }
  if (x_min > 0.0 && x_min < x_max) {
    s << "set xrange [" << format_double(x_min) << ":" << format_double(x_max) << "]\n";
  }
  s << "set format x \"%g\"\n"
    << "set grid\n"
    << "set key bottom right noenhanced\n"
    << "set style fill transparent solid 0.2 noborder\n";
  std::ostringstream plot;
  plot << "plot ";
  bool first = true;
  for (std::size_t c = 0; c < curves.size(); ++c) {
    const std::string colour = plot_colour(c);
    if (!first) plot << ", \\\n     ";
    first = false;
    plot << "$curve" << c << " using 1:3:4 with filledcurves lc rgb " << gnuplot_quoted(colour)
         << " notitle, \\\n     $curve" << c << " using 1:2 with lines lw 2 lc rgb "
         << gnuplot_quoted(colour) << " title " << gnuplot_quoted(curves[c].label);
  }
  plot << "\n";
  s << gnuplot_svg_and_png(plot.str(), svg_path, png_path);
  return s.str();
}

std::string write_plots(const std::string& dir, const SweepData& data,
                        const std::vector<OptimizerCurve>& curves, const std::string& gnuplot) {
  return render_gnuplot(
      dir, "curves",
      [&](const std::string& svg, const std::string& png) {
        return gnuplot_script(data, curves, svg, png);
      },
      gnuplot);
}

std::string render_gnuplot(
    const std::string& dir, const std::string& stem,
    const std::function<std::string(const std::string&, const std::string&)>& script,
    const std::string& gnuplot) {
  const std::string svg = dir + "/" + stem + ".svg";
  const std::string png = dir + "/" + stem + ".png";
  const std::string svg_temp = atomic_temp_name(svg);
  const std::string png_temp = atomic_temp_name(png);
  const std::string script_path = atomic_temp_name(dir + "/" + stem + ".gp");
  const std::string log_path = atomic_temp_name(dir + "/gnuplot.log");
  auto cleanup = [&] {
    for (const auto* p : {&svg_temp, &png_temp, &script_path, &log_path}) std::remove(p->c_str());
  };
  try {
    write_file_atomic(script_path, script(svg_temp, png_temp));
  } catch (const std::exception& e) {
    return std::string("plots skipped: ") + e.what();
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> argv = {const_cast<char*>(gnuplot.c_str()),
                             const_cast<char*>(script_path.c_str()), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, gnuplot.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    cleanup();
    return "plots skipped: cannot run '" + gnuplot + "' (" + std::strerror(spawned) +
           "); install gnuplot (Debian: gnuplot-nox) and run 'nhb2 report " + dir + "'";
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string log;
  try {
    log = read_file(log_path);
  } catch (const DataError&) {
    // No log is no reason to drop the plots; it only leaves a failure unexplained.
  }
  std::error_code ec;
  const bool rendered = WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
                        std::filesystem::file_size(svg_temp, ec) > 0 &&
                        std::filesystem::file_size(png_temp, ec) > 0;
  if (!rendered) {
    cleanup();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
      return "plots skipped: '" + gnuplot +
             "' was not found; install gnuplot (Debian: gnuplot-nox)";
    }
    return "plots skipped: gnuplot failed" + (log.empty() ? std::string() : ": " + first_line(log));
  }
  try {
    commit_atomic(svg_temp, svg);
    commit_atomic(png_temp, png);
  } catch (const std::exception& e) {
    cleanup();
    return std::string("plots skipped: ") + e.what();
  }
  cleanup();
  return "";
}

}  // namespace nhb2
