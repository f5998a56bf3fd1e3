#include <nhb2/experiments/robust_statistics.hpp>

#include <nhb2/experiments/statistics.hpp>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include <algorithm>
#include <cassert>
#include <limits>

namespace nhb2 {

double interquartile_mean(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  // Two partial sorts leave the middle order statistics (as a multiset) in [cut, n − cut): O(n)
  // instead of a full sort, which matters inside the bootstrap.
  const std::size_t n = values.size();
  const std::size_t cut = n / 4;
  if (cut > 0) {
    std::nth_element(values.begin(), values.begin() + static_cast<long>(cut), values.end());
    std::nth_element(values.begin() + static_cast<long>(cut),
                     values.begin() + static_cast<long>(n - cut), values.end());
  }
  double sum = 0.0;
  for (std::size_t i = cut; i < n - cut; ++i) sum += values[i];
  return sum / static_cast<double>(values.size() - 2 * cut);
}

Interval bootstrap_interval(const std::vector<double>& values,
                            const std::function<double(std::vector<double>&)>& statistic,
                            int samples, std::uint64_t seed, double alpha) {
  assert(!values.empty() && samples > 0);
  boost::random::mt19937_64 engine(seed);
  boost::random::uniform_int_distribution<std::size_t> pick(0, values.size() - 1);
  std::vector<double> stats;
  stats.reserve(static_cast<std::size_t>(samples));
  std::vector<double> resample(values.size());
  for (int b = 0; b < samples; ++b) {
    for (double& v : resample) v = values[pick(engine)];
    stats.push_back(statistic(resample));
  }
  return {quantile(stats, alpha / 2.0), quantile(stats, 1.0 - alpha / 2.0)};
}

double ecdf_at(const std::vector<double>& sorted_values, double x) {
  if (sorted_values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto it = std::upper_bound(sorted_values.begin(), sorted_values.end(), x);
  return static_cast<double>(it - sorted_values.begin()) /
         static_cast<double>(sorted_values.size());
}

}  // namespace nhb2
