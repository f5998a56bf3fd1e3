#include <nhb2/experiments/analysis.hpp>

#include <nhb2/benchmark_api/oracle.hpp>
#include <nhb2/core/constants.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/format.hpp>

#include <boost/math/distributions/students_t.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

namespace nhb2 {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
const std::vector<double> kCheckpointFractions = {0.01, 0.1, 0.5, 1.0};

// The incumbent's value at epoch e after the run's last query with x <= at; -inf before any.
double incumbent_at(const SweepHeader& header, const RunRecord& run, std::size_t e, double at) {
  const auto& steps = run.trace.steps;
  const auto it =
      std::upper_bound(steps.begin(), steps.end(), at,
                       [&](double x, const IncumbentStep& s) { return x < curve_x(header, s); });
  if (it == steps.begin()) return kNegInf;
  return std::prev(it)->test_accs[e];
}

double final_value(const RunRecord& run, std::size_t e) {
  return run.trace.steps.empty() ? run.test_accs[e] : run.trace.steps.back().test_accs[e];
}

double t_quantile_975(std::size_t n) {
  if (n < 2) return 0.0;
  return boost::math::quantile(boost::math::students_t(static_cast<double>(n - 1)), 0.975);
}

// Pairwise two-sided Wilcoxon p-values, Holm-adjusted over all pairs; [i][j], 1 on the diagonal.
std::vector<std::vector<double>> pairwise_holm(const std::vector<std::vector<double>>& values) {
  const std::size_t k = values.size();
  std::vector<double> raw;
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = i + 1; j < k; ++j) {
      raw.push_back(wilcoxon_signed_rank(values[i], values[j]).p_value);
      pairs.emplace_back(i, j);
    }
  }
  const std::vector<double> adjusted = holm_adjust(raw);
  std::vector<std::vector<double>> matrix(k, std::vector<double>(k, 1.0));
  for (std::size_t p = 0; p < pairs.size(); ++p) {
    matrix[pairs[p].first][pairs[p].second] = adjusted[p];
    matrix[pairs[p].second][pairs[p].first] = adjusted[p];
  }
  return matrix;
}

// scores[run][o] -> mean rank per optimizer.
std::vector<double> mean_ranks(const std::vector<std::vector<double>>& scores, std::size_t k) {
  std::vector<double> sums(k, 0.0);
  for (const auto& block : scores) {
    const auto ranks = descending_ranks(block);
    for (std::size_t o = 0; o < k; ++o) sums[o] += ranks[o];
  }
  for (double& s : sums) s /= static_cast<double>(std::max<std::size_t>(scores.size(), 1));
  return sums;
}

}  // namespace

const std::vector<double>& space_table_percentiles() {
  static const std::vector<double> grid = [] {
    std::vector<double> g;
    for (int i = 0; i < 990; ++i) g.push_back(i / 10.0);
    for (int i = 0; i <= 1000; ++i) g.push_back(99.0 + i / 1000.0);
    return g;
  }();
  return grid;
}

double SpaceTable::percentile_of(std::size_t e, double value) const {
  const auto& g = grid[e];
  // The last grid point whose value is <= value; interpolate towards the next one.
  const auto it =
      std::upper_bound(g.begin(), g.end(), value,
                       [](double v, const std::pair<double, double>& p) { return v < p.second; });
  if (it == g.begin()) return 0.0;
  if (it == g.end()) return 100.0;
  const auto& below = *std::prev(it);
  const auto& above = *it;
  if (above.second <= below.second) return below.first;
  return below.first +
         (above.first - below.first) * (value - below.second) / (above.second - below.second);
}

