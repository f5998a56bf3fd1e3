// Statistics of the sweep reports, checked against values computed by hand.

#include <nhb2/experiments/statistics.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace nhb2;

TEST_CASE("mean, sample std and standard error use the n - 1 divisor", "[statistics]") {
  const std::vector<double> values = {2, 4, 4, 4, 5, 5, 7, 9};
  CHECK(mean(values) == 5.0);
  // sqrt(32 / 7)
  CHECK(sample_std(values) == Approx(2.138089935299395).epsilon(1e-14));
  CHECK(standard_error(values) == Approx(0.7559289460184544).epsilon(1e-14));
  CHECK(sample_std({3.0}) == 0.0);
  CHECK(std::isnan(mean({})));
}

TEST_CASE("quantiles interpolate linearly between order statistics (type 7)", "[statistics]") {
  const std::vector<double> values = {4, 1, 3, 2};  // unsorted on purpose
  CHECK(quantile(values, 0.0) == 1.0);
  CHECK(quantile(values, 0.25) == 1.75);
  CHECK(median(values) == 2.5);
  CHECK(quantile(values, 0.75) == 3.25);
  CHECK(quantile(values, 1.0) == 4.0);
  CHECK(median({7.0}) == 7.0);
  CHECK(median({1, 2, 10}) == 2.0);
}

TEST_CASE("ranks give 1 to the largest value and average ties", "[statistics]") {
  CHECK(descending_ranks({3, 1, 3, 2}) == std::vector<double>{1.5, 4, 1.5, 3});
  CHECK(descending_ranks({5, 5, 5}) == std::vector<double>{2, 2, 2});
  CHECK(descending_ranks({1, 2, 3}) == std::vector<double>{3, 2, 1});
}

TEST_CASE("Wilcoxon signed-rank is exact for small samples without ties", "[statistics]") {
  // Differences 1, -2, 3, 4, 5: W+ = 1 + 3 + 4 + 5 = 13, W- = 2. Of the 32 sign patterns,
  // 3 have W+ <= 2 ({}, {1}, {2}), so p = 2 * 3 / 32.
  const std::vector<double> x = {11, 8, 13, 14, 15};
  const std::vector<double> y = {10, 10, 10, 10, 10};
  const WilcoxonResult r = wilcoxon_signed_rank(x, y);
  CHECK(r.n == 5);
  CHECK(r.w_plus == 13.0);
  CHECK(r.w_minus == 2.0);
  CHECK(r.exact);
  CHECK(r.p_value == 0.1875);
  CHECK(wilcoxon_signed_rank(y, x).p_value == 0.1875);  // two-sided: symmetric
}

TEST_CASE("Wilcoxon signed-rank drops zeros and corrects the variance for ties", "[statistics]") {
  // Differences 0, 1, 1, -2, 3, 3, 3, 4: the zero is dropped (n = 7); |d| ranks 1.5 1.5 3 5 5 5 7;
  // W+ = 25; E = 14; var = 7·8·15/24 - ((2³-2) + (3³-3))/48 = 34.375; z = 11/√34.375.
  const std::vector<double> x = {5, 6, 6, 3, 8, 8, 8, 9};
  const std::vector<double> y = {5, 5, 5, 5, 5, 5, 5, 5};
  const WilcoxonResult r = wilcoxon_signed_rank(x, y);
  CHECK(r.n == 7);
  CHECK(r.w_plus == 25.0);
  CHECK(r.w_minus == 3.0);
  CHECK_FALSE(r.exact);
  CHECK(r.z == Approx(1.8761663039293717).epsilon(1e-12));
  CHECK(r.p_value == Approx(0.06063244747062041).epsilon(1e-10));
}

TEST_CASE("Wilcoxon signed-rank of identical samples gives p = 1", "[statistics]") {
  const WilcoxonResult r = wilcoxon_signed_rank({1, 2, 3}, {1, 2, 3});
  CHECK(r.n == 0);
  CHECK(r.p_value == 1.0);
}

TEST_CASE("Wilcoxon signed-rank uses the normal approximation above 25 pairs", "[statistics]") {
  std::vector<double> x, y;
  for (int i = 1; i <= 30; ++i) {
    x.push_back(i % 3 == 0 ? -i : i);  // 10 negative, 20 positive differences, all distinct
    y.push_back(0.0);
  }
  const WilcoxonResult r = wilcoxon_signed_rank(x, y);
  CHECK_FALSE(r.exact);
  CHECK(r.w_plus + r.w_minus == 30.0 * 31.0 / 2.0);
  CHECK(r.p_value > 0.0);
  CHECK(r.p_value < 1.0);
}
