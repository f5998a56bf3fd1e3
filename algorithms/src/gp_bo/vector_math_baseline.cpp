// vector_math.hpp's loops for every processor: four single-precision lanes (SSE2 on x86-64).
#define NHB2_VECTOR_MATH_NAMESPACE baseline
#define NHB2_VECTOR_MATH_LANES 4
#include "gp_bo/vector_math_impl.hpp"