SpaceTable make_space_table(const Benchmark& benchmark, const SweepHeader& header) {
  const Oracle oracle = compute_oracle(benchmark);
  SpaceTable table;
  table.data_checksum = oracle.data_checksum;
  table.seed_policy = header.seed_policy;
  const int smallest_seed = *std::min_element(benchmark.seeds().begin(), benchmark.seeds().end());
  for (int e : header.report_epochs) {
    const OracleMeasure& m =
        e == kSurrogateEpoch
            ? oracle.find("avg_acc_200", "")
            : oracle.find("test_acc_12",
                          header.seed_policy == "fixed" ? std::to_string(smallest_seed) : "mean");
    table.epochs.push_back(e);
    table.best.push_back(m.best);
    std::string configs;
    for (const Config& c : m.best_configs) configs += (configs.empty() ? "" : "; ") + describe(c);
    table.best_configs.push_back(configs);
    std::vector<std::pair<double, double>> grid;
    for (double p : space_table_percentiles()) grid.emplace_back(p, m.values.quantile(p / 100.0));
    table.grid.push_back(std::move(grid));
  }
  return table;
}

std::string space_table_csv(const SpaceTable& t) {
  std::string out = "# space: the sweep's test accuracy over all " + std::to_string(kNumConfigs) +
                    " configurations\n# checksum: " + t.data_checksum +
                    "\n# seed_policy: " + t.seed_policy + "\n";
  for (std::size_t e = 0; e < t.epochs.size(); ++e) {
    out += "# best_" + std::to_string(t.epochs[e]) + ": " + format_double(t.best[e]) + " " +
           t.best_configs[e] + "\n";
  }
  out += "epoch,percentile,value\n";
  for (std::size_t e = 0; e < t.epochs.size(); ++e) {
    for (const auto& [p, v] : t.grid[e]) {
      out += std::to_string(t.epochs[e]) + "," + format_double(p) + "," + format_double(v) + "\n";
    }
  }
  return out;
}

SpaceTable parse_space_table(const std::string& text, const std::string& path) {
  SpaceTable t;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  bool header_seen = false;
  auto fail = [&](const std::string& what) {
    throw DataError(path + ":" + std::to_string(number) + ": " + what);
  };
  auto parse_number = [&](const std::string& field) {
    char* end = nullptr;
    const double v = std::strtod(field.c_str(), &end);
    if (field.empty() || *end != '\0' || !std::isfinite(v)) fail("not a number: '" + field + "'");
    return v;
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.rfind("# checksum: ", 0) == 0) {
      t.data_checksum = line.substr(12);
    } else if (line.rfind("# seed_policy: ", 0) == 0) {
      t.seed_policy = line.substr(15);
    } else if (line.rfind("# best_", 0) == 0) {
      const auto colon = line.find(": ");
      if (colon == std::string::npos) fail("malformed best line");
      const auto space = line.find(' ', colon + 2);
      t.epochs.push_back(static_cast<int>(parse_number(line.substr(7, colon - 7))));
      t.best.push_back(parse_number(line.substr(colon + 2, space - colon - 2)));
      t.best_configs.push_back(space == std::string::npos ? "" : line.substr(space + 1));
      t.grid.emplace_back();
    } else if (line.rfind("#", 0) == 0) {
      continue;
    } else if (!header_seen) {
      if (line != "epoch,percentile,value") fail("expected the header epoch,percentile,value");
      header_seen = true;
    } else {
      const auto c1 = line.find(',');
      const auto c2 = line.find(',', c1 == std::string::npos ? c1 : c1 + 1);
      if (c1 == std::string::npos || c2 == std::string::npos) fail("expected 3 fields");
      const int epoch = static_cast<int>(parse_number(line.substr(0, c1)));
      const auto it = std::find(t.epochs.begin(), t.epochs.end(), epoch);
      if (it == t.epochs.end()) fail("epoch " + std::to_string(epoch) + " has no best_ line");
      auto& grid = t.grid[static_cast<std::size_t>(it - t.epochs.begin())];
      const double p = parse_number(line.substr(c1 + 1, c2 - c1 - 1));
      const double v = parse_number(line.substr(c2 + 1));
      if (!grid.empty() && (p <= grid.back().first || v < grid.back().second)) {
        fail("percentiles and values must increase");
      }
      grid.emplace_back(p, v);
    }
  }
  const auto& expected = space_table_percentiles();
  for (const auto& grid : t.grid) {
    if (grid.size() != expected.size()) {
      fail("truncated: " + std::to_string(grid.size()) + " of " + std::to_string(expected.size()) +
           " rows for an epoch");
    }
  }
  if (!header_seen || t.epochs.empty()) fail("no data (truncated file?)");
  return t;
}

