#pragma once
// The GP kernel's inner loops over one column of squared distances r², compiled once per
// instruction set and chosen at run time: the baseline (SSE2 on x86-64, plain C++ elsewhere) and,
// on x86-64 processors that have it, AVX2. Every lane does the same arithmetic in the same order
// in both (no fused multiply-add), so the double-precision results are bit-identical whichever
// set runs; the single-precision screen's sums may differ in their last bits (their order of
// summation differs), never beyond the error bounds below.
//
// The implementations (vector_math_impl.hpp) include no Eigen or standard-library templates, so
// the AVX2 translation unit cannot leak AVX2 code into functions the baseline uses.

#include <nhb2/algorithms/gp_bo/kernel_type.hpp>

#include <cstddef>

namespace nhb2::gp_bo {

// Error bounds of the single-precision kernel k̃ (r² rounded to float, profile and exp in
// float). With the decay argument t (√5 r for matern52, r²/2 for rbf), every entry satisfies
// |k̃ − k| ≤ w(t) k̃ + kSingleKernelAbsoluteError · s², where
// w(t) = kSingleKernelRelativeError + kSingleKernelRelativeErrorPerDecay · t for
// t < kSingleKernelMaxDecay and 1 beyond (exp's argument is clamped there). The slope is the
// rounding of t in float, amplified by exp.
constexpr double kSingleKernelRelativeError = 2e-6;
constexpr double kSingleKernelRelativeErrorPerDecay = 5e-7;
constexpr double kSingleKernelMaxDecay = 86.0;
constexpr double kSingleKernelAbsoluteError = 1e-30;

namespace vector_math {

enum class InstructionSet { baseline, avx2 };

// "baseline" or "avx2".
const char* instruction_set_name(InstructionSet set);
// Whether this build and this processor can run `set`.
bool instruction_set_available(InstructionSet set);
// The set the functions below use, fixed when first asked: the environment variable NHB2_SIMD
// ("baseline" or "avx2") if set, else AVX2 when available. An unknown value, or avx2 where it is
// not available, gives a one-line warning on stderr and the automatic choice.
InstructionSet active_instruction_set();
// Switches the set (for tests comparing both); returns false, changing nothing, when `set` is
// not available. Not for use while other threads compute kernels.
bool set_instruction_set(InstructionSet set);

// values[i] = exp(values[i]) for i < count, for non-positive arguments: arguments are clamped to
// [−700, 0], so results stay normal numbers (≈ 1e-304 at the bottom instead of 0). Relative
// error below 2e-17 plus the final rounding.
void exp_nonpositive_in_place(double* values, std::ptrdiff_t count);

// In place over r²: values[i] = s² k(values[i]) for the kernel `type`, in double precision.
void profile_in_place(KernelType type, double signal_variance, double* values,
                      std::ptrdiff_t count);

// The single-precision kernel of every entry: k_out[i] = s² k̃(r2[i]) and decay_out[i] = t.
void single_profile(KernelType type, double signal_variance, const double* r2, std::ptrdiff_t count,
                    double* k_out, double* decay_out);

// One column of the screen (kernel_screen in kernel.hpp), from the single-precision kernel k̃:
//   weighted_sum   Σ_i weights_i s² k̃_i, summed in double precision (in an order that depends on
//                  the instruction set)
//   error_sum      an upper bound on Σ_i |weights_i| s² k̃_i w(t_i) plus the rounding error of
//                  weighted_sum, so |weighted_sum − Σ_i weights_i k_i| ≤ error_sum +
//                  kSingleKernelAbsoluteError s² Σ_i |weights_i|
//   lower_max      a lower bound on max_i s² k̃_i (1 − w(t_i)), at least 0
// abs_weights_i is |weights_i| rounded to float. Precondition: count < 10⁵.
struct ScreenSums {
  double weighted_sum = 0.0;
  double error_sum = 0.0;
  double lower_max = 0.0;
};
ScreenSums screen_column(KernelType type, double signal_variance, const double* r2,
                         const double* weights, const float* abs_weights, std::ptrdiff_t count);

}  // namespace vector_math
}  // namespace nhb2::gp_bo
