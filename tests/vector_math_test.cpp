// gp_bo's kernel loops (algorithms/src/gp_bo/vector_math.hpp) in both instruction sets: the
// double-precision results bit-identical, the single-precision screen within its bounds.

#include "gp_bo/kernel.hpp"
#include "gp_bo/vector_math.hpp"

#include "test_support.hpp"

#include <nhb2/core/rng.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using namespace nhb2;
using namespace nhb2::gp_bo;
using vector_math::InstructionSet;

namespace {

// Runs f under `set`, restoring the previous set afterwards.
template <typename Function>
void with_set(InstructionSet set, Function f) {
  const InstructionSet previous = vector_math::active_instruction_set();
  REQUIRE(vector_math::set_instruction_set(set));
  f();
  vector_math::set_instruction_set(previous);
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Squared distances as gp_bo meets them: exact zeros, tiny and large values, and the range
// between, for every count from 1 to 40 (every tail length of both lane widths).
std::vector<double> some_squared_distances(Rng& rng, int count) {
  std::vector<double> r2(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const double u = uniform_real(rng);
    r2[static_cast<std::size_t>(i)] = i % 7 == 0   ? 0.0
                                      : i % 11 == 0 ? 1e-300
                                      : i % 13 == 0 ? 5e4
                                                    : 60.0 * u * u;
  }
  return r2;
}

}  // namespace

TEST_CASE("the baseline and AVX2 loops give the same double-precision bits", "[gp_bo]") {
  if (!vector_math::instruction_set_available(InstructionSet::avx2)) {
    WARN("this processor has no AVX2: only the baseline loops run here");
    return;
  }
  Rng rng = make_rng(7);
  for (int count = 1; count <= 40; ++count) {
    // exp over its whole range, the clamp at −700 and both zeros included.
    std::vector<double> arguments(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      arguments[static_cast<std::size_t>(i)] = i % 9 == 0   ? -0.0
                                               : i % 9 == 1 ? 0.0
                                               : i % 9 == 2 ? -700.0
                                               : i % 9 == 3 ? -1e4
                                                            : -750.0 * uniform_real(rng);
    }
    std::vector<double> baseline = arguments;
    std::vector<double> avx2 = arguments;
    with_set(InstructionSet::baseline,
             [&] { vector_math::exp_nonpositive_in_place(baseline.data(), count); });
    with_set(InstructionSet::avx2,
             [&] { vector_math::exp_nonpositive_in_place(avx2.data(), count); });
    INFO("count " << count);
    CHECK(same_bits(baseline, avx2));
    for (int i = 0; i < count; ++i) {
      const double x = std::max(arguments[static_cast<std::size_t>(i)], -700.0);
      CHECK(baseline[static_cast<std::size_t>(i)] == Approx(std::exp(x)).epsilon(1e-15));
    }

    const std::vector<double> r2 = some_squared_distances(rng, count);
    for (KernelType type : {KernelType::matern52, KernelType::rbf}) {
      std::vector<double> profile_baseline = r2;
      std::vector<double> profile_avx2 = r2;
      with_set(InstructionSet::baseline, [&] {
        vector_math::profile_in_place(type, 1.7, profile_baseline.data(), count);
      });
      with_set(InstructionSet::avx2, [&] {
        vector_math::profile_in_place(type, 1.7, profile_avx2.data(), count);
      });
      CHECK(same_bits(profile_baseline, profile_avx2));
      for (int i = 0; i < count; ++i) {
        const double expected = 1.7 * kernel_profile(type, r2[static_cast<std::size_t>(i)]);
        CHECK(std::abs(profile_baseline[static_cast<std::size_t>(i)] - expected) <=
              1e-12 * expected + 1e-290);
      }
      // The single-precision kernel is the same arithmetic per lane too.
      std::vector<double> k_baseline(r2.size()), decay_baseline(r2.size());
      std::vector<double> k_avx2(r2.size()), decay_avx2(r2.size());
      with_set(InstructionSet::baseline, [&] {
        vector_math::single_profile(type, 1.7, r2.data(), count, k_baseline.data(),
                                    decay_baseline.data());
      });
      with_set(InstructionSet::avx2, [&] {
        vector_math::single_profile(type, 1.7, r2.data(), count, k_avx2.data(), decay_avx2.data());
      });
      CHECK(same_bits(k_baseline, k_avx2));
      CHECK(same_bits(decay_baseline, decay_avx2));
    }
  }
}

TEST_CASE("the screen's sums bound the exact ones in both instruction sets", "[gp_bo]") {
  const KernelType type = GENERATE(KernelType::matern52, KernelType::rbf);
  std::vector<InstructionSet> sets = {InstructionSet::baseline};
  if (vector_math::instruction_set_available(InstructionSet::avx2)) {
    sets.push_back(InstructionSet::avx2);
  }
  Rng rng = make_rng(11);
  const double signal_variance = 2.3;
  for (int count : {1, 3, 8, 17, 31, 33, 64, 100, 517}) {
    const std::vector<double> r2 = some_squared_distances(rng, count);
    std::vector<double> weights(r2.size());
    std::vector<float> abs_weights(r2.size());
    double exact_sum = 0.0;
    double abs_sum = 0.0;
    double exact_max = 0.0;
    for (int i = 0; i < count; ++i) {
      const std::size_t s = static_cast<std::size_t>(i);
      // Mixed signs and magnitudes, so the sum cancels.
      weights[s] = (uniform_real(rng) - 0.5) * (i % 5 == 0 ? 3e3 : 4.0);
      abs_weights[s] = static_cast<float>(std::abs(weights[s]));
      const double k = signal_variance * kernel_profile(type, r2[s]);
      exact_sum += weights[s] * k;
      abs_sum += std::abs(weights[s]) * k;
      exact_max = std::max(exact_max, k);
    }
    for (InstructionSet set : sets) {
      vector_math::ScreenSums sums;
      with_set(set, [&] {
        sums = vector_math::screen_column(type, signal_variance, r2.data(), weights.data(),
                                          abs_weights.data(), count);
      });
      INFO("count " << count << ", " << vector_math::instruction_set_name(set));
      double weights_sum = 0.0;
      for (double w : weights) weights_sum += std::abs(w);
      const double absolute = kSingleKernelAbsoluteError * signal_variance * weights_sum;
      CHECK(std::abs(sums.weighted_sum - exact_sum) <= sums.error_sum + absolute);
      // Tight: the error terms are a few parts per million of the absolute sum.
      CHECK(sums.error_sum <= 1e-4 * abs_sum + 1e-20);
      CHECK(sums.lower_max <= exact_max);
      CHECK(sums.lower_max >= exact_max * (1.0 - 1e-4));
    }
  }
}

TEST_CASE("NHB2_SIMD=baseline runs gp_bo to the same results as the automatic choice",
          "[gp_bo][cli]") {
  const std::string args =
      "run --optimizer gp_bo --budget 30000 --runs 3 --seed 5 --workers 2 --json";
  const test::CliResult automatic = test::run_cli(args);
  const test::CliResult baseline = test::run_cli(args, "NHB2_SIMD=baseline");
  REQUIRE(automatic.exit_code == 0);
  REQUIRE(baseline.exit_code == 0);
  CHECK(automatic.out == baseline.out);
}

TEST_CASE("an unknown NHB2_SIMD value is a warning, not a failure", "[gp_bo][cli]") {
  const std::string args = "run --optimizer gp_bo --budget 5000 --runs 1 --seed 2 --json";
  const test::CliResult automatic = test::run_cli(args);
  const test::CliResult unknown = test::run_cli(args, "NHB2_SIMD=avx9000");
  REQUIRE(automatic.exit_code == 0);
  REQUIRE(unknown.exit_code == 0);
  CHECK(unknown.out == automatic.out);
  CHECK_THAT(unknown.err, Catch::Contains("NHB2_SIMD=avx9000 is not one of: baseline, avx2"));
  CHECK(automatic.err.find("NHB2_SIMD") == std::string::npos);
  if (vector_math::instruction_set_available(InstructionSet::avx2)) {
    const test::CliResult avx2 = test::run_cli(args, "NHB2_SIMD=avx2");
    REQUIRE(avx2.exit_code == 0);
    CHECK(avx2.out == automatic.out);
    CHECK(avx2.err.find("warning") == std::string::npos);
  }
}