Analysis compute_analysis(const SweepData& data, const SpaceTable* space) {
  const SweepHeader& h = data.header;
  Analysis a;
  a.labels = h.labels;
  a.grid = cost_grid(data);
  a.has_space = space != nullptr;
  const std::size_t k = h.labels.size();
  const std::size_t num_epochs = h.report_epochs.size();
  std::vector<std::vector<const RunRecord*>> runs(k);
  for (std::size_t o = 0; o < k; ++o) runs[o] = runs_of(data, h.labels[o]);
  const std::size_t n = runs.empty() ? 0 : runs[0].size();
  for (std::size_t o = 1; o < k; ++o) {
    if (runs[o].size() != n) {
      throw DataError("optimizer " + h.labels[o] + " has " + std::to_string(runs[o].size()) +
                      " runs, " + h.labels[0] + " has " + std::to_string(n) +
                      "; ranks and paired tests need the same runs");
    }
  }
  const std::size_t num_grid = a.grid.size();

  if (k < 2)
    a.notes.push_back(
        "one optimizer: ranks, Friedman, critical differences and pairwise "
        "tests compare optimizers and are undefined");
  if (n < 2)
    a.notes.push_back(
        "one run: standard errors, intervals, bootstrap bands and paired "
        "tests need at least two runs and are undefined");
  if (!a.has_space) a.notes.push_back("no space.csv: percentiles in the space are not available");

  for (std::size_t e = 0; e < num_epochs; ++e) {
    EpochAnalysis ea;
    ea.epoch = h.report_epochs[e];
    const double best = h.best_test_accs[e];
    // Values at each grid point: inc[o][run][g].
    std::vector<std::vector<std::vector<double>>> inc(
        k, std::vector<std::vector<double>>(n, std::vector<double>(num_grid)));
    for (std::size_t o = 0; o < k; ++o) {
      for (std::size_t r = 0; r < n; ++r) {
        const auto& q = runs[o][r]->trace.steps;
        std::size_t cursor = 0;
        for (std::size_t g = 0; g < num_grid; ++g) {
          while (cursor < q.size() && curve_x(h, q[cursor]) <= a.grid[g]) ++cursor;
          inc[o][r][g] = cursor == 0 ? kNegInf : q[cursor - 1].test_accs[e];
        }
      }
    }
    // Finals.
    for (std::size_t o = 0; o < k; ++o) {
      OptimizerFinal f;
      for (std::size_t r = 0; r < n; ++r) {
        const double v = final_value(*runs[o][r], e);
        f.regret.push_back(best - v);
        if (space) f.percentile.push_back(space->percentile_of(e, v));
      }
      f.regret_mean = mean(f.regret);
      f.regret_se = n >= 2 ? standard_error(f.regret) : 0.0;
      f.regret_median = median(f.regret);
      f.regret_iqm = interquartile_mean(f.regret);
      f.regret_iqm_ci =
          n >= 2 ? bootstrap_interval(
                       f.regret, [](std::vector<double>& v) { return interquartile_mean(v); },
                       kBootstrapSamples, kBootstrapSeed + o * 1000 + e)
                 : Interval{f.regret_iqm, f.regret_iqm};
      f.optimum_rate = static_cast<double>(std::count(f.regret.begin(), f.regret.end(), 0.0)) /
                       static_cast<double>(std::max<std::size_t>(n, 1));
      f.percentile_mean = space ? mean(f.percentile) : 0.0;
      ea.finals.push_back(std::move(f));
    }
    // Log-regret curves.
    ea.curve_n.assign(k, std::vector<std::size_t>(num_grid, 0));
    ea.log_regret_mean.assign(k, std::vector<double>(num_grid, 0.0));
    ea.log_regret_lo = ea.log_regret_hi = ea.log_regret_mean;
    for (std::size_t o = 0; o < k; ++o) {
      for (std::size_t g = 0; g < num_grid; ++g) {
        std::vector<double> logs;
        for (std::size_t r = 0; r < n; ++r) {
          if (inc[o][r][g] == kNegInf) continue;
          logs.push_back(std::log10(std::max(best - inc[o][r][g], kRegretFloor)));
        }
        ea.curve_n[o][g] = logs.size();
        if (logs.empty()) continue;
        const double m = mean(logs);
        const double half =
            logs.size() >= 2 ? t_quantile_975(logs.size()) * standard_error(logs) : 0.0;
        ea.log_regret_mean[o][g] = m;
        ea.log_regret_lo[o][g] = m - half;
        ea.log_regret_hi[o][g] = m + half;
      }
    }
    // Rank over time with a bootstrap band over run indices.
    ea.rank_mean.assign(k, std::vector<double>(num_grid, 1.0));
    ea.rank_lo = ea.rank_hi = ea.rank_mean;
    if (k >= 2 && n >= 1) {
      // ranks[(g * n + run) * k + o], one block: the bootstrap below reads it 200 times.
      std::vector<double> ranks(num_grid * n * k);
      const auto rank_of = [&](std::size_t g, std::size_t r) { return &ranks[(g * n + r) * k]; };
      for (std::size_t g = 0; g < num_grid; ++g) {
        std::vector<double> block(k);
        for (std::size_t r = 0; r < n; ++r) {
          for (std::size_t o = 0; o < k; ++o) block[o] = inc[o][r][g];
          const std::vector<double> block_ranks = descending_ranks(block);
          std::copy(block_ranks.begin(), block_ranks.end(), rank_of(g, r));
        }
        for (std::size_t o = 0; o < k; ++o) {
          double sum = 0.0;
          for (std::size_t r = 0; r < n; ++r) sum += rank_of(g, r)[o];
          ea.rank_mean[o][g] = ea.rank_lo[o][g] = ea.rank_hi[o][g] = sum / static_cast<double>(n);
        }
      }
      if (n >= 2) {
        constexpr int kRankBootstrap = 200;
        boost::random::mt19937_64 engine(kBootstrapSeed + e);
        boost::random::uniform_int_distribution<std::size_t> pick(0, n - 1);
        // boot[o][g][b]
        std::vector<std::vector<std::vector<double>>> boot(
            k, std::vector<std::vector<double>>(num_grid, std::vector<double>(kRankBootstrap)));
        std::vector<std::size_t> draw(n);
        for (int b = 0; b < kRankBootstrap; ++b) {
          for (auto& d : draw) d = pick(engine);
          for (std::size_t g = 0; g < num_grid; ++g) {
            std::vector<double> sums(k, 0.0);
            for (std::size_t d : draw) {
              const double* drawn = rank_of(g, d);
              for (std::size_t o = 0; o < k; ++o) sums[o] += drawn[o];
            }
            for (std::size_t o = 0; o < k; ++o) boot[o][g][b] = sums[o] / static_cast<double>(n);
          }
        }
        for (std::size_t o = 0; o < k; ++o) {
          for (std::size_t g = 0; g < num_grid; ++g) {
            ea.rank_lo[o][g] = quantile(boot[o][g], kAnalysisAlpha / 2.0);
            ea.rank_hi[o][g] = quantile(boot[o][g], 1.0 - kAnalysisAlpha / 2.0);
          }
        }
      }
    }
    // Tests on the final values.
    std::vector<std::vector<double>> finals_by_opt(k);  // [o][run] values
    std::vector<std::vector<double>> blocks(n, std::vector<double>(k));
    for (std::size_t o = 0; o < k; ++o) {
      for (std::size_t r = 0; r < n; ++r) {
        finals_by_opt[o].push_back(best - ea.finals[o].regret[r]);
        blocks[r][o] = finals_by_opt[o].back();
      }
    }
    ea.rank_order.resize(k);
    std::iota(ea.rank_order.begin(), ea.rank_order.end(), 0);
    ea.tests_defined = k >= 2 && n >= 2;
    if (k >= 2 && n >= 1) {
      const std::vector<double> final_ranks = mean_ranks(blocks, k);
      std::stable_sort(
          ea.rank_order.begin(), ea.rank_order.end(),
          [&](std::size_t x, std::size_t y) { return final_ranks[x] < final_ranks[y]; });
      ea.friedman.mean_ranks = final_ranks;
    }
    if (ea.tests_defined) {
      ea.friedman = friedman(blocks);
      if (!std::isfinite(ea.friedman.statistic)) {
        ea.friedman.statistic = 0.0;
        a.notes.push_back("epoch " + std::to_string(ea.epoch) +
                          ": every run ties all optimizers; the Friedman statistic is undefined "
                          "(shown as 0, p = 1)");
      }
      ea.critical_difference = nemenyi_critical_difference(static_cast<int>(k), n, kAnalysisAlpha);
      ea.wilcoxon_holm = pairwise_holm(finals_by_opt);
      const auto& ranks = ea.friedman.mean_ranks;
      const double cd = ea.critical_difference;
      ea.nemenyi_cliques = cliques(ea.rank_order, [&](std::size_t x, std::size_t y) {
        return std::fabs(ranks[x] - ranks[y]) <= cd;
      });
      ea.wilcoxon_cliques = cliques(ea.rank_order, [&](std::size_t x, std::size_t y) {
        return ea.wilcoxon_holm[x][y] >= kAnalysisAlpha;
      });
      for (double fraction : kCheckpointFractions) {
        PairwiseCheckpoint c;
        c.budget_fraction = fraction;
        c.x = fraction * h.budget_seconds;
        std::vector<std::vector<double>> values(k);
        std::vector<std::vector<double>> cblocks(n, std::vector<double>(k));
        for (std::size_t o = 0; o < k; ++o) {
          for (std::size_t r = 0; r < n; ++r) {
            // Before its first result a run counts as the worst value in the space.
            double v = incumbent_at(h, *runs[o][r], e, c.x);
            if (v == kNegInf) v = -1.0;
            values[o].push_back(v);
            cblocks[r][o] = v;
          }
        }
        c.mean_rank = mean_ranks(cblocks, k);
        c.holm_p = pairwise_holm(values);
        ea.checkpoints.push_back(std::move(c));
      }
    }
    a.epochs.push_back(std::move(ea));
  }
  // Proxy gap.
  const auto e12 = std::find(h.report_epochs.begin(), h.report_epochs.end(), kMaxEpochs);
  const auto e200 = std::find(h.report_epochs.begin(), h.report_epochs.end(), kSurrogateEpoch);
  a.has_proxy = e12 != h.report_epochs.end() && e200 != h.report_epochs.end();
  if (a.has_proxy) {
    const auto i200 = static_cast<std::size_t>(e200 - h.report_epochs.begin());
    for (std::size_t o = 0; o < k; ++o) {
      std::vector<double> gaps;
      for (const RunRecord* r : runs[o]) {
        double held_best = kNegInf;
        // Every query's value is one of the trace's steps.
        for (const auto& s : r->trace.steps) held_best = std::max(held_best, s.test_accs[i200]);
        gaps.push_back(r->trace.queries == 0 ? 0.0 : held_best - final_value(*r, i200));
      }
      a.proxy_gap.push_back(std::move(gaps));
    }
  } else {
    a.notes.push_back("the proxy gap needs report epochs 12 and 200");
  }
  return a;
}

