// Rank tests, robust aggregates and the sweep analysis behind report.html. (The same statistics
// are compared with scipy on random data by tests/scipy/compare_with_scipy.py.)

#include <nhb2/core/error.hpp>
#include <nhb2/experiments/analysis.hpp>
#include <nhb2/experiments/html_report.hpp>
#include <nhb2/experiments/rank_tests.hpp>
#include <nhb2/experiments/robust_statistics.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <regex>
#include <string>

using Catch::Matchers::Contains;

namespace {

// k optimizers × n runs; run r of optimizer o improves to 90 + o + r/10 by cost 50.
nhb2::SweepData make_data(std::size_t k, std::size_t n) {
  nhb2::SweepData data;
  auto& h = data.header;
  h.data_kind = "synthetic";
  h.data_description = "synthetic (generator v1, seed 1)";
  h.name = "unit";
  h.budget_seconds = 100.0;
  h.runs = static_cast<int>(n);
  h.report_epochs = {12};
  h.curve_points = 5;
  h.best_test_accs = {95.0};
  for (std::size_t o = 0; o < k; ++o) {
    h.labels.push_back("opt" + std::to_string(o));
    for (std::size_t r = 0; r < n; ++r) {
      nhb2::RunRecord run;
      run.label = h.labels.back();
      run.run = static_cast<int>(r);
      run.total_cost = 100.0;
      for (int step = 0; step < 3; ++step) {
        nhb2::QueryRecord q;
        q.total_cost = 10.0 + 20.0 * step;
        q.incumbent_test_accs[0] = 88.0 + step + static_cast<double>(o) + r / 10.0;
        run.queries.push_back(q);
      }
      run.test_accs = {run.queries.back().incumbent_test_accs[0]};
      nhb2::trace_queries(run);
      data.runs.push_back(run);
    }
  }
  return data;
}

}  // namespace

TEST_CASE("friedman ranks the best first and matches the hand-computed statistic", "[analysis]") {
  const auto r = nhb2::friedman({{3, 2, 1}, {3, 2, 1}, {3, 2, 1}});
  CHECK(r.mean_ranks == std::vector<double>{1.0, 2.0, 3.0});
  CHECK(r.statistic == Approx(6.0));
  CHECK(r.p_value == Approx(std::exp(-3.0)));  // χ²_2 survival = exp(−x/2)
}

TEST_CASE("holm_adjust steps down and keeps adjusted p-values monotone", "[analysis]") {
  const auto adjusted = nhb2::holm_adjust({0.01, 0.04, 0.03});
  CHECK(adjusted[0] == Approx(0.03));
  CHECK(adjusted[1] == Approx(0.06));
  CHECK(adjusted[2] == Approx(0.06));
  CHECK(nhb2::holm_adjust({0.9, 0.8})[0] == 1.0);
}

TEST_CASE("the studentized range for two groups is √2 times the normal quantile", "[analysis]") {
  CHECK(nhb2::studentized_range_quantile(0.95, 2) ==
        Approx(1.959964 * std::sqrt(2.0)).epsilon(1e-6));
  // Demšar (2006), table 5: q_0.05 for k = 6 is 2.850.
  CHECK(nhb2::nemenyi_critical_difference(6, 1, 0.05) / std::sqrt(6.0 * 7.0 / 6.0) ==
        Approx(2.850).margin(5e-4));
}

TEST_CASE("cliques are the maximal runs of mutually indistinguishable neighbours", "[analysis]") {
  const std::vector<std::size_t> order = {0, 1, 2, 3};
  auto near = [](std::size_t a, std::size_t b) { return (a > b ? a - b : b - a) <= 1; };
  const auto c = nhb2::cliques(order, near);
  REQUIRE(c.size() == 3);
  CHECK(c[0] == std::make_pair<std::size_t, std::size_t>(0, 1));
  CHECK(c[2] == std::make_pair<std::size_t, std::size_t>(2, 3));
  CHECK(nhb2::cliques(order, [](std::size_t, std::size_t) { return false; }).empty());
  CHECK(nhb2::cliques(order, [](std::size_t, std::size_t) { return true; }).size() == 1);
}

