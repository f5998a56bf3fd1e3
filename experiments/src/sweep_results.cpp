#include <nhb2/experiments/sweep_results.hpp>

#include <algorithm>

#include <nhb2/core/constants.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/file_io.hpp>
#include <nhb2/core/format.hpp>
#include <nhb2/experiments/sweep_config.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

namespace nhb2 {

namespace {

void append_config(std::string& out, const Config& config) {
  // format_lr searches the shortest round-trip text with printf: done once per learning rate.
  static const std::array<std::string, kNumLearningRates> kLrTexts = [] {
    std::array<std::string, kNumLearningRates> texts;
    for (int i = 0; i < kNumLearningRates; ++i) texts[i] = format_lr(kLearningRates[i]);
    return texts;
  }();
  out += format_cellcode(config.cell());
  out += ',';
  out += kLrTexts[static_cast<std::size_t>(config.lr_index())];
  out += ',';
  out += std::to_string(config.batch_size());
}

std::string epochs_suffix_columns(const std::string& prefix, const std::vector<int>& epochs) {
  std::string columns;
  for (int e : epochs) columns += "," + prefix + std::to_string(e);
  return columns;
}

std::string trajectory_columns(const std::vector<int>& epochs) {
  return "optimizer,run,step,cellcode,lr,batch_size,epochs,valid_acc,cost,total_cost,"
         "incumbent_cellcode,incumbent_lr,incumbent_batch_size,incumbent_valid_acc" +
         epochs_suffix_columns("incumbent_test_acc_", epochs) + ",wallclock,worker";
}

std::string run_columns(const std::vector<int>& epochs) {
  return "optimizer,run,run_seed,queries,total_cost,stop_reason,incumbent_cellcode,incumbent_lr,"
         "incumbent_batch_size,incumbent_valid_acc" +
         epochs_suffix_columns("test_acc_", epochs);
}

// `line_prefix` starts every line (a checkpoint's "Q,").
void append_trajectory_rows(std::string& out, const RunRecord& r, std::size_t num_epochs,
                            const std::string& line_prefix = "") {
  const std::string prefix = line_prefix + r.label + "," + std::to_string(r.run) + ",";
  for (std::size_t step = 0; step < r.queries.size(); ++step) {
    const QueryRecord& q = r.queries[step];
    out += prefix;
    out += std::to_string(step);
    out += ',';
    append_config(out, q.config);
    out += ',';
    out += std::to_string(q.epochs);
    for (double v : {q.valid_acc, q.cost, q.total_cost}) {
      out += ',';
      append_double(out, v);
    }
    out += ',';
    append_config(out, q.incumbent);
    out += ',';
    append_double(out, q.incumbent_valid_acc);
    for (std::size_t e = 0; e < num_epochs; ++e) {
      out += ',';
      append_double(out, q.incumbent_test_accs[e]);
    }
    out += ',';
    append_double(out, q.wallclock);
    out += ',';
    out += std::to_string(q.worker);
    out += '\n';
  }
}

void append_run_row(std::string& out, const RunRecord& r) {
  out += r.label + "," + std::to_string(r.run) + "," + std::to_string(r.run_seed) + "," +
         std::to_string(r.trace.queries) + ",";
  append_double(out, r.total_cost);
  out += "," + r.stop_reason + ",";
  append_config(out, r.incumbent);
  out += ',';
  append_double(out, r.incumbent_valid_acc);
  for (double v : r.test_accs) {
    out += ',';
    append_double(out, v);
  }
  out += '\n';
}

// Splits one CSV line (no quoting: no field contains a comma).
std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

class RowParser {
 public:
  // Messages say "<file>:<line>: ..." (built only on failure: files have millions of rows).
  RowParser(const std::string& file, int line, std::vector<std::string_view> fields)
      : file_(file), line_(line), fields_(std::move(fields)) {}

