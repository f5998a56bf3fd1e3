// vector_math.hpp's loops for x86-64 processors with AVX2: eight single-precision lanes. The build
// compiles this file alone with -mavx2 (and never -mfma, which would change the rounding); on
// other targets it is empty and the baseline always runs.
#if defined(__AVX2__)
#define NHB2_VECTOR_MATH_NAMESPACE avx2
#define NHB2_VECTOR_MATH_LANES 8
#include "gp_bo/vector_math_impl.hpp"
#endif
