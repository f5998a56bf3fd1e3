#include "gp_bo/vector_math.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace nhb2::gp_bo::vector_math {

// The per-instruction-set definitions (vector_math_baseline.cpp, vector_math_avx2.cpp).
#define NHB2_VECTOR_MATH_DECLARE(set)                                                         \
  namespace set {                                                                             \
  void exp_nonpositive_in_place(double* values, std::ptrdiff_t count);                        \
  void profile_in_place(KernelType type, double signal_variance, double* values,              \
                        std::ptrdiff_t count);                                                \
  void single_profile(KernelType type, double signal_variance, const double* r2,              \
                      std::ptrdiff_t count, double* k_out, double* decay_out);                \
  ScreenSums screen_column(KernelType type, double signal_variance, const double* r2,         \
                           const double* weights, const float* abs_weights,                   \
                           std::ptrdiff_t count);                                             \
  }
NHB2_VECTOR_MATH_DECLARE(baseline)
#if defined(NHB2_VECTOR_MATH_AVX2)
NHB2_VECTOR_MATH_DECLARE(avx2)
#endif
#undef NHB2_VECTOR_MATH_DECLARE

namespace {

bool processor_has_avx2() {
#if defined(NHB2_VECTOR_MATH_AVX2) && (defined(__x86_64__) || defined(__i386__))
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

// NHB2_SIMD: unset or empty chooses automatically; "baseline" or "avx2" asks for one. A set this
// processor lacks, or any other value, gives a one-line warning and the automatic choice.
InstructionSet initial_set() {
  const InstructionSet automatic =
      processor_has_avx2() ? InstructionSet::avx2 : InstructionSet::baseline;
  const char* requested = std::getenv("NHB2_SIMD");
  if (requested == nullptr || *requested == '\0') return automatic;
  if (std::strcmp(requested, "baseline") == 0) return InstructionSet::baseline;
  if (std::strcmp(requested, "avx2") == 0) {
    if (processor_has_avx2()) return InstructionSet::avx2;
    std::fprintf(stderr,
                 "nhb2: warning: NHB2_SIMD=avx2, but this build or processor has no AVX2; using "
                 "baseline\n");
    return automatic;
  }
  std::fprintf(stderr,
               "nhb2: warning: NHB2_SIMD=%s is not one of: baseline, avx2; choosing "
               "automatically (%s)\n",
               requested, instruction_set_name(automatic));
  return automatic;
}

std::atomic<InstructionSet>& active() {
  static std::atomic<InstructionSet> set{initial_set()};
  return set;
}

bool use_avx2() {
#if defined(NHB2_VECTOR_MATH_AVX2)
  return active().load(std::memory_order_relaxed) == InstructionSet::avx2;
#else
  return false;
#endif
}

}  // namespace

const char* instruction_set_name(InstructionSet set) {
  return set == InstructionSet::avx2 ? "avx2" : "baseline";
}

bool instruction_set_available(InstructionSet set) {
  return set == InstructionSet::baseline || processor_has_avx2();
}

InstructionSet active_instruction_set() { return active().load(); }

bool set_instruction_set(InstructionSet set) {
  if (!instruction_set_available(set)) return false;
  active().store(set);
  return true;
}

#if defined(NHB2_VECTOR_MATH_AVX2)
#define NHB2_VECTOR_MATH_CALL(function, ...) \
  (use_avx2() ? avx2::function(__VA_ARGS__) : baseline::function(__VA_ARGS__))
#else
#define NHB2_VECTOR_MATH_CALL(function, ...) baseline::function(__VA_ARGS__)
#endif

void exp_nonpositive_in_place(double* values, std::ptrdiff_t count) {
  NHB2_VECTOR_MATH_CALL(exp_nonpositive_in_place, values, count);
}

void profile_in_place(KernelType type, double signal_variance, double* values,
                      std::ptrdiff_t count) {
  NHB2_VECTOR_MATH_CALL(profile_in_place, type, signal_variance, values, count);
}

void single_profile(KernelType type, double signal_variance, const double* r2, std::ptrdiff_t count,
                    double* k_out, double* decay_out) {
  NHB2_VECTOR_MATH_CALL(single_profile, type, signal_variance, r2, count, k_out, decay_out);
}

ScreenSums screen_column(KernelType type, double signal_variance, const double* r2,
                         const double* weights, const float* abs_weights, std::ptrdiff_t count) {
  return NHB2_VECTOR_MATH_CALL(screen_column, type, signal_variance, r2, weights, abs_weights,
                               count);
}

#undef NHB2_VECTOR_MATH_CALL

}  // namespace nhb2::gp_bo::vector_math
