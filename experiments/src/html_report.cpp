#include <nhb2/experiments/html_report.hpp>
#include "mo_html.hpp"

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/file_io.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/experiments/aggregate.hpp>
#include <nhb2/experiments/svg_plot.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <string_view>

namespace nhb2 {

namespace {

// First in <head>: records script errors and console.error calls for the rendering check.
const char* const kErrorCatcher =
    "<script>window.nhb2Errors=[];window.addEventListener('error',function(e){"
    "nhb2Errors.push(String(e.message));});(function(){var f=console.error;console.error="
    "function(){nhb2Errors.push(Array.prototype.join.call(arguments,' '));"
    "return f.apply(console,arguments);};})();</script>\n";

const char* const kStyle = R"(<style>
:root{--fg:#1d232b;--muted:#5b6573;--rule:#d8dde3;--bg:#fff;--accent:#1f5fa8}
*{box-sizing:border-box}
body{font:15px/1.5 "DejaVu Sans",system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:0}
main{max-width:1240px;margin:0 auto;padding:20px 28px 60px}
h1{font-size:1.6em;margin:.2em 0 .1em}h2{font-size:1.25em;margin:1.8em 0 .5em;border-bottom:1px solid var(--rule);padding-bottom:.2em}
h3{font-size:1.05em;margin:1.2em 0 .4em}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;background:#fde8c8;color:#7a4a00;font-size:.85em;font-weight:bold}
.badge.official{background:#d8ecd8;color:#1e5b1e}
nav{font-size:.9em;color:var(--muted);margin:.6em 0 1em}nav a{color:var(--accent);margin-right:.9em;text-decoration:none}
table{border-collapse:collapse;margin:.4em 0 1em;font-size:.84em;font-variant-numeric:tabular-nums}
th,td{padding:3px 9px;border-bottom:1px solid var(--rule);text-align:right;white-space:nowrap}
th{white-space:normal;vertical-align:bottom}
figure{margin:0}
th:first-child,td:first-child{text-align:left}
th{background:#f3f5f7;position:sticky;top:0}
table.sortable th{cursor:pointer}table.sortable th:after{content:" \2195";color:#aab}
table.kv td{text-align:left;white-space:normal}
.scroll{overflow-x:auto}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:14px}
.figures>figure{max-width:760px}
.figures.wide{grid-template-columns:1fr}.figures.wide svg.figure{max-width:900px}
svg.figure{width:100%;height:auto;display:block;background:#fff;border:1px solid var(--rule);border-radius:4px}
svg .frame{fill:none;stroke:#9aa4b0}svg .grid{stroke:#eceff2}svg .tick{font-size:11px;fill:#4a5260}
svg .label{font-size:12px;fill:#333}svg .title{font-size:13px;font-weight:bold;fill:#222}
svg .series{fill:none;stroke-width:1.8}svg .band{opacity:.16;stroke:none}
svg .legend{font-size:12px;fill:#222}svg .legend-line{stroke-width:3}
svg .axis{stroke:#333;stroke-width:1.2}svg .cdbar{stroke:#b22;stroke-width:3}
svg .clique{stroke:#222;stroke-width:4;stroke-linecap:round}svg .leader{fill:none;stroke:#777}
.note{color:var(--muted);font-size:.9em}
.undefined{background:#fff6e0;border-left:4px solid #e0a000;padding:6px 12px;margin:.6em 0}
pre{background:#f6f8fa;padding:10px 12px;overflow-x:auto;font-size:.85em;border-radius:4px}
details{margin:.5em 0}summary{cursor:pointer;font-weight:bold}
#selfcheck{color:var(--muted);font-size:.8em}
@media print{
 body{font-size:11px}main{max-width:none;padding:0}nav,#selfcheck{display:none}
 th{position:static}h2{break-after:avoid}svg.figure,table,.figures>*{break-inside:avoid}
 .figures{display:block}svg.figure{max-width:17cm;margin:0 auto 10px}
 details{display:block}details>*{display:block}
 a{color:inherit;text-decoration:none}
}
</style>
)";

const char* const kScript = R"(<script>
(function(){
function key(cell){var v=cell.getAttribute('data-v');return v===null?cell.textContent:parseFloat(v);}
document.querySelectorAll('table.sortable').forEach(function(table){
 table.querySelectorAll('th').forEach(function(th,col){
  th.addEventListener('click',function(){
   var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
   var dir=th.getAttribute('data-dir')==='asc'?-1:1;th.setAttribute('data-dir',dir===1?'asc':'desc');
   rows.sort(function(a,b){var x=key(a.cells[col]),y=key(b.cells[col]);return (x<y?-1:x>y?1:0)*dir;});
   rows.forEach(function(r){body.appendChild(r);});
  });
 });
});
window.addEventListener('load',function(){
 var problems=[],figures=document.querySelectorAll('svg.figure'),tables=document.querySelectorAll('table');
 figures.forEach(function(f,i){
  var r=f.getBoundingClientRect(),t=f.querySelector('title');
  var name=t?t.textContent:('figure '+i);
  if(!(r.width>=50&&r.height>=50))problems.push(name+': too small, rendered '+r.width+'x'+r.height);
  if(f.querySelectorAll('polyline,line,polygon').length===0)problems.push(name+': nothing drawn');
 });
 tables.forEach(function(t,i){
  var n=t.tBodies.length?t.tBodies[0].rows.length:0,want=t.getAttribute('data-rows');
  var r=t.getBoundingClientRect();
  if(n===0||(want!==null&&parseInt(want,10)!==n))problems.push('table '+i+': '+n+' rows, expected '+want);
  if(!(r.width>0&&r.height>0)&&!t.closest('details'))problems.push('table '+i+': not rendered');
 });
 (window.nhb2Errors||[]).forEach(function(m){problems.push('script error: '+m);});
 var out=document.getElementById('selfcheck');
 out.setAttribute('data-figures',figures.length);out.setAttribute('data-tables',tables.length);
 out.setAttribute('data-status',problems.length?'fail':'ok');
 out.setAttribute('data-load-ms',Math.round(performance.now()));
 out.textContent='Rendering check: '+figures.length+' figures, '+tables.length+' tables'+(problems.length?': '+problems.join('; '):', all rendered.');
});
})();
</script>
)";

std::string fx(double v, int decimals) {
  return format_fixed(v, decimals);
}

// A p-value for people: four decimals, or three significant digits below 0.0001.
std::string p_text(double p) {
  if (p >= 1e-4 || p == 0.0) return format_fixed(p, 4);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2e", p);
  return buffer;
}

// A <td> with a sort key.
std::string td(const std::string& text, double sort_key) {
  return "<td data-v=\"" + format_double(std::isfinite(sort_key) ? sort_key : 0.0) + "\">" + text +
         "</td>";
}

std::string epoch_word(int e) {
  return std::to_string(e) + "-epoch";
}

class Page {
 public:
  Page(const SweepData& data, const Analysis& analysis, const std::string& resolved_yaml)
      : data_(data), h_(data.header), a_(analysis), resolved_(resolved_yaml) {}

  std::string build() {
    curves_ = compute_curves(data_);
    summary_ = compute_summary(data_);
    head();
    provenance();
    summary_table();
    anytime();
    regret();
    ranks();
    critical_differences();
    ecdf();
    checkpoints();
    details();
    reproduce();
    out_ +=
        "<p id=\"selfcheck\" data-status=\"pending\">Rendering check: needs a browser with "
        "scripts.</p>\n</main>\n" +
        std::string(kScript) + "</body>\n</html>\n";
    return std::move(out_);
  }

 private:
  std::size_t k() const { return h_.labels.size(); }

  void head() {
    const bool synthetic = h_.data_kind != "official";
    out_ +=
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
        std::string(kErrorCatcher) + "<title>" +
        html_escape("nhb2 sweep " + h_.name + " (" + h_.data_kind + ")") + "</title>\n" + kStyle +
        "</head>\n<body>\n<main>\n";
    out_ += "<h1>Sweep <code>" + html_escape(h_.name) + "</code> <span class=\"badge" +
            (synthetic ? "" : " official") + "\">" + html_escape(h_.data_kind) + "</span></h1>\n";
    out_ += "<p class=\"note\">" + std::to_string(k()) + " optimizers × " +
            std::to_string(h_.runs) + " paired runs, budget " + format_double(h_.budget_seconds) +
            " s (" + html_escape(h_.budget_kind) + "), data: " + html_escape(describe_source(h_)) +
            "." +
            (synthetic ? " These results are on the built-in <b>synthetic</b> benchmark, not on "
                         "NAS-HPO-Bench-II's recorded data."
                       : "") +
            "</p>\n";
    out_ +=
        "<nav><a href=\"#provenance\">provenance</a><a href=\"#summary\">summary</a>"
        "<a href=\"#anytime\">anytime curves</a><a href=\"#regret\">regret</a>"
        "<a href=\"#ranks\">rank over time</a><a href=\"#cd\">critical differences</a>"
        "<a href=\"#ecdf\">ECDF</a><a href=\"#anytime-tests\">anytime tests</a>"
        "<a href=\"#details\">per optimizer</a><a href=\"#reproduce\">reproduce</a></nav>\n";
    if (!a_.notes.empty()) {
      out_ += "<div class=\"undefined\"><b>Undefined statistics.</b><ul>";
      for (const auto& note : a_.notes) out_ += "<li>" + html_escape(note) + "</li>";
      out_ += "</ul></div>\n";
    }
  }

  void kv(const std::string& key, const std::string& value) {
    out_ += "<tr><td>" + html_escape(key) + "</td><td>" + html_escape(value) + "</td></tr>\n";
    ++kv_rows_;
  }

  void provenance() {
    out_ += "<h2 id=\"provenance\">Provenance</h2>\n";
    kv_rows_ = 0;
    std::string rows;
    std::swap(rows, out_);
    kv("data source", h_.data_kind);
    kv("data", h_.data_description);
    kv("data checksum", h_.data_checksum);
    kv("budget", format_double(h_.budget_seconds) + " s of " + h_.budget_kind);
    kv("runs per optimizer", std::to_string(h_.runs));
    kv("master seed", std::to_string(h_.master_seed));
    kv("seed policy", h_.seed_policy);
    std::string epochs, optimum;
    for (std::size_t e = 0; e < h_.report_epochs.size(); ++e) {
      epochs += (e ? ", " : "") + std::to_string(h_.report_epochs[e]);
      optimum += (e ? "; " : "") + epoch_word(h_.report_epochs[e]) + " test " +
                 fx(h_.best_test_accs[e], 4);
    }
    kv("report epochs", epochs);
    kv("exact optimum in the space", optimum);
    kv("simulated workers", std::to_string(h_.workers) + " (fidelity cost " + h_.fidelity_cost +
                                ", curve axis " + h_.curve_axis + ")");
    kv("optimizers", [&] {
      std::string s;
      for (const auto& l : h_.labels) s += (s.empty() ? "" : ", ") + l;
      return s;
    }());
    std::swap(rows, out_);
    out_ += "<table class=\"kv\" data-rows=\"" + std::to_string(kv_rows_) + "\"><tbody>\n" + rows +
            "</tbody></table>\n";
    if (!resolved_.empty()) {
      out_ += "<details><summary>resolved.yaml (the configuration as run)</summary><pre>" +
              html_escape(resolved_) + "</pre></details>\n";
    }
  }

  void summary_table() {
    out_ +=
        "<h2 id=\"summary\">Summary</h2>\n<p class=\"note\">Final test accuracy (mean ± "
        "sample std over runs), final regret against the exact optimum of the space (mean ± "
        "s.e.; IQM with a 95 % stratified-bootstrap interval), mean percentile of the final "
        "incumbent in the whole space, share of runs that reach the optimum, average rank. "
        "Click a column to sort.</p>\n<div class=\"scroll\"><table class=\"sortable\" "
        "data-rows=\"" +
        std::to_string(k()) + "\"><thead><tr><th>optimizer</th><th>runs</th>";
    for (int e : h_.report_epochs) {
      const std::string w = std::to_string(e);
      out_ += "<th>test acc " + w + "</th><th>regret " + w + "</th><th>IQM regret " + w +
              " [95 % CI]</th>" + (a_.has_space ? "<th>percentile " + w + "</th>" : "") +
              "<th>at optimum " + w + "</th><th>rank " + w + "</th>";
    }
    if (a_.has_proxy) out_ += "<th>proxy gap 200</th>";
    out_ += "<th>queries</th><th>cost (s)</th></tr></thead>\n<tbody>\n";
    for (std::size_t o = 0; o < k(); ++o) {
      const SummaryRow& row = summary_.rows[o];
      out_ += "<tr><td>" + html_escape(row.label) + "</td>" +
              td(std::to_string(row.runs), static_cast<double>(row.runs));
      for (std::size_t e = 0; e < h_.report_epochs.size(); ++e) {
        const OptimizerFinal& f = a_.epochs[e].finals[o];
        // With one run the spread is undefined (the banner says so): no "± 0".
        const bool spread = row.runs >= 2;
        out_ += td(fx(row.test_acc_mean[e], 3) + (spread ? " ± " + fx(row.test_acc_std[e], 3) : ""),
                   row.test_acc_mean[e]);
        out_ +=
            td(fx(f.regret_mean, 3) + (spread ? " ± " + fx(f.regret_se, 3) : ""), f.regret_mean);
        out_ += td(fx(f.regret_iqm, 3) + (spread ? " [" + fx(f.regret_iqm_ci.lo, 3) + ", " +
                                                       fx(f.regret_iqm_ci.hi, 3) + "]"
                                                 : std::string()),
                   f.regret_iqm);
        if (a_.has_space) out_ += td(fx(f.percentile_mean, 3), f.percentile_mean);
        out_ += td(fx(100.0 * f.optimum_rate, 1) + " %", f.optimum_rate);
        out_ += td(fx(row.average_rank[e], 2), row.average_rank[e]);
      }
      if (a_.has_proxy) {
        const double gap = mean(a_.proxy_gap[o]);
        out_ += td(fx(gap, 3), gap);
      }
      out_ += td(fx(row.queries_mean, 1), row.queries_mean) +
              td(fx(row.total_cost_mean, 0), row.total_cost_mean) + "</tr>\n";
    }
    out_ += "</tbody></table></div>\n";
  }

  std::string axis_name(const std::string& axis) const {
    return axis == "wallclock" ? "simulated wall clock (s)" : "cumulative cost (s)";
  }

  void curve_figures(const std::vector<OptimizerCurve>& curves, const std::string& axis) {
    for (std::size_t e = 0; e < h_.report_epochs.size(); ++e) {
      std::vector<SvgSeries> series;
      for (const auto& c : curves) {
        SvgSeries s;
        s.label = c.label;
        for (const auto& p : c.points) {
          if (p.n == 0) continue;
          s.x.push_back(p.cost);
          s.y.push_back(p.test_acc[e].mean);
          s.lo.push_back(p.test_acc[e].mean - p.test_acc[e].standard_error);
          s.hi.push_back(p.test_acc[e].mean + p.test_acc[e].standard_error);
        }
        series.push_back(std::move(s));
      }
      out_ += "<figure>" +
              svg_line_chart(series, {epoch_word(h_.report_epochs[e]) +
                                          " test accuracy of the incumbent (mean ± s.e.)",
                                      axis_name(axis), "test accuracy (%)", true, false}) +
              "</figure>\n";
    }
  }

  void anytime() {
    out_ +=
        "<h2 id=\"anytime\">Anytime curves</h2>\n<p class=\"note\">The incumbent's test "
        "accuracy (chosen on validation accuracy) against the " +
        axis_name(h_.curve_axis) + ", log scale; bands: ± one standard error.</p>\n" +
        "<div class=\"figures\">\n";
    curve_figures(curves_, h_.curve_axis);
    out_ += "</div>\n";
    if (h_.workers > 1) {
      SweepData other = data_;
      other.header.curve_axis = h_.curve_axis == "wallclock" ? "total_cost" : "wallclock";
      out_ += "<h3>Against the " + axis_name(other.header.curve_axis) +
              "</h3>\n<div class=\"figures\">\n";
      curve_figures(compute_curves(other), other.header.curve_axis);
      out_ += "</div>\n";
    }
  }

  void regret() {
    out_ +=
        "<h2 id=\"regret\">Regret against the exact optimum</h2>\n<p class=\"note\">Mean of "
        "log<sub>10</sub>(regret) with a 95 % t-interval; regret = the best test accuracy in "
        "the whole space − the incumbent's (floored at " +
        format_double(kRegretFloor) + " points so that runs at the optimum count).</p>\n" +
        "<div class=\"figures\">\n";
    for (const auto& ea : a_.epochs) {
      std::vector<SvgSeries> series;
      for (std::size_t o = 0; o < k(); ++o) {
        SvgSeries s;
        s.label = h_.labels[o];
        for (std::size_t g = 0; g < a_.grid.size(); ++g) {
          if (ea.curve_n[o][g] == 0) continue;
          s.x.push_back(a_.grid[g]);
          s.y.push_back(ea.log_regret_mean[o][g]);
          s.lo.push_back(ea.log_regret_lo[o][g]);
          s.hi.push_back(ea.log_regret_hi[o][g]);
        }
        series.push_back(std::move(s));
      }
      out_ +=
          "<figure>" +
          svg_line_chart(series, {epoch_word(ea.epoch) + " regret (mean log10, 95 % CI)",
                                  axis_name(h_.curve_axis), "log10 regret (points)", true, false}) +
          "</figure>\n";
    }
    out_ += "</div>\n";
  }

  void ranks() {
    out_ += "<h2 id=\"ranks\">Rank over time</h2>\n";
    if (k() < 2) {
      out_ += "<p class=\"undefined\">Undefined with one optimizer.</p>\n";
      return;
    }
    out_ +=
        "<p class=\"note\">Mean rank across paired runs (1 = best) at each point of the "
        "budget; bands: 95 % bootstrap over run indices.</p>\n<div class=\"figures\">\n";
    for (const auto& ea : a_.epochs) {
      std::vector<SvgSeries> series;
      for (std::size_t o = 0; o < k(); ++o) {
        SvgSeries s;
        s.label = h_.labels[o];
        s.x = a_.grid;
        s.y = ea.rank_mean[o];
        s.lo = ea.rank_lo[o];
        s.hi = ea.rank_hi[o];
        series.push_back(std::move(s));
      }
      out_ += "<figure>" +
              svg_line_chart(series, {epoch_word(ea.epoch) + " mean rank (95 % bootstrap band)",
                                      axis_name(h_.curve_axis), "mean rank", true, true}) +
              "</figure>\n";
    }
    out_ += "</div>\n";
  }

  void critical_differences() {
    out_ += "<h2 id=\"cd\">Critical differences</h2>\n";
    for (const auto& ea : a_.epochs) {
      if (!ea.tests_defined) {
        out_ += "<p class=\"undefined\">" + epoch_word(ea.epoch) +
                ": the Friedman test, critical differences and pairwise tests are undefined "
                "(they need at least two optimizers and two runs).</p>\n";
        continue;
      }
      out_ += "<p>" + epoch_word(ea.epoch) + " final test accuracy: Friedman χ²(" +
              std::to_string(k() - 1) + ") = " + fx(ea.friedman.statistic, 3) +
              ", p = " + p_text(ea.friedman.p_value) +
              "; Nemenyi CD (α = 0.05) = " + fx(ea.critical_difference, 3) +
              ".</p>\n<div class=\"figures wide\">\n";
      out_ += "<figure>" +
              svg_cd_diagram(epoch_word(ea.epoch) + ": Nemenyi critical difference", h_.labels,
                             ea.friedman.mean_ranks, ea.rank_order, ea.critical_difference,
                             ea.nemenyi_cliques) +
              "</figure>\n<figure>" +
              svg_cd_diagram(epoch_word(ea.epoch) + ": Wilcoxon–Holm cliques", h_.labels,
                             ea.friedman.mean_ranks, ea.rank_order, ea.critical_difference,
                             ea.wilcoxon_cliques) +
              "</figure>\n</div>\n";
      out_ += "<details><summary>" + epoch_word(ea.epoch) +
              " pairwise Wilcoxon signed-rank p-values, Holm-adjusted</summary>\n";
      p_matrix(ea.wilcoxon_holm);
      out_ += "</details>\n";
    }
  }

  void p_matrix(const std::vector<std::vector<double>>& p,
                const std::vector<double>* ranks = nullptr) {
    out_ += "<div class=\"scroll\"><table data-rows=\"" + std::to_string(k()) +
            "\"><thead><tr><th></th>";
    for (const auto& l : h_.labels) out_ += "<th>" + html_escape(l) + "</th>";
    if (ranks) out_ += "<th>mean rank</th>";
    out_ += "</tr></thead><tbody>\n";
    for (std::size_t i = 0; i < k(); ++i) {
      out_ += "<tr><td>" + html_escape(h_.labels[i]) + "</td>";
      for (std::size_t j = 0; j < k(); ++j) {
        out_ += i == j ? std::string("<td>—</td>")
                       : std::string(p[i][j] < kAnalysisAlpha ? "<td><b>" : "<td>") +
                             fx(p[i][j], 4) + (p[i][j] < kAnalysisAlpha ? "</b></td>" : "</td>");
      }
      if (ranks) out_ += "<td>" + fx((*ranks)[i], 2) + "</td>";
      out_ += "</tr>\n";
    }
    out_ += "</tbody></table></div>\n";
  }

  void ecdf() {
    out_ +=
        "<h2 id=\"ecdf\">ECDF of final regret</h2>\n<p class=\"note\">The fraction of runs "
        "whose final regret is at most x (x on a log scale, floored at " +
        format_double(kRegretFloor) + ").</p>\n<div class=\"figures\">\n";
    for (const auto& ea : a_.epochs) {
      std::vector<SvgSeries> series;
      for (std::size_t o = 0; o < k(); ++o) {
        SvgSeries s;
        s.label = h_.labels[o];
        s.step = true;
        std::vector<double> sorted = ea.finals[o].regret;
        for (double& v : sorted) v = std::max(v, kRegretFloor);
        std::sort(sorted.begin(), sorted.end());
        for (std::size_t i = 0; i < sorted.size(); ++i) {
          if (i + 1 < sorted.size() && sorted[i + 1] == sorted[i]) continue;
          s.x.push_back(sorted[i]);
          s.y.push_back(static_cast<double>(i + 1) / static_cast<double>(sorted.size()));
        }
        series.push_back(std::move(s));
      }
      out_ += "<figure>" +
              svg_line_chart(series, {epoch_word(ea.epoch) + " final regret ECDF",
                                      "final regret (points)", "fraction of runs", true, false}) +
              "</figure>\n";
    }
    out_ += "</div>\n";
  }

  void checkpoints() {
    out_ += "<h2 id=\"anytime-tests\">Anytime significance</h2>\n";
    bool any = false;
    for (const auto& ea : a_.epochs) {
      for (const auto& c : ea.checkpoints) {
        any = true;
        out_ += "<h3>" + epoch_word(ea.epoch) + " at " + fx(100.0 * c.budget_fraction, 0) +
                " % of the budget (" + format_double(c.x) +
                " s): Holm-adjusted Wilcoxon p-values</h3>\n";
        p_matrix(c.holm_p, &c.mean_rank);
      }
    }
    if (!any) {
      out_ +=
          "<p class=\"undefined\">Undefined: pairwise tests need at least two optimizers and "
          "two runs.</p>\n";
    }
  }

  void details() {
    out_ += "<h2 id=\"details\">Per optimizer</h2>\n";
    for (std::size_t o = 0; o < k(); ++o) {
      const auto runs = runs_of(data_, h_.labels[o]);
      std::map<std::string, int> finals;
      for (const RunRecord* r : runs) ++finals[describe(r->incumbent)];
      std::vector<std::pair<int, std::string>> common;
      for (const auto& [config, count] : finals) common.emplace_back(-count, config);
      std::sort(common.begin(), common.end());
      out_ += "<details open><summary>" + html_escape(h_.labels[o]) +
              "</summary>\n<table data-rows=\"" + std::to_string(a_.epochs.size()) +
              "\"><thead><tr><th>final regret</th><th>min</th><th>q25</th><th>median</th>"
              "<th>q75</th><th>max</th><th>mean percentile</th></tr></thead><tbody>\n";
      for (const auto& ea : a_.epochs) {
        const auto& r = ea.finals[o].regret;
        out_ += "<tr><td>" + epoch_word(ea.epoch) + "</td><td>" +
                fx(*std::min_element(r.begin(), r.end()), 3) + "</td><td>" +
                fx(quantile(r, 0.25), 3) + "</td><td>" + fx(quantile(r, 0.5), 3) + "</td><td>" +
                fx(quantile(r, 0.75), 3) + "</td><td>" +
                fx(*std::max_element(r.begin(), r.end()), 3) + "</td><td>" +
                (a_.has_space ? fx(ea.finals[o].percentile_mean, 3) : std::string("n/a")) +
                "</td></tr>\n";
      }
      out_ += "</tbody></table>\n<p class=\"note\">Most frequent final incumbents: ";
      for (std::size_t i = 0; i < common.size() && i < 3; ++i) {
        out_ += (i ? "; " : "") + html_escape(common[i].second) + " (" +
                std::to_string(-common[i].first) + " of " + std::to_string(runs.size()) + " runs)";
      }
      out_ += ".</p>\n</details>\n";
    }
  }

  void reproduce() {
    out_ +=
        "<h2 id=\"reproduce\">Reproduce</h2>\n<p class=\"note\">In this folder:</p>\n<pre>"
        "# recompute every report file (this page included) from trajectories.csv and runs.csv\n"
        "nhb2 report .\n"
        "# run the sweep again from the configuration it recorded (same seeds, same files)\n"
        "nhb2 sweep resolved.yaml --out rerun" +
        std::string(h_.data_kind == "official"
                        ? " --data FILE.nhb2  # the file with checksum " + h_.data_checksum
                        : "") +
        "\n# the exact optimum and the space's distribution\nnhb2 oracle" +
        std::string(h_.data_kind == "official" ? " --data FILE.nhb2" : "") + "</pre>\n";
  }

  const SweepData& data_;
  const SweepHeader& h_;
  const Analysis& a_;
  const std::string& resolved_;
  std::vector<OptimizerCurve> curves_;
  Summary summary_;
  std::string out_;
  int kv_rows_ = 0;
};

}  // namespace

std::string report_html(const SweepData& data, const Analysis& analysis,
                        const std::string& resolved_yaml) {
  return Page(data, analysis, resolved_yaml).build();
}

void write_analysis_report(const std::string& dir, const SweepData& data,
                           const Benchmark* benchmark) {
  const std::string space_path = dir + "/space.csv";
  std::string space_text;
  std::unique_ptr<SpaceTable> space;
  if (benchmark) {
    space = std::make_unique<SpaceTable>(make_space_table(*benchmark, data.header));
    space_text = space_table_csv(*space);
  } else if (std::filesystem::exists(space_path)) {
    space = std::make_unique<SpaceTable>(parse_space_table(read_file(space_path), space_path));
    if (space->data_checksum != data.header.data_checksum ||
        space->epochs != data.header.report_epochs ||
        space->seed_policy != data.header.seed_policy) {
      throw DataError(space_path + ":2: belongs to other data or settings (checksum " +
                      space->data_checksum + ", seed policy " + space->seed_policy +
                      "); the sweep's records have checksum " + data.header.data_checksum +
                      " and seed policy " + data.header.seed_policy);
    }
  }
  // resolved.yaml as recorded, except its output folder: the page is the same wherever it lies.
  std::string resolved;
  if (std::filesystem::exists(dir + "/resolved.yaml")) {
    const std::string text = read_file(dir + "/resolved.yaml");
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t end = std::min(text.find('\n', at), text.size());
      if (text.compare(at, 8, "output: ") != 0) resolved.append(text, at, end - at + 1);
      at = end + 1;
    }
  }
  // trajectory_regret.csv (one row per query, the largest of these files) is written to its
  // temporary file on a second thread while the analysis is computed; every file is renamed into
  // place only once everything has been computed. (Deferred to get() when no thread can start.)
  AtomicFile trajectory_regret(dir + "/trajectory_regret.csv");
  std::future<void> trajectory_regret_written =
      std::async(std::launch::async | std::launch::deferred, [&] {
        write_trajectory_regret_csv(
            [&](std::string_view chunk) {
              trajectory_regret.write(chunk);
              return true;
            },
            data, space.get());
      });
  std::string regret, regret_curves, statistics, html;
  try {
    const Analysis analysis = compute_analysis(data, space.get());
    regret = regret_csv(data, analysis);
    regret_curves = regret_curves_csv(data, analysis);
    statistics = statistics_md(data, analysis);
    html = report_html(data, analysis, resolved);
    insert_mo_section(html, mo_html_section(dir));  // "" unless write_mo_report() ran first
  } catch (...) {
    trajectory_regret_written.wait();  // it writes into a file this frame owns
    throw;
  }
  trajectory_regret_written.get();
  if (benchmark) write_file_atomic(space_path, space_text);
  write_file_atomic(dir + "/regret.csv", regret);
  write_file_atomic(dir + "/regret_curves.csv", regret_curves);
  trajectory_regret.commit();
  write_file_atomic(dir + "/statistics.md", statistics);
  write_file_atomic(dir + "/report.html", html);
}

}  // namespace nhb2
