#include <nhb2/experiments/rank_tests.hpp>

#include <nhb2/experiments/statistics.hpp>

#include <boost/math/distributions/chi_squared.hpp>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

namespace nhb2 {

namespace {

constexpr double kPi = 3.14159265358979323846;

double normal_pdf(double x) {
  return std::exp(-0.5 * x * x) / std::sqrt(2.0 * kPi);
}
double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

}  // namespace

FriedmanResult friedman(const std::vector<std::vector<double>>& scores) {
  FriedmanResult result;
  result.blocks = scores.size();
  result.k = scores.empty() ? 0 : scores.front().size();
  const std::size_t n = result.blocks;
  const std::size_t k = result.k;
  assert(k >= 2 && n >= 1);
  std::vector<double> rank_sums(k, 0.0);
  double ties = 0.0;
  for (const auto& block : scores) {
    assert(block.size() == k);
    const std::vector<double> ranks = descending_ranks(block);
    for (std::size_t j = 0; j < k; ++j) rank_sums[j] += ranks[j];
    std::vector<double> sorted = block;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < k;) {
      std::size_t j = i;
      while (j + 1 < k && sorted[j + 1] == sorted[i]) ++j;
      const double t = static_cast<double>(j - i + 1);
      ties += t * t * t - t;
      i = j + 1;
    }
  }
  const double nd = static_cast<double>(n);
  const double kd = static_cast<double>(k);
  double sum_squares = 0.0;
  for (double r : rank_sums) {
    result.mean_ranks.push_back(r / nd);
    sum_squares += r * r;
  }
  const double correction = 1.0 - ties / (nd * kd * (kd * kd - 1.0));
  if (correction <= 0.0) {
    result.statistic = std::numeric_limits<double>::quiet_NaN();
    result.p_value = 1.0;
    return result;
  }
  result.statistic =
      (12.0 / (nd * kd * (kd + 1.0)) * sum_squares - 3.0 * nd * (kd + 1.0)) / correction;
  result.statistic = std::max(0.0, result.statistic);
  result.p_value = chi_squared_sf(result.statistic, kd - 1.0);
  return result;
}

double chi_squared_sf(double x, double df) {
  if (x <= 0.0) return 1.0;
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared(df), x));
}

double studentized_range_cdf(double q, int k) {
  assert(k >= 2);
  if (q <= 0.0) return 0.0;
  // k ∫ φ(z) [Φ(z + q) − Φ(z)]^(k−1) dz by composite Simpson over [−9, 9] (the integrand is
  // below 1e-17 outside).
  constexpr int kIntervals = 2000;
  constexpr double kLo = -9.0;
  constexpr double kHi = 9.0;
  const double h = (kHi - kLo) / kIntervals;
  double sum = 0.0;
  for (int i = 0; i <= kIntervals; ++i) {
    const double z = kLo + h * i;
    const double f = normal_pdf(z) * std::pow(normal_cdf(z + q) - normal_cdf(z), k - 1);
    const double weight = (i == 0 || i == kIntervals) ? 1.0 : (i % 2 ? 4.0 : 2.0);
    sum += weight * f;
  }
  return std::min(1.0, k * sum * h / 3.0);
}

double studentized_range_quantile(double p, int k) {
  assert(p > 0.0 && p < 1.0);
  double lo = 0.0;
  double hi = 20.0;
  for (int i = 0; i < 100 && hi - lo > 1e-12; ++i) {
    const double mid = 0.5 * (lo + hi);
    (studentized_range_cdf(mid, k) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double nemenyi_critical_difference(int k, std::size_t blocks, double alpha) {
  const double q = studentized_range_quantile(1.0 - alpha, k) / std::sqrt(2.0);
  return q * std::sqrt(k * (k + 1.0) / (6.0 * static_cast<double>(blocks)));
}

std::vector<double> holm_adjust(const std::vector<double>& p_values) {
  const std::size_t m = p_values.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });
  std::vector<double> adjusted(m);
  double running = 0.0;
  for (std::size_t i = 0; i < m; ++i) {
    const double value = std::min(1.0, static_cast<double>(m - i) * p_values[order[i]]);
    running = std::max(running, value);
    adjusted[order[i]] = running;
  }
  return adjusted;
}

std::vector<std::pair<std::size_t, std::size_t>> cliques(
    const std::vector<std::size_t>& order,
    const std::function<bool(std::size_t, std::size_t)>& same) {
  std::vector<std::pair<std::size_t, std::size_t>> result;
  const std::size_t k = order.size();
  std::size_t previous_last = 0;
  for (std::size_t first = 0; first < k; ++first) {
    // The longest run from `first` whose every pair is not different.
    std::size_t last = first;
    while (last + 1 < k) {
      bool all_same = true;
      for (std::size_t i = first; i <= last && all_same; ++i) {
        all_same = same(order[i], order[last + 1]);
      }
      if (!all_same) break;
      ++last;
    }
    // A run ending where an earlier one ended is contained in it.
    if (last > first && (result.empty() || last > previous_last)) {
      result.emplace_back(first, last);
      previous_last = last;
    }
  }
  return result;
}

}  // namespace nhb2