std::string regret_csv(const SweepData& data, const Analysis& a) {
  std::string out = format_header(data.header) + "optimizer,run";
  for (const auto& ea : a.epochs) {
    const std::string e = std::to_string(ea.epoch);
    out += ",regret_" + e + ",percentile_" + e;
  }
  out += ",proxy_gap_200\n";
  for (std::size_t o = 0; o < a.labels.size(); ++o) {
    const std::size_t n = a.epochs.empty() ? 0 : a.epochs[0].finals[o].regret.size();
    for (std::size_t r = 0; r < n; ++r) {
      out += a.labels[o] + "," + std::to_string(r);
      for (const auto& ea : a.epochs) {
        out += "," + format_double(ea.finals[o].regret[r]) + ",";
        if (a.has_space) out += format_double(ea.finals[o].percentile[r]);
      }
      out += ",";
      if (a.has_proxy) out += format_double(a.proxy_gap[o][r]);
      out += "\n";
    }
  }
  return out;
}

bool write_trajectory_regret_csv(std::FILE* file, const SweepData& data, const SpaceTable* space) {
  return write_trajectory_regret_csv(
      [file](std::string_view chunk) {
        return std::fwrite(chunk.data(), 1, chunk.size(), file) == chunk.size();
      },
      data, space);
}