  void expect_size(std::size_t n) const {
    if (fields_.size() != n) {
      fail("expected " + std::to_string(n) + " fields, found " + std::to_string(fields_.size()));
    }
  }
  std::string text() { return std::string(next()); }
  double real() {
    const std::string_view f = next();
    if (f == "nan") return std::nan("");
    double value = 0.0;
    const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), value);
    if (f.empty() || ec != std::errc() || ptr != f.data() + f.size()) bad(f, "a number");
    return value;
  }
  std::uint64_t integer() {
    const std::string_view f = next();
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), value);
    if (f.empty() || ec != std::errc() || ptr != f.data() + f.size()) bad(f, "an integer");
    return value;
  }
  Config config() {
    const std::string_view cell = next();
    const std::string_view lr = next();
    const std::string_view bs = next();
    try {
      return Config::make(parse_cellcode(cell), parse_lr(lr), parse_batch_size(bs));
    } catch (const Error& e) {
      fail(e.what());
    }
  }
  [[noreturn]] void fail(const std::string& message) const {
    throw DataError(file_ + ":" + std::to_string(line_) + ": " + message);
  }

 private:
  std::string_view next() {
    if (index_ >= fields_.size()) fail("too few fields");
    return fields_[index_++];
  }
  [[noreturn]] void bad(std::string_view field, const char* expected) const {
    fail("'" + std::string(field) + "' is not " + expected);
  }

  const std::string& file_;
  int line_;
  std::vector<std::string_view> fields_;
  std::size_t index_ = 0;
};

QueryRecord parse_query(RowParser& p, std::size_t num_epochs) {
  QueryRecord q;
  q.config = p.config();
  q.epochs = static_cast<int>(p.integer());
  q.valid_acc = p.real();
  q.cost = p.real();
  q.total_cost = p.real();
  q.incumbent = p.config();
  q.incumbent_valid_acc = p.real();
  for (std::size_t i = 0; i < num_epochs; ++i) q.incumbent_test_accs[i] = p.real();
  q.wallclock = p.real();
  q.worker = static_cast<int>(p.integer());
  return q;
}

RunRecord parse_run(RowParser& p, std::size_t num_epochs, std::size_t& num_queries) {
  RunRecord r;
  r.label = p.text();
  r.run = static_cast<int>(p.integer());
  r.run_seed = p.integer();
  num_queries = static_cast<std::size_t>(p.integer());
  r.total_cost = p.real();
  r.stop_reason = p.text();
  r.incumbent = p.config();
  r.incumbent_valid_acc = p.real();
  for (std::size_t i = 0; i < num_epochs; ++i) r.test_accs.push_back(p.real());
  return r;
}

std::vector<int> parse_int_list(const std::string& text) {
  std::vector<int> values;
  std::istringstream in(text);
  int v = 0;
  while (in >> v) values.push_back(v);
  return values;
}

}  // namespace

void IncumbentTrace::add(const QueryRecord& query) {
  if (queries == 0) {
    first_total_cost = max_total_cost = query.total_cost;
    first_wallclock = max_wallclock = query.wallclock;
  }
  last_total_cost = query.total_cost;
  last_wallclock = query.wallclock;
  max_total_cost = std::max(max_total_cost, query.total_cost);
  max_wallclock = std::max(max_wallclock, query.wallclock);
  if (steps.empty() || steps.back().test_accs != query.incumbent_test_accs) {
    IncumbentStep step;
    step.step = queries;
    step.total_cost = max_total_cost;
    step.wallclock = max_wallclock;
    step.test_accs = query.incumbent_test_accs;
    steps.push_back(step);
  }
  ++queries;
}

void trace_queries(RunRecord& run) {
  run.trace = IncumbentTrace{};
  for (const QueryRecord& q : run.queries) run.trace.add(q);
}

void drop_queries(RunRecord& run) {
  std::vector<QueryRecord>().swap(run.queries);
}

