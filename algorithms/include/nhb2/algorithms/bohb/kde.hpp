#pragma once
// The kernel density estimator of BOHB's model (Falkner, Klein & Hutter, ICML 2018), for the
// categorical dimensions of a Config.
//
// A product of Aitchison–Aitken kernels over `dims` (the free dimensions of the search space):
//   pdf(x) = 1/N Σ_i Π_d k_d(x_d, X_id),  k_d = 1 − λ_d if equal, λ_d / (c_d − 1) otherwise,
// with c_d = kDimSizes[d] values. Bandwidths follow hpbandster (statsmodels KDEMultivariate,
// bw = 'normal_reference'): λ_d = 1.06 · std(X_d) · N^(−1/(4+D)), std of the value indices
// (population std), D = dims.size(), clipped below by min_bandwidth and above by 1.
//
// sample() follows hpbandster's proposal step: pick a datum uniformly; per dimension keep its
// value with probability 1 − λ_d, else draw a value uniformly among all c_d (the current one
// included).
//
// Deviations from statsmodels, both to keep pdf() a proper density: c_d is the dimension's
// number of values, not the number of distinct values in the data (statsmodels' choice makes
// g(x) infinite for a value unseen in one group); and the kernel uses min(λ_d, (c_d − 1)/c_d),
// where it becomes uniform, since statsmodels lets 1 − λ_d go negative for λ_d > 1.
//
// Cost: construction O(N·D); pdf() O(N) after a one-off O(2^D) table on its first call. A
// datum's kernel product depends only on which of its values equal x's, so the products of all
// 2^D equality patterns are tabulated, each multiplied in dims() order exactly as the direct
// formula does, and pdf() adds table[pattern of datum i] for i = 1..N in data order: the same
// operations in the same order, so the same bits as the direct sum. The table is built lazily
// (most models are replaced before they are queried), so one object must not be shared between
// threads that call pdf() concurrently.

#include <nhb2/core/config.hpp>
#include <nhb2/core/rng.hpp>

#include <array>
#include <vector>

namespace nhb2 {

class CategoricalKde {
 public:
  // Preconditions: data not empty; every dim in 0..kNumDims-1, no duplicates.
  CategoricalKde(std::vector<Config> data, std::vector<int> dims, double min_bandwidth);

  const std::vector<Config>& data() const { return data_; }
  const std::vector<int>& dims() const { return dims_; }
  // λ_d per entry of dims(), after clipping to [min_bandwidth, 1].
  const std::vector<double>& bandwidths() const { return bandwidths_; }

  double pdf(const Config& x) const;
  // The dimensions not in dims() keep the values of `base`.
  Config sample(const Config& base, Rng& rng) const;

 private:
  std::vector<Config> data_;
  std::vector<int> dims_;
  std::vector<double> bandwidths_;
  std::vector<double> kernel_same_;       // 1 − λ per dim
  std::vector<double> kernel_different_;  // λ / (c − 1) per dim
  // products_[m]: the kernel product of a datum whose values equal x's exactly at the dimensions
  // whose bits are set in m (bit k = Config::values[k]); built on the first pdf() call.
  mutable std::array<double, 1u << kNumDims> products_{};
  mutable bool have_products_ = false;
};

}  // namespace nhb2
