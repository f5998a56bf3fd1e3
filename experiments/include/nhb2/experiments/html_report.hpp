#pragma once
// report.html: one self-contained page (inline CSS, inline SVG figures, a few lines of inline
// script; nothing is fetched) with the provenance of a sweep, its summary table (sortable), the
// anytime curves, regret curves, rank over time, critical-difference diagrams, ECDFs of final
// regret, anytime pairwise tests, per-optimizer details and the commands that reproduce it.
// Byte-deterministic: the same records give the same page (no dates, no absolute paths other
// than those resolved.yaml records).
//
// On load the inline script measures every figure and counts every table's rows and writes the
// result into <p id="selfcheck" data-status="ok|fail" data-figures=N data-tables=M>, which the
// browser test reads from the rendered DOM.
//
// write_analysis_report is the one call the sweep runner and `nhb2 report` make: it writes
// space.csv (only when a benchmark is given: the percentiles of the sweep's test accuracy over
// the whole space), then regret.csv, regret_curves.csv, statistics.md and report.html, computed
// completely in memory first and then written atomically. Without a benchmark it reads the
// folder's space.csv when there is one (DataError naming file and line when it is malformed or
// belongs to other data) and resolved.yaml for the provenance. When the folder holds the
// multi-objective files (mo_report.hpp; written before this call), the page gains their section:
// the hypervolume table, the final fronts against the exact front and hypervolume over cost.

#include <nhb2/experiments/analysis.hpp>
#include <nhb2/experiments/sweep_results.hpp>

#include <string>

namespace nhb2 {

class Benchmark;

std::string report_html(const SweepData& data, const Analysis& analysis,
                        const std::string& resolved_yaml);

void write_analysis_report(const std::string& dir, const SweepData& data,
                           const Benchmark* benchmark);

}  // namespace nhb2
