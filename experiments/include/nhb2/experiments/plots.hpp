#pragma once
// Anytime-curve plots through gnuplot, run as a subprocess on a generated script.
//
// The plot shows, per optimizer, the mean 12-epoch test accuracy of the incumbent against the
// simulated cost (log scale) with a shaded ± one standard error band, one colour per optimizer,
// titled with the sweep name and the data source (so `synthetic` always shows). A curve starts
// at the first grid cost at which all of its runs have an incumbent, so early points are never
// means over a biased subset. Without a 12-epoch report epoch the first report epoch is shown.
// write_plots() writes curves.svg and curves.png atomically (gnuplot renders to temporary names,
// then they are renamed). It never throws for a gnuplot problem: a missing or failing gnuplot
// returns a warning and writes nothing.

#include <nhb2/experiments/aggregate.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace nhb2 {

// The gnuplot script that renders `curves` to the two given files.
std::string gnuplot_script(const SweepData& data, const std::vector<OptimizerCurve>& curves,
                           const std::string& svg_path, const std::string& png_path);

// "" on success, else a one-line warning. `gnuplot` is the program to run (looked up in PATH).
std::string write_plots(const std::string& dir, const SweepData& data,
                        const std::vector<OptimizerCurve>& curves,
                        const std::string& gnuplot = "gnuplot");

// Shared by every gnuplot script nhb2 writes: TEXT as a gnuplot string literal; the colour of
// series I (a colour-blind-safe palette, cycled); PLOT (the `plot` command) rendered to an SVG
// and a PNG file.
std::string gnuplot_quoted(const std::string& text);
std::string plot_colour(std::size_t i);
std::string gnuplot_svg_and_png(const std::string& plot, const std::string& svg_path,
                                const std::string& png_path);

// Renders DIR/STEM.svg and DIR/STEM.png atomically with the gnuplot script that
// script(svg_temp, png_temp) returns; "" on success, else a one-line warning (as write_plots).
std::string render_gnuplot(
    const std::string& dir, const std::string& stem,
    const std::function<std::string(const std::string&, const std::string&)>& script,
    const std::string& gnuplot = "gnuplot");

}  // namespace nhb2
