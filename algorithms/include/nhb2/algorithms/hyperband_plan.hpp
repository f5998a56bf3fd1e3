#pragma once
// Hyperband's bracket plan (Li et al., "Hyperband: A Novel Bandit-Based Approach to
// Hyperparameter Optimization", JMLR 2018), as hpbandster plans it; shared by bohb, hyperband and
// dehb.
//
// s_max = floor(log_eta(max_budget / min_budget)) (computed exactly in integers); budgets
// b_j = max_budget · eta^-j. Iteration i runs the bracket s = s_max − (i mod (s_max+1)):
// n0 = floor((s_max+1)/(s+1)) · eta^s configs at b_s, then floor(n0 / eta^k) (at least 1) at
// b_{s−k}. With eta 3 over 1..12 epochs: [9 @ 1, 3 @ 4, 1 @ 12], [3 @ 4, 1 @ 12], [3 @ 12], …
// (hpbandster's floor, not the Hyperband paper's ceil, which would give 5 in the second bracket).
// A budget maps to epochs = floor(b) — the reference's iepoch = int(budget) — computed as the
// integer division max_budget / eta^j; so 12·3^-2 = 1.33 → 1 epoch.

#include <vector>

namespace nhb2 {

// One Hyperband bracket: num_configs[k] configs trained for epochs[k] epochs in stage k.
struct BracketPlan {
  int s = 0;
  std::vector<int> num_configs;
  std::vector<int> epochs;
};

// s_max = floor(log_eta(max_budget / min_budget)). Preconditions: eta >= 2,
// 1 <= min_budget <= max_budget.
int hyperband_s_max(int eta, int min_budget, int max_budget);
// The bracket of Hyperband iteration `iteration` (0-based), as hpbandster plans it.
BracketPlan hyperband_bracket(int iteration, int eta, int min_budget, int max_budget);

}  // namespace nhb2
