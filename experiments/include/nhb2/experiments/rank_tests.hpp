#pragma once
// Tests over several optimizers on the same paired runs (blocks), as papers compare methods.
//
// Data: scores[b][j] = the value of optimizer j in block (run index) b; higher is better.
// - friedman: rank within each block (1 = best, ties averaged), mean rank per optimizer, and the
//   Friedman chi-square statistic with the tie correction scipy.stats.friedmanchisquare applies:
//   Q = [12 / (n k (k+1)) Σ_j R_j² − 3 n (k+1)] / [1 − Σ (t³ − t) / (n k (k² − 1))] with R_j the
//   rank sums and t the sizes of tied groups; p = P(χ²_{k−1} ≥ Q). Needs k >= 2 and n >= 1;
//   when every block is all ties the statistic is undefined (NaN, p = 1).
// - nemenyi_critical_difference: CD = q_α(k) √(k (k+1) / (6 n)) where q_α(k) is the upper-α
//   quantile of the studentized range of k independent standard normals (infinite degrees of
//   freedom) divided by √2 (Demšar 2006). Two mean ranks differing by more than CD differ.
// - holm_adjust: Holm's step-down adjusted p-values (monotone, capped at 1), same order as given.
// - cliques: given optimizers sorted by mean rank and a symmetric "not significantly different"
//   relation, the maximal runs of consecutive optimizers whose every pair is not different (the
//   bars of a critical-difference diagram); runs of one optimizer are left out.

#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

namespace nhb2 {

struct FriedmanResult {
  std::size_t blocks = 0;
  std::size_t k = 0;
  std::vector<double> mean_ranks;  // per optimizer, 1 = best
  double statistic = 0.0;
  double p_value = 1.0;
};

// Precondition: every block has the same number k >= 2 of finite scores.
FriedmanResult friedman(const std::vector<std::vector<double>>& scores);

// P(χ²_df ≥ x).
double chi_squared_sf(double x, double df);
// P(range of k iid N(0,1) ≤ q), k >= 2.
double studentized_range_cdf(double q, int k);
// The q with studentized_range_cdf(q, k) = p, 0 < p < 1.
double studentized_range_quantile(double p, int k);
double nemenyi_critical_difference(int k, std::size_t blocks, double alpha);

std::vector<double> holm_adjust(const std::vector<double>& p_values);

// order: optimizer indices sorted by mean rank; same(i, j) for optimizer indices. Returns the
// cliques as [first, last] positions in `order`.
std::vector<std::pair<std::size_t, std::size_t>> cliques(
    const std::vector<std::size_t>& order,
    const std::function<bool(std::size_t, std::size_t)>& same);

}  // namespace nhb2