bool write_trajectory_regret_csv(const std::function<bool(std::string_view)>& sink,
                                 const SweepData& data, const SpaceTable* space) {
  const SweepHeader& h = data.header;
  std::string out = format_header(h) + "optimizer,run,step";
  for (int e : h.report_epochs) {
    out += ",regret_" + std::to_string(e) + ",percentile_" + std::to_string(e);
  }
  out += "\n";
  std::string values;  // the current trace step's fields, formatted once per step
  for (const RunRecord& run : data.runs) {
    const std::string prefix = run.label + "," + std::to_string(run.run) + ",";
    const auto& steps = run.trace.steps;
    std::size_t next = 0;  // the trace step that starts next
    for (std::size_t step = 0; step < run.trace.queries; ++step) {
      if (next < steps.size() && steps[next].step == step) {
        values.clear();
        for (std::size_t e = 0; e < h.report_epochs.size(); ++e) {
          values += ',';
          append_double(values, h.best_test_accs[e] - steps[next].test_accs[e]);
          values += ',';
          if (space) append_double(values, space->percentile_of(e, steps[next].test_accs[e]));
        }
        values += '\n';
        ++next;
      }
      out += prefix;
      out += std::to_string(step);
      out += values;
      if (out.size() > (1u << 20)) {
        if (!sink(out)) return false;
        out.clear();
      }
    }
  }
  return sink(out);
}

