#pragma once
// Robust aggregates and bootstrap intervals for final results over runs.
//
// - interquartile_mean: the mean of the values left after dropping ⌊n/4⌋ smallest and ⌊n/4⌋
//   largest (scipy.stats.trim_mean(x, 0.25); the IQM of Agarwal et al., 2021). NaN when empty.
// - bootstrap_interval: percentile bootstrap. `samples` resamples of each group (with
//   replacement, same size) are drawn from a boost::random::mt19937_64 seeded with `seed`;
//   statistic(resample) is evaluated for each and the interval is the type-7 quantiles at α/2
//   and 1 − α/2 of those values. With one task, as in a sweep, the stratified bootstrap of
//   Agarwal et al. resamples the runs of each optimizer on their own: call it once per optimizer.
//   Deterministic for a given seed; a single value gives the degenerate interval [v, v].
// - ecdf_at(sorted, x): the fraction of values <= x.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace nhb2 {

double interquartile_mean(std::vector<double> values);

struct Interval {
  double lo = 0.0;
  double hi = 0.0;
};

Interval bootstrap_interval(const std::vector<double>& values,
                            const std::function<double(std::vector<double>&)>& statistic,
                            int samples, std::uint64_t seed, double alpha = 0.05);

double ecdf_at(const std::vector<double>& sorted_values, double x);

}  // namespace nhb2
