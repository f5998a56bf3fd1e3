#pragma once
// Summary statistics for sweep reports.
//
// Definitions (stated here because papers differ):
// - std is the sample standard deviation (divisor n - 1; 0 for n < 2); standard_error = std/√n.
// - quantile(values, p) is linear interpolation between order statistics (Hyndman & Fan type 7,
//   the default of R and NumPy): h = (n - 1) p, q = x[⌊h⌋] + (h - ⌊h⌋)(x[⌊h⌋+1] - x[⌊h⌋]).
// - average_ranks: rank 1 is the largest value (higher accuracy is better); tied values share the
//   mean of the ranks they span.
// - wilcoxon_signed_rank: two-sided test of paired samples (x_i, y_i). Zero differences are
//   dropped (Wilcoxon's zero method); tied |differences| get average ranks. When no difference
//   is zero or tied and n <= 25 the p-value is exact (the null distribution of W+ by counting);
//   otherwise the normal approximation without continuity correction, with the tie-corrected
//   variance n(n+1)(2n+1)/24 - Σ(t³ - t)/48. No non-zero difference gives p = 1.
// Preconditions: values are finite; empty inputs give NaN where a value is undefined.

#include <cstddef>
#include <vector>

namespace nhb2 {

double mean(const std::vector<double>& values);
double sample_std(const std::vector<double>& values);
double standard_error(const std::vector<double>& values);
double quantile(std::vector<double> values, double p);
double median(const std::vector<double>& values);

// Ranks of values (1 = largest), ties averaged; same order as values.
std::vector<double> descending_ranks(const std::vector<double>& values);

struct WilcoxonResult {
  std::size_t n = 0;     // non-zero differences
  double w_plus = 0.0;   // sum of the ranks of positive differences x - y
  double w_minus = 0.0;  // sum of the ranks of negative differences
  double z = 0.0;        // normal approximation statistic (0 when exact or n = 0)
  double p_value = 1.0;  // two-sided
  bool exact = false;
};

// Precondition: x.size() == y.size().
WilcoxonResult wilcoxon_signed_rank(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace nhb2
