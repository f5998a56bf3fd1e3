// The loops of vector_math.hpp, written once with GCC/Clang vector extensions over kLanes lanes
// and compiled once per instruction set: the including file defines NHB2_VECTOR_MATH_NAMESPACE
// (the namespace its functions go into) and NHB2_VECTOR_MATH_LANES (4 for SSE2, 8 for AVX2).
// Every helper has internal linkage and nothing here instantiates a standard-library or Eigen
// template, so no function compiled for AVX2 can be shared with the baseline by the linker.
//
// Arithmetic, lane by lane (the same for every lane count, and without fused multiply-add):
//   exp(x), x ≤ 0: clamp x to [−700, 0] (single precision: [−87, 0]); x = n ln2 + f with
//   n = round(x / ln2) (adding and subtracting 1.5 · 2⁵² rounds; 1.5 · 2²³ in float), ln2 split
//   in a high part whose products with n are exact and a low part, so |f| ≤ ln2 / 2; exp(f) by
//   its Taylor polynomial of degree 13 (truncation < 2e-17 relative; degree 7 and < 1e-8 in
//   float); 2ⁿ built in the exponent bits.
//   matern52: s² (1 + a + 5r²/3) exp(−a) with a = √5 r;  rbf: s² exp(−r²/2).

#ifndef NHB2_VECTOR_MATH_NAMESPACE
#error "define NHB2_VECTOR_MATH_NAMESPACE and NHB2_VECTOR_MATH_LANES before including this file"
#endif

#include "gp_bo/vector_math.hpp"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace nhb2::gp_bo::vector_math::NHB2_VECTOR_MATH_NAMESPACE {

