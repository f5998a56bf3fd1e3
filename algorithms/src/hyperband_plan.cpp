#include <nhb2/algorithms/hyperband_plan.hpp>

#include <algorithm>
#include <cassert>

namespace nhb2 {

namespace {

int int_power(int base, int exponent) {
  int result = 1;
  for (int i = 0; i < exponent; ++i) result *= base;
  return result;
}

}  // namespace

int hyperband_s_max(int eta, int min_budget, int max_budget) {
  assert(eta >= 2 && min_budget >= 1 && min_budget <= max_budget);
  // Integers, not log(): hpbandster's -int(log(min/max)/log(eta)) misrounds exact powers.
  int s = 0;
  long long reach = min_budget;
  while (reach * eta <= max_budget) {
    reach *= eta;
    ++s;
  }
  return s;
}

BracketPlan hyperband_bracket(int iteration, int eta, int min_budget, int max_budget) {
  const int s_max = hyperband_s_max(eta, min_budget, max_budget);
  BracketPlan plan;
  plan.s = s_max - iteration % (s_max + 1);
  const int n0 = ((s_max + 1) / (plan.s + 1)) * int_power(eta, plan.s);
  for (int k = 0; k <= plan.s; ++k) {
    plan.num_configs.push_back(std::max(n0 / int_power(eta, k), 1));
    plan.epochs.push_back(max_budget / int_power(eta, plan.s - k));
  }
  return plan;
}

}  // namespace nhb2