std::string describe_source(const SweepHeader& h) {
  if (h.data_description.compare(0, h.data_kind.size(), h.data_kind) == 0) {
    return h.data_description;
  }
  return h.data_kind + " (" + h.data_description + ")";
}

std::string format_header(const SweepHeader& h) {
  std::string out = "# data: " + h.data_kind + "\n";
  out += "# data_description: " + h.data_description + "\n";
  out += "# data_checksum: " + h.data_checksum + "\n";
  out += "# sweep: " + h.name + "\n";
  out += "# budget_seconds: " + format_double(h.budget_seconds) + "\n";
  out += "# runs: " + std::to_string(h.runs) + "\n";
  out += "# master_seed: " + std::to_string(h.master_seed) + "\n";
  out += "# run_seed: splitmix64(master_seed, run), the same for every optimizer\n";
  out += "# seed_policy: " + h.seed_policy + "\n";
  out += "# report_epochs:";
  for (int e : h.report_epochs) out += " " + std::to_string(e);
  out += "\n# curve_points: " + std::to_string(h.curve_points) + "\n";
  out += "# workers: " + std::to_string(h.workers) + "\n";
  out += "# budget_kind: " + h.budget_kind + "\n";
  out += "# fidelity_cost: " + h.fidelity_cost + "\n";
  out += "# speed_factors:";
  for (double v : h.speed_factors) out += " " + format_double(v);
  if (h.speed_factors.empty()) out += " none";
  out += "\n# decision_time: " + format_double(h.decision_time) + "\n";
  out += "# curve_axis: " + h.curve_axis + "\n";
  out += "# optimizers:";
  for (const auto& label : h.labels) out += " " + label;
  out += "\n# best_test_acc:";
  for (double v : h.best_test_accs) out += " " + format_double(v);
  out += "\n";
  return out;
}

std::string trajectories_csv_head(const SweepHeader& header) {
  return format_header(header) + trajectory_columns(header.report_epochs) + "\n";
}

std::string trajectories_csv(const SweepData& data) {
  std::string out = trajectories_csv_head(data.header);
  std::size_t rows = 0;
  for (const auto& r : data.runs) rows += r.queries.size();
  out.reserve(out.size() + rows * 160);
  for (const auto& r : data.runs) append_trajectory_rows(out, r, data.header.report_epochs.size());
  return out;
}

bool write_trajectories_csv(std::FILE* file, const SweepData& data) {
  std::string chunk = trajectories_csv_head(data.header);
  for (const auto& r : data.runs) {
    append_trajectory_rows(chunk, r, data.header.report_epochs.size());
    if (chunk.size() > (1u << 20)) {
      if (std::fwrite(chunk.data(), 1, chunk.size(), file) != chunk.size()) return false;
      chunk.clear();
    }
  }
  return std::fwrite(chunk.data(), 1, chunk.size(), file) == chunk.size();
}

void append_checkpoint_rows(std::string& out, std::string_view checkpoint,
                            std::size_t expected_rows, const std::string& where) {
  std::size_t rows = 0;
  for (std::size_t at = 0; at < checkpoint.size();) {
    std::size_t end = checkpoint.find('\n', at);
    end = end == std::string_view::npos ? checkpoint.size() : end + 1;
    if (checkpoint.compare(at, 2, "Q,") == 0) {
      out.append(checkpoint.data() + at + 2, end - at - 2);
      ++rows;
    }
    at = end;
  }
  if (rows != expected_rows) {
    throw DataError(where + ": holds " + std::to_string(rows) + " trajectory rows, expected " +
                    std::to_string(expected_rows) + " (changed since it was loaded?)");
  }
}

std::string runs_csv(const SweepData& data) {
  std::string out = format_header(data.header);
  out += run_columns(data.header.report_epochs) + "\n";
  for (const auto& r : data.runs) append_run_row(out, r);
  return out;
}

