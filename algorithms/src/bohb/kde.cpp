#include <nhb2/algorithms/bohb/kde.hpp>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace nhb2 {

CategoricalKde::CategoricalKde(std::vector<Config> data, std::vector<int> dims,
                               double min_bandwidth)
    : data_(std::move(data)), dims_(std::move(dims)) {
  assert(!data_.empty());
  const double n = static_cast<double>(data_.size());
  const double shrink = std::pow(n, -1.0 / (4.0 + static_cast<double>(dims_.size())));
  for (int dim : dims_) {
    double mean = 0.0;
    for (const Config& c : data_) mean += c.values[dim];
    mean /= n;
    double variance = 0.0;
    for (const Config& c : data_) variance += (c.values[dim] - mean) * (c.values[dim] - mean);
    variance /= n;
    // statsmodels' normal reference rule on the value indices, then hpbandster's floor; the
    // ceiling of 1 is statsmodels' bound for discrete kernels.
    const double bandwidth =
        std::min(1.0, std::max(min_bandwidth, 1.06 * std::sqrt(variance) * shrink));
    bandwidths_.push_back(bandwidth);
    const int levels = kDimSizes[dim];
    const double lambda = std::min(bandwidth, (levels - 1.0) / levels);
    kernel_same_.push_back(1.0 - lambda);
    kernel_different_.push_back(levels > 1 ? lambda / (levels - 1.0) : 0.0);
  }
}

namespace {

static_assert(kNumDims == 8 && sizeof(Config::values) == 8,
              "pdf() compares a Config's values as one 64-bit word");

std::uint64_t packed(const Config& config) {
  std::uint64_t word = 0;
  std::memcpy(&word, config.values.data(), sizeof word);
  return word;
}

// Bit k set where byte k of a equals byte k of b (exact for any byte values).
unsigned equal_bytes(std::uint64_t a, std::uint64_t b) {
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  const std::uint64_t t = a ^ b;
  const std::uint64_t zero_high = ~(((t & kLow7) + kLow7) | t | kLow7);  // 0x80 where t's byte is 0
  // Gather the eight high bits (shifted to bit 0 of each byte) into the top byte.
  return static_cast<unsigned>(((zero_high >> 7) * 0x0102040810204080ULL) >> 56);
}

}  // namespace

double CategoricalKde::pdf(const Config& x) const {
  if (!have_products_) {
    // The direct formula, product = 1; product *= k_d for d in dims() order, once per pattern.
    for (unsigned m = 0; m < products_.size(); ++m) {
      double product = 1.0;
      for (std::size_t d = 0; d < dims_.size(); ++d) {
        product *= (m >> dims_[d]) & 1u ? kernel_same_[d] : kernel_different_[d];
      }
      products_[m] = product;
    }
    have_products_ = true;
  }
  const std::uint64_t target = packed(x);
  double sum = 0.0;
  for (const Config& datum : data_) sum += products_[equal_bytes(packed(datum), target)];
  return sum / static_cast<double>(data_.size());
}

Config CategoricalKde::sample(const Config& base, Rng& rng) const {
  const Config& datum = data_[uniform_index(rng, static_cast<int>(data_.size()))];
  Config x = base;
  for (std::size_t d = 0; d < dims_.size(); ++d) {
    const int dim = dims_[d];
    const bool keep = uniform_real(rng) < 1.0 - bandwidths_[d];
    x.values[dim] =
        keep ? datum.values[dim] : static_cast<std::uint8_t>(uniform_index(rng, kDimSizes[dim]));
  }
  return x;
}

}  // namespace nhb2
