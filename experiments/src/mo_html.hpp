#pragma once
// The multi-objective section of report.html (private to the experiments library), built from the
// files write_mo_report() (experiments/mo_report.hpp) leaves in a sweep folder, so the sweep
// runner and `nhb2 report` give the same page:
//   - the hypervolume table: per optimizer the mean final hypervolume ± s.e., the regret against
//     the exact front, the average rank and the paired Wilcoxon p-value against the first
//     (mo_summary.csv)
//   - every optimizer's run-0 final front against the exact front, as steps (fronts.csv,
//     exact_front.csv)
//   - hypervolume against cumulative cost, mean ± s.e. bands, with the exact front's
//     hypervolume (hypervolume_curves.csv)

#include <string>

namespace nhb2 {

// The section's HTML, or "" when `dir` holds no mo_summary.csv (a single-objective sweep).
// Throws DataError naming the file and line when one of the four files is malformed.
std::string mo_html_section(const std::string& dir);

// Puts a non-empty section into a report.html page before its "Reproduce" heading, with a
// navigation link. Precondition: page is report_html()'s output.
void insert_mo_section(std::string& page, const std::string& section);

}  // namespace nhb2
