// Reads a JSON list of statistics requests on stdin and prints nhb2's answers as a JSON list:
// the C++ side of compare_with_scipy.py, which computes the same statistics with scipy.
//
// Requests (one key each): friedman: [[block scores]], wilcoxon: {x, y}, holm: [p],
// studentized_range_quantile: {p, k}, nemenyi_cd: {k, n, alpha}, chi2_sf: {x, df},
// iqm: [values], bootstrap_iqm: [values], ranks: [values], ecdf: {values, x}.

#include <nhb2/experiments/rank_tests.hpp>
#include <nhb2/experiments/robust_statistics.hpp>
#include <nhb2/experiments/statistics.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

using nlohmann::json;

namespace {

json answer(const json& request) {
  if (request.contains("friedman")) {
    const auto blocks = request["friedman"].get<std::vector<std::vector<double>>>();
    const nhb2::FriedmanResult r = nhb2::friedman(blocks);
    return {{"statistic", r.statistic}, {"p", r.p_value}, {"mean_ranks", r.mean_ranks}};
  }
  if (request.contains("wilcoxon")) {
    const auto& w = request["wilcoxon"];
    const nhb2::WilcoxonResult r = nhb2::wilcoxon_signed_rank(w["x"].get<std::vector<double>>(),
                                                              w["y"].get<std::vector<double>>());
    return {{"p", r.p_value}, {"w_plus", r.w_plus}, {"w_minus", r.w_minus}, {"exact", r.exact}};
  }
  if (request.contains("holm")) {
    return {{"adjusted", nhb2::holm_adjust(request["holm"].get<std::vector<double>>())}};
  }
  if (request.contains("studentized_range_quantile")) {
    const auto& q = request["studentized_range_quantile"];
    return {{"q", nhb2::studentized_range_quantile(q["p"].get<double>(), q["k"].get<int>())}};
  }
  if (request.contains("nemenyi_cd")) {
    const auto& c = request["nemenyi_cd"];
    return {{"cd", nhb2::nemenyi_critical_difference(c["k"].get<int>(), c["n"].get<std::size_t>(),
                                                     c["alpha"].get<double>())}};
  }
  if (request.contains("chi2_sf")) {
    const auto& c = request["chi2_sf"];
    return {{"sf", nhb2::chi_squared_sf(c["x"].get<double>(), c["df"].get<double>())}};
  }
  if (request.contains("iqm")) {
    return {{"iqm", nhb2::interquartile_mean(request["iqm"].get<std::vector<double>>())}};
  }
  if (request.contains("bootstrap_iqm")) {
    const nhb2::Interval i = nhb2::bootstrap_interval(
        request["bootstrap_iqm"].get<std::vector<double>>(),
        [](std::vector<double>& v) { return nhb2::interquartile_mean(v); }, 10000, 1);
    return {{"lo", i.lo}, {"hi", i.hi}};
  }
  if (request.contains("ranks")) {
    return {{"ranks", nhb2::descending_ranks(request["ranks"].get<std::vector<double>>())}};
  }
  if (request.contains("ecdf")) {
    auto values = request["ecdf"]["values"].get<std::vector<double>>();
    std::sort(values.begin(), values.end());
    std::vector<double> out;
    for (double x : request["ecdf"]["x"].get<std::vector<double>>()) {
      out.push_back(nhb2::ecdf_at(values, x));
    }
    return {{"ecdf", out}};
  }
  throw std::runtime_error("unknown request " + request.dump());
}

}  // namespace

int main() {
  try {
    const json requests = json::parse(std::cin);
    json answers = json::array();
    for (const auto& r : requests) answers.push_back(answer(r));
    std::cout << answers.dump() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "statistics_probe: " << e.what() << "\n";
    return 1;
  }
}