std::string checkpoint_text(const RunRecord& record, const std::vector<int>& report_epochs) {
  std::string out = "# nhb2 sweep checkpoint v2: R = runs.csv row, Q = trajectories.csv rows\n";
  out += "# R " + run_columns(report_epochs) + "\n";
  out += "R,";
  append_run_row(out, record);
  out.reserve(out.size() + record.queries.size() * (record.label.size() + 200));
  append_trajectory_rows(out, record, report_epochs.size(), "Q,");
  out += "END\n";  // a complete file ends with this line
  return out;
}

RunRecord parse_checkpoint(const std::string& text, const std::vector<int>& report_epochs) {
  if (text.size() < 4 || text.compare(text.size() - 4, 4, "END\n") != 0) {
    throw DataError("checkpoint is incomplete");
  }
  RunRecord record;
  std::size_t expected_queries = 0;
  bool have_run = false;
  std::istringstream in(text);
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line[0] == '#' || line == "END") continue;
    static const std::string where = "checkpoint";
    if (line.compare(0, 2, "R,") == 0) {
      RowParser p(where, line_number, split(std::string_view(line).substr(2)));
      p.expect_size(10 + report_epochs.size());
      record = parse_run(p, report_epochs.size(), expected_queries);
      have_run = true;
    } else if (line.compare(0, 2, "Q,") == 0 && have_run) {
      RowParser p(where, line_number, split(std::string_view(line).substr(2)));
      p.expect_size(16 + report_epochs.size());
      p.text();
      p.integer();
      p.integer();
      record.queries.push_back(parse_query(p, report_epochs.size()));
    } else {
      throw DataError(where + ":" + std::to_string(line_number) + ": unexpected line");
    }
  }
  if (!have_run || record.queries.size() != expected_queries) {
    throw DataError("checkpoint is incomplete");
  }
  trace_queries(record);
  return record;
}

