#include <nhb2/experiments/statistics.hpp>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

namespace nhb2 {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kMaxExactN = 25;

// Average ranks (1 = smallest) of values, ties averaged.
std::vector<double> ascending_ranks(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
    const double rank = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

}  // namespace

double mean(const std::vector<double>& values) {
  if (values.empty()) return kNaN;
  double sum = 0.0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double sample_std(const std::vector<double>& values) {
  if (values.empty()) return kNaN;
  if (values.size() < 2) return 0.0;
  const double m = mean(values);
  double squares = 0.0;
  for (double v : values) squares += (v - m) * (v - m);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

double standard_error(const std::vector<double>& values) {
  if (values.empty()) return kNaN;
  return sample_std(values) / std::sqrt(static_cast<double>(values.size()));
}

double quantile(std::vector<double> values, double p) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const double h = (static_cast<double>(values.size()) - 1.0) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= values.size()) return values.back();
  return values[lo] + (h - static_cast<double>(lo)) * (values[lo + 1] - values[lo]);
}

double median(const std::vector<double>& values) {
  return quantile(values, 0.5);
}

std::vector<double> descending_ranks(const std::vector<double>& values) {
  std::vector<double> negated(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) negated[i] = -values[i];
  return ascending_ranks(negated);
}

WilcoxonResult wilcoxon_signed_rank(const std::vector<double>& x, const std::vector<double>& y) {
  assert(x.size() == y.size());
  std::vector<double> differences;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double d = x[i] - y[i];
    if (d != 0.0) differences.push_back(d);
  }
  WilcoxonResult result;
  result.n = differences.size();
  if (result.n == 0) return result;
  std::vector<double> magnitudes(differences.size());
  for (std::size_t i = 0; i < differences.size(); ++i) magnitudes[i] = std::fabs(differences[i]);
  const std::vector<double> ranks = ascending_ranks(magnitudes);
  for (std::size_t i = 0; i < differences.size(); ++i) {
    (differences[i] > 0 ? result.w_plus : result.w_minus) += ranks[i];
  }
  // Tie groups of |d| (t values sharing one rank).
  std::vector<double> sorted = magnitudes;
  std::sort(sorted.begin(), sorted.end());
  double tie_term = 0.0;
  bool has_ties = false;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j + 1 < sorted.size() && sorted[j + 1] == sorted[i]) ++j;
    const double t = static_cast<double>(j - i + 1);
    if (t > 1) has_ties = true;
    tie_term += t * t * t - t;
    i = j + 1;
  }
  const std::size_t n = result.n;
  const bool had_zeros = differences.size() != x.size();
  if (!has_ties && !had_zeros && n <= kMaxExactN) {
    // counts[w] = number of sign assignments with W+ = w; ranks are exactly 1..n.
    const std::size_t max_w = n * (n + 1) / 2;
    std::vector<double> counts(max_w + 1, 0.0);
    counts[0] = 1.0;
    for (std::size_t r = 1; r <= n; ++r) {
      for (std::size_t w = max_w; w >= r; --w) counts[w] += counts[w - r];
    }
    const auto w = static_cast<std::size_t>(std::lround(result.w_plus));
    double at_most = 0.0;
    for (std::size_t k = 0; k <= w; ++k) at_most += counts[k];
    double at_least = 0.0;
    for (std::size_t k = w; k <= max_w; ++k) at_least += counts[k];
    const double total = std::ldexp(1.0, static_cast<int>(n));
    result.p_value = std::min(1.0, 2.0 * std::min(at_most, at_least) / total);
    result.exact = true;
    return result;
  }
  const double nn = static_cast<double>(n);
  const double expected = nn * (nn + 1.0) / 4.0;
  const double variance = nn * (nn + 1.0) * (2.0 * nn + 1.0) / 24.0 - tie_term / 48.0;
  if (variance <= 0.0) return result;
  result.z = (result.w_plus - expected) / std::sqrt(variance);
  result.p_value = std::min(1.0, std::erfc(std::fabs(result.z) / std::sqrt(2.0)));
  return result;
}

}  // namespace nhb2