TEST_CASE("the IQM drops a quarter at each end and the bootstrap is reproducible", "[analysis]") {
  CHECK(nhb2::interquartile_mean({8, 1, 2, 3, 4, 5, 6, 7}) == Approx(4.5));
  const std::vector<double> values = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  auto iqm = [](std::vector<double>& v) { return nhb2::interquartile_mean(v); };
  const auto a = nhb2::bootstrap_interval(values, iqm, 500, 7);
  const auto b = nhb2::bootstrap_interval(values, iqm, 500, 7);
  CHECK(a.lo == b.lo);
  CHECK(a.hi == b.hi);
  CHECK(a.lo < 5.5);
  CHECK(a.hi > 5.5);
}

TEST_CASE("final regret is the optimum minus the last incumbent and ranks follow it",
          "[analysis]") {
  const auto data = make_data(3, 4);
  const auto a = nhb2::compute_analysis(data, nullptr);
  REQUIRE(a.epochs.size() == 1);
  const auto& e = a.epochs[0];
  CHECK(e.finals[0].regret[1] == Approx(95.0 - 90.1));
  CHECK(e.finals[2].regret_mean == Approx(95.0 - 92.15));
  CHECK(e.rank_order == std::vector<std::size_t>{2, 1, 0});
  CHECK(e.tests_defined);
  CHECK(e.friedman.mean_ranks == std::vector<double>{3.0, 2.0, 1.0});
  CHECK(e.rank_mean[2].back() == 1.0);
  CHECK(e.checkpoints.size() == 4);
  const double expected =
      (std::log10(5.0) + std::log10(4.9) + std::log10(4.8) + std::log10(4.7)) / 4.0;
  CHECK(e.log_regret_mean[0].back() == Approx(expected));
}

TEST_CASE("one optimizer and one run give a report that names the undefined statistics",
          "[analysis]") {
  const auto data = make_data(1, 1);
  const auto a = nhb2::compute_analysis(data, nullptr);
  REQUIRE(a.notes.size() >= 2);
  CHECK_THAT(a.notes[0], Contains("one optimizer"));
  CHECK_THAT(a.notes[1], Contains("one run"));
  CHECK_FALSE(a.epochs[0].tests_defined);
  const std::string html = nhb2::report_html(data, a, "");
  CHECK_THAT(html, Contains("Undefined statistics"));
  const std::regex not_a_number("\\b(nan|-?inf)\\b", std::regex::icase);
  CHECK_FALSE(std::regex_search(html, not_a_number));
  CHECK_FALSE(std::regex_search(nhb2::statistics_md(data, a), not_a_number));
  CHECK_FALSE(std::regex_search(nhb2::regret_csv(data, a), not_a_number));
}

TEST_CASE("report.html is the same bytes for the same records", "[analysis]") {
  const auto data = make_data(3, 5);
  const auto a = nhb2::compute_analysis(data, nullptr);
  const auto b = nhb2::compute_analysis(data, nullptr);
  const std::string html = nhb2::report_html(data, a, "name: unit\n");
  CHECK(html == nhb2::report_html(data, b, "name: unit\n"));
  CHECK_THAT(html, Contains("<svg class=\"figure\""));
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // no other link
  CHECK(html.find("https://") == std::string::npos);
}

TEST_CASE("a truncated or edited space.csv is refused naming file and line", "[analysis]") {
  nhb2::SpaceTable t;
  t.data_checksum = "abc";
  t.seed_policy = "fixed";
  t.epochs = {12};
  t.best = {95.0};
  t.best_configs = {"0|00|000 lr=0.1 bs=256"};
  t.grid.emplace_back();
  for (double p : nhb2::space_table_percentiles()) t.grid[0].emplace_back(p, 50.0 + 0.45 * p);
  const std::string text = nhb2::space_table_csv(t);
  const auto parsed = nhb2::parse_space_table(text, "space.csv");
  CHECK(parsed.grid[0] == t.grid[0]);
  CHECK(parsed.percentile_of(0, 50.0 + 0.45 * 40.0) == Approx(40.0));
  CHECK_THROWS_WITH(
      nhb2::parse_space_table(text.substr(0, text.rfind('\n', text.size() / 2) + 1), "space.csv"),
      Contains("space.csv:") && Contains("truncated"));
  std::string edited = text;
  edited.replace(edited.find("12,50,"), 6, "12,5x,");
  CHECK_THROWS_WITH(nhb2::parse_space_table(edited, "space.csv"), Contains("not a number: '5x'"));
}