SweepData read_sweep_results(const std::string& dir, bool keep_queries) {
  SweepData data;
  const std::string runs_path = dir + "/runs.csv";
  std::string runs_text;
  try {
    runs_text = read_file(runs_path);
  } catch (const DataError& e) {
    throw DataError(std::string(e.what()) + " (does the folder hold a finished sweep?)");
  }
  std::map<std::string, std::string> meta;
  std::istringstream in(runs_text);
  std::string line;
  int line_number = 0;
  bool have_columns = false;
  std::vector<std::size_t> expected_queries;
  std::map<std::pair<std::string, int>, std::size_t> index_of;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    if (line[0] == '#') {
      const auto colon = line.find(": ");
      if (colon != std::string::npos) meta[line.substr(2, colon - 2)] = line.substr(colon + 2);
      continue;
    }
    if (!have_columns) {
      have_columns = true;  // the column names
      SweepHeader& h = data.header;
      h.data_kind = meta["data"];
      h.data_description = meta["data_description"];
      h.data_checksum = meta["data_checksum"];
      h.name = meta["sweep"];
      h.budget_seconds = std::strtod(meta["budget_seconds"].c_str(), nullptr);
      h.runs = std::atoi(meta["runs"].c_str());
      h.master_seed = std::strtoull(meta["master_seed"].c_str(), nullptr, 10);
      h.seed_policy = meta["seed_policy"];
      h.report_epochs = parse_int_list(meta["report_epochs"]);
      h.curve_points = std::atoi(meta["curve_points"].c_str());
      // Settings of the simulated workers; absent in files of earlier versions.
      if (meta.count("workers")) h.workers = std::atoi(meta["workers"].c_str());
      if (meta.count("budget_kind")) h.budget_kind = meta["budget_kind"];
      if (meta.count("fidelity_cost")) h.fidelity_cost = meta["fidelity_cost"];
      std::istringstream factors(meta["speed_factors"]);
      for (std::string v; factors >> v;) {
        if (v != "none") h.speed_factors.push_back(std::strtod(v.c_str(), nullptr));
      }
      if (meta.count("decision_time")) {
        h.decision_time = std::strtod(meta["decision_time"].c_str(), nullptr);
      }
      if (meta.count("curve_axis")) h.curve_axis = meta["curve_axis"];
      std::istringstream labels(meta["optimizers"]);
      for (std::string label; labels >> label;) h.labels.push_back(label);
      std::istringstream best(meta["best_test_acc"]);
      for (std::string v; best >> v;) h.best_test_accs.push_back(std::strtod(v.c_str(), nullptr));
      // The same rules as a sweep config: the parsed sizes index fixed-size arrays below.
      const auto& epochs = h.report_epochs;
      const bool epochs_ok =
          !epochs.empty() && epochs.size() <= 2 &&
          std::all_of(epochs.begin(), epochs.end(),
                      [](int e) { return e == kMaxEpochs || e == kSurrogateEpoch; }) &&
          (epochs.size() == 1 || epochs[0] != epochs[1]);
      if (!epochs_ok || h.labels.empty() || h.best_test_accs.size() != epochs.size() ||
          h.runs < 1 || h.curve_points < 2 || h.curve_points > 10000 ||
          (h.curve_axis != "total_cost" && h.curve_axis != "wallclock")) {
        throw DataError(runs_path + ": the header comments are missing or damaged");
      }
      if (line != run_columns(h.report_epochs)) {
        throw DataError(runs_path + ":" + std::to_string(line_number) +
                        ": unexpected column names; expected " + run_columns(h.report_epochs));
      }
      continue;
    }
    RowParser p(runs_path, line_number, split(line));
    p.expect_size(10 + data.header.report_epochs.size());
    std::size_t queries = 0;
    data.runs.push_back(parse_run(p, data.header.report_epochs.size(), queries));
    expected_queries.push_back(queries);
    index_of[{data.runs.back().label, data.runs.back().run}] = data.runs.size() - 1;
  }
  if (!have_columns) throw DataError(runs_path + ": no header");

  const std::string traj_path = dir + "/trajectories.csv";
  std::ifstream traj_in(traj_path, std::ios::binary);
  if (!traj_in)
    throw DataError(traj_path + ": cannot open (does the folder hold a finished sweep?)");
  const std::string columns = trajectory_columns(data.header.report_epochs);
  const std::size_t num_fields = 16 + data.header.report_epochs.size();
  line_number = 0;
  bool seen_columns = false;
  std::string row;
  while (std::getline(traj_in, row)) {
    ++line_number;
    if (row.empty() || row[0] == '#') continue;
    if (!seen_columns) {
      if (row != columns) {
        throw DataError(traj_path + ":" + std::to_string(line_number) +
                        ": unexpected column names; expected " + columns);
      }
      seen_columns = true;
      continue;
    }
    RowParser p(traj_path, line_number, split(row));
    p.expect_size(num_fields);
    const std::string label = p.text();
    const int run = static_cast<int>(p.integer());
    const std::size_t step = static_cast<std::size_t>(p.integer());
    const auto it = index_of.find({label, run});
    if (it == index_of.end())
      p.fail("run " + label + " " + std::to_string(run) + " is not in runs.csv");
    RunRecord& record = data.runs[it->second];
    if (step != record.trace.queries) p.fail("steps out of order");
    const QueryRecord query = parse_query(p, data.header.report_epochs.size());
    record.trace.add(query);
    if (keep_queries) record.queries.push_back(query);
  }
  for (std::size_t i = 0; i < data.runs.size(); ++i) {
    if (data.runs[i].trace.queries != expected_queries[i]) {
      throw DataError(traj_path + ": run " + data.runs[i].label + " " +
                      std::to_string(data.runs[i].run) + " has " +
                      std::to_string(data.runs[i].trace.queries) + " rows, runs.csv says " +
                      std::to_string(expected_queries[i]));
    }
  }
  return data;
}

}  // namespace nhb2