std::string regret_curves_csv(const SweepData& data, const Analysis& a) {
  std::string out = format_header(data.header) + "optimizer,x,n";
  for (const auto& ea : a.epochs) {
    const std::string e = std::to_string(ea.epoch);
    for (const char* s : {"log10_regret_", "rank_"}) {
      for (const char* t : {"_mean", "_lo", "_hi"}) out += "," + std::string(s) + e + t;
    }
  }
  out += "\n";
  for (std::size_t o = 0; o < a.labels.size(); ++o) {
    for (std::size_t g = 0; g < a.grid.size(); ++g) {
      const std::size_t n = a.epochs.empty() ? 0 : a.epochs[0].curve_n[o][g];
      out += a.labels[o] + "," + format_double(a.grid[g]) + "," + std::to_string(n);
      for (const auto& ea : a.epochs) {
        for (const auto* m : {&ea.log_regret_mean, &ea.log_regret_lo, &ea.log_regret_hi}) {
          out += ",";
          if (n > 0) out += format_double((*m)[o][g]);
        }
        for (const auto* m : {&ea.rank_mean, &ea.rank_lo, &ea.rank_hi}) {
          out += "," + format_double((*m)[o][g]);
        }
      }
      out += "\n";
    }
  }
  return out;
}

std::string statistics_md(const SweepData& data, const Analysis& a) {
  const std::size_t k = a.labels.size();
  std::string out =
      "# Statistics: " + data.header.name + " (" + describe_source(data.header) + ")\n\n";
  for (const auto& note : a.notes) out += "- undefined: " + note + "\n";
  if (!a.notes.empty()) out += "\n";
  for (const auto& ea : a.epochs) {
    const std::string e = std::to_string(ea.epoch);
    out += "## Final regret at " + e + " epochs (optimum " +
           format_fixed(data.header.best_test_accs[&ea - a.epochs.data()], 4) + ")\n\n";
    out +=
        "| optimizer | mean ± s.e. | IQM [95 % CI] | median | at optimum | percentile |\n"
        "|---|---|---|---|---|---|\n";
    for (std::size_t o = 0; o < k; ++o) {
      const auto& f = ea.finals[o];
      out += "| " + a.labels[o] + " | " + format_fixed(f.regret_mean, 4) + " ± " +
             format_fixed(f.regret_se, 4) + " | " + format_fixed(f.regret_iqm, 4) + " [" +
             format_fixed(f.regret_iqm_ci.lo, 4) + ", " + format_fixed(f.regret_iqm_ci.hi, 4) +
             "] | " + format_fixed(f.regret_median, 4) + " | " +
             format_fixed(100.0 * f.optimum_rate, 1) + " % | " +
             (a.has_space ? format_fixed(f.percentile_mean, 3) : std::string("n/a")) + " |\n";
    }
    out += "\n";
    if (!ea.tests_defined) {
      out +=
          "Friedman, Nemenyi and pairwise tests: undefined (need two optimizers and two runs).\n\n";
      continue;
    }
    out += "Friedman χ² = " + format_fixed(ea.friedman.statistic, 4) +
           ", p = " + format_double(ea.friedman.p_value) +
           "; Nemenyi critical difference (α = 0.05) = " + format_fixed(ea.critical_difference, 4) +
           "\n\nmean ranks: ";
    for (std::size_t i = 0; i < k; ++i) {
      const std::size_t o = ea.rank_order[i];
      out += (i ? ", " : "") + a.labels[o] + " " + format_fixed(ea.friedman.mean_ranks[o], 3);
    }
    auto clique_text = [&](const std::vector<std::pair<std::size_t, std::size_t>>& cs) {
      std::string text;
      for (const auto& [first, last] : cs) {
        text += "\n- {";
        for (std::size_t i = first; i <= last; ++i) {
          text += (i > first ? ", " : "") + a.labels[ea.rank_order[i]];
        }
        text += "}";
      }
      return text.empty() ? std::string("\n- none (every pair differs)") : text;
    };
    out += "\n\nNemenyi cliques (not significantly different):" + clique_text(ea.nemenyi_cliques) +
           "\n\nWilcoxon–Holm cliques:" + clique_text(ea.wilcoxon_cliques) + "\n\n";
    out += "Anytime pairwise tests (Holm-adjusted Wilcoxon p-values; mean rank):\n\n";
    for (const auto& c : ea.checkpoints) {
      out += "### at " + format_fixed(100.0 * c.budget_fraction, 0) + " % of the budget (" +
             format_fixed(c.x, 0) + " s)\n\n| |";
      for (std::size_t j = 0; j < k; ++j) out += " " + a.labels[j] + " |";
      out += " mean rank |\n|---|";
      for (std::size_t j = 0; j <= k; ++j) out += "---|";
      out += "\n";
      for (std::size_t i = 0; i < k; ++i) {
        out += "| " + a.labels[i] + " |";
        for (std::size_t j = 0; j < k; ++j) {
          out += i == j ? std::string(" — |") : " " + format_fixed(c.holm_p[i][j], 4) + " |";
        }
        out += " " + format_fixed(c.mean_rank[i], 3) + " |\n";
      }
      out += "\n";
    }
  }
  if (a.has_proxy) {
    out +=
        "## Proxy gap (200-epoch accuracy lost by choosing on 12-epoch validation)\n\n"
        "| optimizer | mean | max |\n|---|---|---|\n";
    for (std::size_t o = 0; o < k; ++o) {
      const auto& g = a.proxy_gap[o];
      out += "| " + a.labels[o] + " | " + format_fixed(mean(g), 4) + " | " +
             format_fixed(g.empty() ? 0.0 : *std::max_element(g.begin(), g.end()), 4) + " |\n";
    }
  }
  return out;
}

}  // namespace nhb2