namespace {

// Single-precision lanes per register; double-precision vectors hold half as many, so every
// vector below is exactly one register wide (wider ones would be split lane by lane).
constexpr int kLanes = NHB2_VECTOR_MATH_LANES;
constexpr int kDoubleLanes = kLanes / 2;
using vf = float __attribute__((vector_size(kLanes * sizeof(float))));
using vi = std::int32_t __attribute__((vector_size(kLanes * sizeof(std::int32_t))));
using vd = double __attribute__((vector_size(kDoubleLanes * sizeof(double))));
using vl = std::int64_t __attribute__((vector_size(kDoubleLanes * sizeof(std::int64_t))));

constexpr double kSqrt5 = 2.236067977499789696;

inline vd load(const double* p) {
  vd v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline void store(double* p, vd v) { std::memcpy(p, &v, sizeof v); }

inline vd broadcast(double x) { return vd{} + x; }
inline vf broadcast(float x) { return vf{} + x; }

// mask ? a : b, lane by lane (mask lanes are all ones or all zeros).
inline vd select(vl mask, vd a, vd b) { return (vd)((mask & (vl)a) | (~mask & (vl)b)); }
inline vf select(vi mask, vf a, vf b) { return (vf)((mask & (vi)a) | (~mask & (vi)b)); }

// Conversions between one single-precision vector and its two halves in double precision,
// rounding to nearest like static_cast.
#if defined(__AVX__) && NHB2_VECTOR_MATH_LANES == 8
inline vd low_half(vf x) { return (vd)_mm256_cvtps_pd(_mm256_castps256_ps128((__m256)x)); }
inline vd high_half(vf x) { return (vd)_mm256_cvtps_pd(_mm256_extractf128_ps((__m256)x, 1)); }
inline vf to_single(vd low, vd high) {
  return (vf)_mm256_set_m128(_mm256_cvtpd_ps((__m256d)high), _mm256_cvtpd_ps((__m256d)low));
}
inline vf sqrt_lanes(vf x) { return (vf)_mm256_sqrt_ps((__m256)x); }
inline vd sqrt_lanes(vd x) { return (vd)_mm256_sqrt_pd((__m256d)x); }
inline vf min_lanes(vf x, vf y) { return (vf)_mm256_min_ps((__m256)x, (__m256)y); }
inline vf max_lanes(vf x, vf y) { return (vf)_mm256_max_ps((__m256)x, (__m256)y); }
inline vd min_lanes(vd x, vd y) { return (vd)_mm256_min_pd((__m256d)x, (__m256d)y); }
inline vd max_lanes(vd x, vd y) { return (vd)_mm256_max_pd((__m256d)x, (__m256d)y); }
#elif defined(__SSE2__) && NHB2_VECTOR_MATH_LANES == 4
inline vd low_half(vf x) { return (vd)_mm_cvtps_pd((__m128)x); }
inline vd high_half(vf x) { return (vd)_mm_cvtps_pd(_mm_movehl_ps((__m128)x, (__m128)x)); }
inline vf to_single(vd low, vd high) {
  return (vf)_mm_movelh_ps(_mm_cvtpd_ps((__m128d)low), _mm_cvtpd_ps((__m128d)high));
}
inline vf sqrt_lanes(vf x) { return (vf)_mm_sqrt_ps((__m128)x); }
inline vd sqrt_lanes(vd x) { return (vd)_mm_sqrt_pd((__m128d)x); }
inline vf min_lanes(vf x, vf y) { return (vf)_mm_min_ps((__m128)x, (__m128)y); }
inline vf max_lanes(vf x, vf y) { return (vf)_mm_max_ps((__m128)x, (__m128)y); }
inline vd min_lanes(vd x, vd y) { return (vd)_mm_min_pd((__m128d)x, (__m128d)y); }
inline vd max_lanes(vd x, vd y) { return (vd)_mm_max_pd((__m128d)x, (__m128d)y); }
#else
inline vd low_half(vf x) {
  vd result;
  for (int lane = 0; lane < kDoubleLanes; ++lane) result[lane] = x[lane];
  return result;
}
inline vd high_half(vf x) {
  vd result;
  for (int lane = 0; lane < kDoubleLanes; ++lane) result[lane] = x[kDoubleLanes + lane];
  return result;
}
inline vf to_single(vd low, vd high) {
  vf result;
  for (int lane = 0; lane < kDoubleLanes; ++lane) {
    result[lane] = static_cast<float>(low[lane]);
    result[kDoubleLanes + lane] = static_cast<float>(high[lane]);
  }
  return result;
}
inline vf sqrt_lanes(vf x) {
  for (int lane = 0; lane < kLanes; ++lane) x[lane] = __builtin_sqrtf(x[lane]);
  return x;
}
inline vd sqrt_lanes(vd x) {
  for (int lane = 0; lane < kDoubleLanes; ++lane) x[lane] = __builtin_sqrt(x[lane]);
  return x;
}
// As the SSE instructions: the second operand unless the first is smaller (larger).
inline vf min_lanes(vf x, vf y) { return select(x < y, x, y); }
inline vf max_lanes(vf x, vf y) { return select(x > y, x, y); }
inline vd min_lanes(vd x, vd y) { return select(x < y, x, y); }
inline vd max_lanes(vd x, vd y) { return select(x > y, x, y); }
#endif

// The constants of exp (see the top of this file) per precision: Vector holds the lanes, Bits
// the same lanes as integers.
template <typename Vector>
struct ExpConstants;

template <>
struct ExpConstants<vd> {
  using Scalar = double;
  using Bits = vl;
  static constexpr double kLog2e = 1.4426950408889634074;
  static constexpr double kLn2High = 6.93147180369123816490e-01;  // 32 significant bits
  static constexpr double kLn2Low = 1.90821492927058770002e-10;
  static constexpr double kRoundingShift = 6755399441055744.0;  // 1.5 · 2⁵²
  static constexpr double kMinArgument = -700.0;
  // 1/k! for k = 13 down to 0.
  static constexpr double kTaylor[] = {1.0 / 6227020800.0,
                                       1.0 / 479001600.0,
                                       1.0 / 39916800.0,
                                       1.0 / 3628800.0,
                                       1.0 / 362880.0,
                                       1.0 / 40320.0,
                                       1.0 / 5040.0,
                                       1.0 / 720.0,
                                       1.0 / 120.0,
                                       1.0 / 24.0,
                                       1.0 / 6.0,
                                       0.5,
                                       1.0,
                                       1.0};
  // The bits of 1.5 · 2⁵² + n minus the bias are n + 1023, the biased exponent of 2ⁿ.
  static constexpr std::int64_t kShiftBitsMinusBias = 0x4338000000000000LL - 1023;
  static constexpr int kMantissaBits = 52;
};

template <>
struct ExpConstants<vf> {
  using Scalar = float;
  using Bits = vi;
  static constexpr float kLog2e = 1.44269504088896341f;
  static constexpr float kLn2High = 0.693359375f;  // 9 significant bits
  static constexpr float kLn2Low = -2.12194440e-4f;
  static constexpr float kRoundingShift = 12582912.0f;  // 1.5 · 2²³
  static constexpr float kMinArgument = -87.0f;
  // 1/k! for k = 7 down to 0.
  static constexpr float kTaylor[] = {1.0f / 5040.0f, 1.0f / 720.0f, 1.0f / 120.0f, 1.0f / 24.0f,
                                      1.0f / 6.0f,    0.5f,          1.0f,          1.0f};
  static constexpr std::int32_t kShiftBitsMinusBias = 0x4B400000 - 127;
  static constexpr int kMantissaBits = 23;
};

// exp in place over U vectors of either precision, their polynomials interleaved (independent
// chains keep the multipliers busy).
template <typename Vector, int U>
inline void exp_nonpositive(Vector (&x)[U]) {
  using C = ExpConstants<Vector>;
  using Scalar = typename C::Scalar;
  using Bits = typename C::Bits;
  constexpr int kTerms = sizeof C::kTaylor / sizeof C::kTaylor[0];
  Vector shifted[U];
  Vector f[U];
  Vector p[U];
  for (int u = 0; u < U; ++u) {
    x[u] = max_lanes(min_lanes(x[u], broadcast(Scalar{0})), broadcast(C::kMinArgument));
    shifted[u] = x[u] * C::kLog2e + C::kRoundingShift;
    const Vector n = shifted[u] - C::kRoundingShift;
    f[u] = (x[u] - n * C::kLn2High) - n * C::kLn2Low;
    p[u] = broadcast(C::kTaylor[0]);
  }
  for (int k = 1; k < kTerms; ++k) {
    for (int u = 0; u < U; ++u) p[u] = p[u] * f[u] + C::kTaylor[k];
  }
  for (int u = 0; u < U; ++u) {
    x[u] = p[u] * (Vector)(((Bits)shifted[u] - C::kShiftBitsMinusBias) << C::kMantissaBits);
  }
}

// In place over U vectors of r²: s² k(r²) in double precision.
template <int U>
inline void profile(KernelType type, double signal_variance, vd (&values)[U]) {
  if (type == KernelType::rbf) {
    for (int u = 0; u < U; ++u) values[u] *= -0.5;
    exp_nonpositive(values);
    for (int u = 0; u < U; ++u) values[u] *= signal_variance;
    return;
  }
  vd polynomial[U];
  for (int u = 0; u < U; ++u) {
    const vd minus_a = -kSqrt5 * sqrt_lanes(values[u]);
    polynomial[u] = signal_variance * ((1.0 - minus_a) + (5.0 / 3.0) * values[u]);
    values[u] = minus_a;
  }
  exp_nonpositive(values);
  for (int u = 0; u < U; ++u) values[u] = polynomial[u] * values[u];
}

// The single-precision kernel of U · kLanes consecutive r² (double precision): k̃ without the
// signal variance, and the decay argument t.
template <int U>
inline void single_profile(KernelType type, const double* r2, vf (&k)[U], vf (&decay)[U]) {
  vf r2_single[U];
  for (int u = 0; u < U; ++u) {
    const double* lanes = r2 + u * kLanes;
    r2_single[u] = to_single(load(lanes), load(lanes + kDoubleLanes));
    decay[u] = type == KernelType::rbf ? 0.5f * r2_single[u]
                                       : static_cast<float>(kSqrt5) * sqrt_lanes(r2_single[u]);
    k[u] = -decay[u];
  }
  exp_nonpositive(k);
  if (type == KernelType::rbf) return;
  for (int u = 0; u < U; ++u) k[u] = (1.0f + decay[u] + (5.0f / 3.0f) * r2_single[u]) * k[u];
}

// w(t) of vector_math.hpp in single precision, plus kSummationSlack (see screen_column).
constexpr double kSummationSlack = 1e-10;
inline vf error_weight(vf decay) {
  return select(decay < broadcast(static_cast<float>(kSingleKernelMaxDecay)),
                static_cast<float>(kSingleKernelRelativeError + kSummationSlack) +
                    static_cast<float>(kSingleKernelRelativeErrorPerDecay) * decay,
                broadcast(1.0f));
}

// Vectors handled together by the loops below.
constexpr int kUnroll = 4;

// Applies block.operator()<U>(p) to consecutive vectors of `values` in place: kUnroll vectors at a
// time while whole blocks remain, then one; the last, partial vector is padded with zeros.
template <typename Block>
void in_place(double* values, std::ptrdiff_t count, const Block& block) {
  std::ptrdiff_t i = 0;
  for (; i + kUnroll * kDoubleLanes <= count; i += kUnroll * kDoubleLanes) {
    block.template operator()<kUnroll>(values + i);
  }
  for (; i + kDoubleLanes <= count; i += kDoubleLanes) block.template operator()<1>(values + i);
  if (i == count) return;
  double tail[kDoubleLanes] = {};
  std::memcpy(tail, values + i, static_cast<std::size_t>(count - i) * sizeof(double));
  block.template operator()<1>(tail);
  std::memcpy(values + i, tail, static_cast<std::size_t>(count - i) * sizeof(double));
}

struct ExpBlock {
  template <int U>
  void operator()(double* p) const {
    vd x[U];
    for (int u = 0; u < U; ++u) x[u] = load(p + u * kDoubleLanes);
    exp_nonpositive(x);
    for (int u = 0; u < U; ++u) store(p + u * kDoubleLanes, x[u]);
  }
};

struct ProfileBlock {
  KernelType type;
  double signal_variance;
  template <int U>
  void operator()(double* p) const {
    vd x[U];
    for (int u = 0; u < U; ++u) x[u] = load(p + u * kDoubleLanes);
    profile(type, signal_variance, x);
    for (int u = 0; u < U; ++u) store(p + u * kDoubleLanes, x[u]);
  }
};

// The screen's running sums: Σ w k̃ in double precision (low and high halves of the lanes), the
// error terms and the lower bounds of k̃ in single precision (screen_column accounts for their
// rounding). One set for all unrolled vectors: their additions are a short chain next to the
// exps, and more sets would not fit the registers.
struct ScreenAccumulator {
  vd weighted_low = {};
  vd weighted_high = {};
  vf error = {};
  vf lower_max = {};

  // U · kLanes entries from r2, weights and abs_weights.
  template <int U>
  void add(KernelType type, const double* r2, const double* weights, const float* abs_weights) {
    vf k[U];
    vf decay[U];
    single_profile(type, r2, k, decay);
    for (int u = 0; u < U; ++u) {
      const double* w = weights + u * kLanes;
      weighted_low += load(w) * low_half(k[u]);
      weighted_high += load(w + kDoubleLanes) * high_half(k[u]);
      vf abs_w;
      std::memcpy(&abs_w, abs_weights + u * kLanes, sizeof abs_w);
      const vf weight = error_weight(decay[u]);
      error += abs_w * k[u] * weight;
      lower_max = max_lanes(k[u] * (1.0f - weight), lower_max);
    }
  }
};
}  // namespace

void exp_nonpositive_in_place(double* values, std::ptrdiff_t count) {
  in_place(values, count, ExpBlock{});
}

void profile_in_place(KernelType type, double signal_variance, double* values,
                      std::ptrdiff_t count) {
  in_place(values, count, ProfileBlock{type, signal_variance});
}

void single_profile(KernelType type, double signal_variance, const double* r2, std::ptrdiff_t count,
                    double* k_out, double* decay_out) {
  for (std::ptrdiff_t i = 0; i < count; i += kLanes) {
    const std::ptrdiff_t lanes = count - i < kLanes ? count - i : kLanes;
    double input[kLanes] = {};
    std::memcpy(input, r2 + i, static_cast<std::size_t>(lanes) * sizeof(double));
    vf k[1];
    vf decay[1];
    single_profile(type, input, k, decay);
    double k_lanes[kLanes];
    double decay_lanes[kLanes];
    store(k_lanes, signal_variance * low_half(k[0]));
    store(k_lanes + kDoubleLanes, signal_variance * high_half(k[0]));
    store(decay_lanes, low_half(decay[0]));
    store(decay_lanes + kDoubleLanes, high_half(decay[0]));
    std::memcpy(k_out + i, k_lanes, static_cast<std::size_t>(lanes) * sizeof(double));
    std::memcpy(decay_out + i, decay_lanes, static_cast<std::size_t>(lanes) * sizeof(double));
  }
}

ScreenSums screen_column(KernelType type, double signal_variance, const double* r2,
                         const double* weights, const float* abs_weights, std::ptrdiff_t count) {
  ScreenAccumulator sums;
  std::ptrdiff_t i = 0;
  for (; i + kUnroll * kLanes <= count; i += kUnroll * kLanes) {
    sums.add<kUnroll>(type, r2 + i, weights + i, abs_weights + i);
  }
  for (; i + kLanes <= count; i += kLanes) sums.add<1>(type, r2 + i, weights + i, abs_weights + i);
  if (i < count) {
    // Unused lanes: weight 0 and a distance far enough for w = 1, so they add 0 to every sum.
    double tail_r2[kLanes];
    double tail_weights[kLanes];
    float tail_abs_weights[kLanes];
    for (int lane = 0; lane < kLanes; ++lane) {
      const bool used = i + lane < count;
      tail_r2[lane] = used ? r2[i + lane] : 1e4;
      tail_weights[lane] = used ? weights[i + lane] : 0.0;
      tail_abs_weights[lane] = used ? abs_weights[i + lane] : 0.0f;
    }
    sums.add<1>(type, tail_r2, tail_weights, tail_abs_weights);
  }
  double weighted = 0.0;
  double error = 0.0;
  float lower_max = 0.0f;
  for (int lane = 0; lane < kDoubleLanes; ++lane) {
    weighted += sums.weighted_low[lane] + sums.weighted_high[lane];
  }
  for (int lane = 0; lane < kLanes; ++lane) {
    error += sums.error[lane];
    if (sums.lower_max[lane] > lower_max) lower_max = sums.lower_max[lane];
  }
  // Rounding: weighted's double sum is off by at most count · 2⁻⁵³ Σ|w k̃|, which the
  // kSummationSlack in every error weight covers (count < 10⁵). The single-precision error sum
  // (each lane adds at most count / kLanes + 1 terms of three rounded factors) is at most (count + 3) · 2⁻²⁴
  // relative below its exact value, and each term may lose 2⁻¹⁴⁹ to underflow; the inflation
  // below covers both. lower_max, a product of two rounded factors, is at most 3 · 2⁻²⁴ relative
  // above its exact value; the deflation covers it.
  const double n = static_cast<double>(count);
  ScreenSums result;
  result.weighted_sum = signal_variance * weighted;
  result.error_sum =
      signal_variance * (error * (1.0 + (n + 8.0) * 0x1p-23) + n * 0x1p-140) * (1.0 + 1e-15);
  result.lower_max = signal_variance * static_cast<double>(lower_max) * (1.0 - 1e-6);
  return result;
}

}  // namespace nhb2::gp_bo::vector_math::NHB2_VECTOR_MATH_NAMESPACE
