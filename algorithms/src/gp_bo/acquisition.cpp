#include "gp_bo/acquisition.hpp"

#include <algorithm>
#include <cmath>

namespace nhb2::gp_bo {

namespace {

constexpr double kInvSqrt2Pi = 0.39894228040143267794;
constexpr double kInvSqrt2 = 0.70710678118654752440;

}  // namespace

double standard_normal_pdf(double z) {
  return kInvSqrt2Pi * std::exp(-0.5 * z * z);
}

double standard_normal_cdf(double z) {
  return 0.5 * std::erfc(-z * kInvSqrt2);
}

double expected_improvement(double mean, double variance, double best, double xi) {
  const double improvement = mean - best - xi;
  if (!(variance > 0.0)) return std::max(improvement, 0.0);
  const double sigma = std::sqrt(variance);
  const double z = improvement / sigma;
  // Both terms can be large with opposite signs only when z ≪ 0, where both are tiny; clamp the
  // rounding residue at 0.
  return std::max(improvement * standard_normal_cdf(z) + sigma * standard_normal_pdf(z), 0.0);
}

}  // namespace nhb2::gp_bo
