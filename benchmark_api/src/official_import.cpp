#include <nhb2/benchmark_api/official_import.hpp>

#include <nhb2/benchmark_api/pickle_reader.hpp>
#include <nhb2/core/canonical.hpp>
#include <nhb2/core/cell.hpp>
#include <nhb2/core/config.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/format.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

namespace nhb2 {

namespace {

namespace pk = pickle;
using pk::Kind;
using pk::NodeId;

constexpr const char* kBenchFile = "bench12.pkl";
constexpr const char* kCellinfoFile = "cellinfo.pkl";
constexpr const char* kAvgFile = "avgaccs200.pkl";
constexpr std::size_t kShowFirst = 3;  // examples named in a "missing" message
constexpr const char* kModes[] = {"train", "valid", "test"};
const char* const kTotals[] = {columns::kTotalTrainTime, columns::kTotalTrainvalTime,
                               columns::kTotalTestTime};

// "a list" / "an integer": kind names with their article, for "expected X, found Y" messages.
std::string a_kind(Kind kind) {
  const std::string name = pk::kind_name(kind);
  const bool vowel = name[0] == 'i';
  return std::string(vowel ? "an " : "a ") + name;
}

// The hash as text: str as is, int in decimal, bytes as lowercase hex.
bool hash_text(const pk::Document& doc, NodeId id, std::string& out) {
  switch (doc.kind(id)) {
    case Kind::string:
      out.assign(doc.as_string(id));
      return true;
    case Kind::integer:
      out = std::to_string(doc.as_int(id));
      return true;
    case Kind::bytes: {
      static const char* const kHex = "0123456789abcdef";
      const std::string_view raw = doc.as_string(id);
      out.clear();
      out.reserve(raw.size() * 2);
      for (const char c : raw) {
        const auto byte = static_cast<unsigned char>(c);
        out += kHex[byte >> 4];
        out += kHex[byte & 15];
      }
      return true;
    }
    default:
      return false;
  }
}

bool number_of(const pk::Document& doc, NodeId id, double& out) {
  const Kind kind = doc.kind(id);
  if (kind == Kind::real) {
    out = doc.as_real(id);
    return true;
  }
  if (kind == Kind::integer) {
    out = static_cast<double>(doc.as_int(id));
    return true;
  }
  return false;
}

// The number stored for `key`, or DataError naming the key when it is not a finite number.
double finite_value(const pk::Document& doc, NodeId key, NodeId value_node,
                    const std::string& where) {
  double value = 0;
  if (!number_of(doc, value_node, value)) {
    throw DataError(where + ": the value for key " + doc.describe(key) + " is " +
                    a_kind(doc.kind(value_node)) + " " + doc.describe(value_node) +
                    "; expected a number");
  }
  if (!std::isfinite(value)) {
    throw DataError(where + ": the value for key " + doc.describe(key) + " is " + format_double(value) +
                    "; expected a finite number");
  }
  return value;
}

int lr_grid_index(double lr) {
  for (int i = 0; i < kNumLearningRates; ++i) {
    if (std::fabs(lr - kLearningRates[i]) <= 1e-9 * kLearningRates[i]) return i;
  }
  return -1;
}

int bs_grid_index(double bs) {
  for (int i = 0; i < kNumBatchSizes; ++i) {
    if (bs == kBatchSizes[i]) return i;
  }
  return -1;
}

// Finds a top-level entry by its str key; -1 if absent.
long find_entry(const pk::Document& doc, NodeId dict, std::string_view name) {
  for (std::size_t i = 0; i < doc.size(dict); ++i) {
    const NodeId key = doc.key(dict, i);
    if (doc.kind(key) == Kind::string && doc.as_string(key) == name) return static_cast<long>(i);
  }
  return -1;
}

class Importer {
 public:
  Importer(std::string dir, const ImportOptions& options, ImportReport& report)
      : dir_(std::move(dir)), options_(options), report_(report) {}

  Table run();

 private:
  std::string path(const char* file) const { return (std::filesystem::path(dir_) / file).string(); }
  void progress(const std::string& stage, double fraction) const {
    if (options_.progress) options_.progress(stage, fraction);
  }

  void read_cellinfo();
  void order_classes(const std::vector<std::string>& hash_of_cell,
                     const std::vector<std::string>& display_of_cell);
  void read_bench12(std::unique_ptr<Table>& table);
  void read_avgaccs200(Table& table);

  // Decodes a key tuple of `arity` 4 (hash, lr, bs, seed) or 3 (hash, lr, bs); throws DataError.
  struct Key {
    int class_index;
    int hp_index;
    long long seed;
  };
  Key decode_key(const pk::Document& doc, NodeId key, int arity, const std::string& where) const;
  std::string key_text(int class_index, int hp_index, long long seed, bool with_seed) const;

  std::string dir_;
  const ImportOptions& options_;
  ImportReport& report_;

  int num_classes_ = 0;
  std::array<std::int16_t, kNumCells> class_of_cell_{};
  std::vector<std::string> cell_hash_;
  std::unordered_map<std::string, int> class_of_hash_;
  std::vector<std::string> class_display_;  // Python-like text of each class's hash
  std::vector<int> seeds_;
};

Importer::Key Importer::decode_key(const pk::Document& doc, NodeId key, int arity,
                                   const std::string& where) const {
  const char* const shape = arity == 4 ? "(hash, lr, batch_size, seed)" : "(hash, lr, batch_size)";
  if (doc.kind(key) != Kind::tuple || doc.size(key) != static_cast<std::size_t>(arity)) {
    throw DataError(where + ": key " + doc.describe(key) + " is not a " + shape + " tuple");
  }
  std::string text;
  const NodeId hash = doc.item(key, 0);
  if (!hash_text(doc, hash, text)) {
    throw DataError(where + ": key " + doc.describe(key) + ": the hash is " +
                    a_kind(doc.kind(hash)) + "; expected a str, int or bytes");
  }
  const auto found = class_of_hash_.find(text);
  if (found == class_of_hash_.end()) {
    throw DataError(where + ": key " + doc.describe(key) + ": hash " + doc.describe(hash) +
                    " is not a hash of " + kCellinfoFile);
  }
  double lr = 0, bs = 0, seed = 0;
  if (!number_of(doc, doc.item(key, 1), lr)) {
    throw DataError(where + ": key " + doc.describe(key) + ": the lr is not a number");
  }
  const int lr_index = lr_grid_index(lr);
  if (lr_index < 0) {
    throw DataError(where + ": key " + doc.describe(key) + ": lr " + format_double(lr) +
                    " is not on the grid; allowed: " + allowed_learning_rates());
  }
  if (!number_of(doc, doc.item(key, 2), bs) || bs_grid_index(bs) < 0) {
    throw DataError(where + ": key " + doc.describe(key) + ": batch size " +
                    doc.describe(doc.item(key, 2)) +
                    " is not on the grid; allowed: " + allowed_batch_sizes());
  }
  Key result{found->second, lr_index * kNumBatchSizes + bs_grid_index(bs), 0};
  if (arity == 4) {
    const NodeId seed_node = doc.item(key, 3);
    if (!number_of(doc, seed_node, seed) || seed != std::floor(seed) || std::fabs(seed) > 1e15) {
      throw DataError(where + ": key " + doc.describe(key) + ": seed " + doc.describe(seed_node) +
                      " is not an integer");
    }
    result.seed = static_cast<long long>(seed);
  }
  return result;
}

std::string Importer::key_text(int class_index, int hp_index, long long seed,
                               bool with_seed) const {
  std::string text = "(" + class_display_[class_index] + ", " +
                     format_double(kLearningRates[hp_index / kNumBatchSizes]) + ", " +
                     std::to_string(kBatchSizes[hp_index % kNumBatchSizes]);
  if (with_seed) text += ", " + std::to_string(seed);
  return text + ")";
}

void Importer::read_cellinfo() {
  const std::string file = path(kCellinfoFile);
  const pk::Document doc = pk::parse_file(file);
  const NodeId root = doc.root();
  if (doc.kind(root) != Kind::dict) {
    throw DataError(file + ": expected a dict with the entry 'hash', found " +
                    a_kind(doc.kind(root)));
  }
  const long entry = find_entry(doc, root, "hash");
  if (entry < 0) throw DataError(file + ": missing the entry 'hash' (cellcode -> hash)");
  for (std::size_t i = 0; i < doc.size(root); ++i) {
    if (static_cast<long>(i) != entry) {
      report_.warnings.push_back(file + ": entry " + doc.describe(doc.key(root, i)) +
                                 " ignored (only 'hash' is used)");
    }
  }
  const NodeId hashes = doc.value(root, static_cast<std::size_t>(entry));
  if (doc.kind(hashes) != Kind::dict) {
    throw DataError(file + ": 'hash' must be a dict from cellcode to hash, found " +
                    a_kind(doc.kind(hashes)));
  }
  std::vector<std::string> hash_of_cell(kNumCells);
  std::vector<std::string> display_of_cell(kNumCells);
  std::vector<bool> seen(kNumCells, false);
  for (std::size_t i = 0; i < doc.size(hashes); ++i) {
    const NodeId key = doc.key(hashes, i);
    if (doc.kind(key) != Kind::string) {
      throw DataError(file + ": key " + doc.describe(key) + " of 'hash' is not a cellcode string");
    }
    int cell = 0;
    try {
      cell = parse_cellcode(doc.as_string(key)).index();
    } catch (const InvalidArgument& e) {
      throw DataError(file + ": key " + doc.describe(key) +
                      " of 'hash' is not a cellcode: " + e.what());
    }
    const NodeId value = doc.value(hashes, i);
    if (!hash_text(doc, value, hash_of_cell[cell])) {
      throw DataError(file + ": the hash of cellcode " + format_cellcode(cell) + " is " +
                      a_kind(doc.kind(value)) + " " + doc.describe(value) +
                      "; expected a str, int or bytes");
    }
    display_of_cell[cell] = doc.describe(value);
    seen[cell] = true;
  }
  std::vector<std::string> missing;
  for (int cell = 0; cell < kNumCells; ++cell) {
    if (!seen[cell]) missing.push_back(format_cellcode(cell));
  }
  if (!missing.empty()) {
    std::string names;
    for (std::size_t i = 0; i < std::min(missing.size(), kShowFirst); ++i) {
      names += (i ? ", " : "") + missing[i];
    }
    throw DataError(file + ": 'hash' lacks " + std::to_string(missing.size()) + " of the 4096 " +
                    "cellcodes, e.g. " + names);
  }
  order_classes(hash_of_cell, display_of_cell);
}

void Importer::order_classes(const std::vector<std::string>& hash_of_cell,
                             const std::vector<std::string>& display_of_cell) {
  const CellClasses& canonical = CellClasses::get();
  // Per distinct hash: (smallest canonical class, smallest member cell) orders the classes.
  std::unordered_map<std::string, std::pair<int, int>> order_key;
  for (int cell = 0; cell < kNumCells; ++cell) {
    const std::pair<int, int> mine{canonical.class_of(cell), cell};
    auto [it, inserted] = order_key.emplace(hash_of_cell[cell], mine);
    if (!inserted) it->second = std::min(it->second, mine);
  }
  std::vector<std::pair<std::pair<int, int>, std::string>> sorted;
  sorted.reserve(order_key.size());
  for (const auto& [hash, key] : order_key) sorted.emplace_back(key, hash);
  std::sort(sorted.begin(), sorted.end());
  num_classes_ = static_cast<int>(sorted.size());
  class_display_.resize(sorted.size());
  for (std::size_t c = 0; c < sorted.size(); ++c) {
    class_of_hash_[sorted[c].second] = static_cast<int>(c);
    class_display_[c] = display_of_cell[sorted[c].first.second];
  }
  cell_hash_ = hash_of_cell;
  for (int cell = 0; cell < kNumCells; ++cell) {
    class_of_cell_[cell] = static_cast<std::int16_t>(class_of_hash_.at(hash_of_cell[cell]));
  }

  // Compare with the canonical rule: report (with an example) hashes that merge canonical
  // classes and canonical classes split over several hashes.
  const std::string file = path(kCellinfoFile);
  int merged = 0, split = 0;
  std::string merged_example, split_example;
  std::vector<int> first_of_class(num_classes_, -1);
  for (int cell = 0; cell < kNumCells; ++cell) {
    int& first = first_of_class[class_of_cell_[cell]];
    if (first < 0) {
      first = cell;
    } else if (canonical.class_of(first) != canonical.class_of(cell)) {
      if (merged++ == 0) {
        merged_example = format_cellcode(first) + " and " + format_cellcode(cell) + " share hash " +
                         display_of_cell[cell] + " but are not equivalent by the canonical rule";
      }
    }
  }
  for (int c = 0; c < canonical.num_classes(); ++c) {
    const std::vector<int>& members = canonical.members(c);
    for (const int cell : members) {
      if (class_of_cell_[cell] != class_of_cell_[members.front()]) {
        if (split++ == 0) {
          split_example = format_cellcode(members.front()) + " and " + format_cellcode(cell) +
                          " are equivalent by the canonical rule but have different hashes (" +
                          display_of_cell[members.front()] + ", " + display_of_cell[cell] + ")";
        }
        break;
      }
    }
  }
  if (merged > 0) {
    report_.warnings.push_back(
        file + ": the grouping differs from the canonical rule: " + merged_example + " (" +
        std::to_string(merged) + " cellcodes share a hash with a non-equivalent cellcode)");
  }
  if (split > 0) {
    report_.warnings.push_back(
        file + ": the grouping differs from the canonical rule: " + split_example + " (" +
        std::to_string(split) + " canonical classes are split over several hashes)");
  }
}

// Where one bench12 column goes.
struct ColumnTarget {
  std::string source;      // name in bench12.pkl
  NodeId dict = 0;         // its dict
  std::string table_name;  // table column ("" for lr/batch_size/seed, which are checks only)
  int epoch = -1;          // 0..11 for a per-epoch family member, else -1
  int check = -1;          // 0 lr, 1 batch_size, 2 seed
};

void Importer::read_bench12(std::unique_ptr<Table>& table) {
  const std::string file = path(kBenchFile);
  progress("reading " + std::string(kBenchFile), 0.02);
  const pk::Document doc = pk::parse_file(file);
  const NodeId root = doc.root();
  if (doc.kind(root) != Kind::dict) {
    throw DataError(file + ": expected a dict of columns, found " + a_kind(doc.kind(root)));
  }
  progress("indexing " + std::string(kBenchFile), 0.45);

  // Columns by name (a later duplicate wins, as in Python).
  std::map<std::string, NodeId> by_name;
  std::vector<std::string> order;
  for (std::size_t i = 0; i < doc.size(root); ++i) {
    const NodeId key = doc.key(root, i);
    if (doc.kind(key) != Kind::string) {
      throw DataError(file + ": column name " + doc.describe(key) + " is not a str");
    }
    const std::string name(doc.as_string(key));
    if (!by_name.count(name)) order.push_back(name);
    by_name[name] = doc.value(root, i);
  }
  // Required columns.
  std::vector<std::string> required = {"lr", "batch_size", "seed"};
  for (const char* family : {"acc", "time"}) {
    for (const char* mode : kModes) {
      for (int e = 0; e < kEpochsPerRun; ++e) {
        required.push_back(std::string(mode) + "_" + family + "_" + std::to_string(e));
      }
    }
  }
  for (const char* total : kTotals) required.emplace_back(total);
  std::vector<std::string> missing;
  for (const auto& name : required) {
    if (!by_name.count(name)) missing.push_back(name);
  }
  if (!missing.empty()) {
    std::string names;
    for (std::size_t i = 0; i < std::min(missing.size(), kShowFirst); ++i) {
      names += (i ? ", '" : "'") + missing[i] + "'";
    }
    throw DataError(file + ": missing column" + (missing.size() > 1 ? "s " : " ") + names +
                    (missing.size() > kShowFirst
                         ? " and " + std::to_string(missing.size() - kShowFirst) + " more"
                         : ""));
  }
  for (const auto& name : required) {
    const NodeId dict = by_name[name];
    if (doc.kind(dict) != Kind::dict) {
      throw DataError(file + ": column '" + name + "' is " + a_kind(doc.kind(dict)) +
                      "; expected a dict keyed by (hash, lr, batch_size, seed)");
    }
  }

  // Where each column goes: numbered families name_0..name_11 (all twelve) are per-epoch columns.
  std::vector<ColumnTarget> targets;
  std::set<std::string> families;
  for (const auto& name : order) {
    const auto underscore = name.rfind('_');
    if (underscore == std::string::npos || underscore + 1 >= name.size()) continue;
    const std::string stem = name.substr(0, underscore);
    bool complete = true;
    for (int e = 0; e < kEpochsPerRun && complete; ++e) {
      auto it = by_name.find(stem + "_" + std::to_string(e));
      complete = it != by_name.end() && doc.kind(it->second) == Kind::dict;
    }
    if (complete) families.insert(stem);
  }
  for (const auto& name : order) {
    ColumnTarget target;
    target.source = name;
    target.dict = by_name[name];
    if (name == "lr" || name == "batch_size" || name == "seed") {
      target.check = name == "lr" ? 0 : name == "batch_size" ? 1 : 2;
      targets.push_back(target);
      continue;
    }
    const auto underscore = name.rfind('_');
    if (underscore != std::string::npos && families.count(name.substr(0, underscore))) {
      const std::string digits = name.substr(underscore + 1);
      const bool canonical_number =
          digits.size() <= 2 &&
          std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
          (digits.size() == 1 || digits[0] != '0') && std::stoi(digits) < kEpochsPerRun;
      if (canonical_number) {
        target.table_name = name.substr(0, underscore);
        target.epoch = std::stoi(digits);
        targets.push_back(target);
        continue;
      }
    }
    target.table_name = name;
    targets.push_back(target);
  }

  // The reference column: 'lr' (required, a dict). Its keys fix the seeds and the row of each
  // key node; other columns usually hold the same memo-shared key nodes in the same order.
  const ColumnTarget& first = *std::find_if(targets.begin(), targets.end(),
                                            [](const ColumnTarget& t) { return t.check == 0; });
  const std::string first_where = file + ": column '" + first.source + "'";
  if (doc.kind(first.dict) != Kind::dict) {
    throw DataError(first_where + " is " + a_kind(doc.kind(first.dict)) +
                    "; expected a dict keyed by (hash, lr, batch_size, seed)");
  }
  const std::size_t first_size = doc.size(first.dict);
  std::vector<NodeId> ref_keys(first_size);
  std::vector<Key> ref_decoded(first_size);
  std::set<long long> seed_set;
  for (std::size_t i = 0; i < first_size; ++i) {
    ref_keys[i] = doc.key(first.dict, i);
    ref_decoded[i] = decode_key(doc, ref_keys[i], 4, first_where);
    seed_set.insert(ref_decoded[i].seed);
  }
  if (seed_set.empty()) throw DataError(first_where + " is empty");
  for (const long long seed : seed_set) {
    if (seed < INT32_MIN || seed > INT32_MAX) {
      throw DataError(first_where + ": seed " + std::to_string(seed) + " is out of range");
    }
    seeds_.push_back(static_cast<int>(seed));
  }
  table = std::make_unique<Table>(num_classes_, seeds_);
  Table& t = *table;
  auto seed_index = [&](long long seed) {
    return static_cast<int>(std::lower_bound(seeds_.begin(), seeds_.end(), seed) - seeds_.begin());
  };
  std::vector<std::uint32_t> ref_rows(first_size);
  for (std::size_t i = 0; i < first_size; ++i) {
    const Key& k = ref_decoded[i];
    ref_rows[i] =
        static_cast<std::uint32_t>(t.run_row(k.class_index, k.hp_index, seed_index(k.seed)));
  }
  ref_decoded.clear();
  ref_decoded.shrink_to_fit();
  std::unordered_map<NodeId, std::uint32_t> row_of_node;  // built only if needed

  const std::size_t run_rows = t.num_rows(ColumnKind::per_run);
  auto row_key_text = [&](std::size_t row) {
    const int seed_i = static_cast<int>(row % seeds_.size());
    const std::size_t config = row / seeds_.size();
    return key_text(static_cast<int>(config / kNumHyperparameterPairs),
                    static_cast<int>(config % kNumHyperparameterPairs), seeds_[seed_i], true);
  };

  // Per-epoch families and extra per-run columns get table columns first.
  for (auto& target : targets) {
    if (target.check >= 0) continue;
    const ColumnKind kind = target.epoch >= 0 ? ColumnKind::per_epoch : ColumnKind::per_run;
    if (Column* existing = t.find(target.table_name)) {
      if (existing->kind == kind) continue;
      report_.warnings.push_back(file + ": column '" + target.source + "' skipped: its name '" +
                                 target.table_name + "' is taken by a " +
                                 column_kind_name(existing->kind) + " column");
      target.table_name.clear();
      target.check = 3;  // skip
      continue;
    }
    if (doc.kind(target.dict) != Kind::dict) {
      report_.warnings.push_back(file + ": column '" + target.source + "' skipped: it is " +
                                 a_kind(doc.kind(target.dict)) + ", not a dict");
      target.check = 3;
      continue;
    }
    if (doc.size(target.dict) > 0) {
      double ignored = 0;
      if (!number_of(doc, doc.value(target.dict, 0), ignored)) {
        report_.warnings.push_back(file + ": column '" + target.source +
                                   "' skipped: its values are not numbers (e.g. " +
                                   doc.describe(doc.value(target.dict, 0)) + ")");
        target.check = 3;
        continue;
      }
    }
    t.add_column(target.table_name, kind);
    report_.extra_columns.push_back(target.table_name);
  }
  std::vector<std::uint32_t> stamp(run_rows, 0);
  std::uint32_t generation = 0;
  std::size_t done = 0;
  for (const auto& target : targets) {
    ++done;
    if (target.check == 3) continue;
    progress("importing " + std::string(kBenchFile) + " columns",
             0.45 + 0.5 * static_cast<double>(done) / targets.size());
    const std::string where = file + ": column '" + target.source + "'";
    double* values = nullptr;
    std::size_t stride = 1, offset = 0;
    if (target.check < 0) {
      values = t.find(target.table_name)->values.data();
      if (target.epoch >= 0) {
        stride = kEpochsPerRun;
        offset = static_cast<std::size_t>(target.epoch);
      }
    }
    ++generation;
    std::size_t distinct = 0;
    const std::size_t size = doc.size(target.dict);
    for (std::size_t i = 0; i < size; ++i) {
      const NodeId key = doc.key(target.dict, i);
      std::uint32_t row;
      if (i < first_size && key == ref_keys[i]) {
        row = ref_rows[i];
      } else {
        if (row_of_node.empty()) {
          row_of_node.reserve(first_size);
          for (std::size_t j = 0; j < first_size; ++j)
            row_of_node.emplace(ref_keys[j], ref_rows[j]);
        }
        const auto found = row_of_node.find(key);
        if (found != row_of_node.end()) {
          row = found->second;
        } else {
          const Key k = decode_key(doc, key, 4, where);
          if (!std::binary_search(seeds_.begin(), seeds_.end(), k.seed)) {
            throw DataError(where + ": key " + doc.describe(key) + " has seed " +
                            std::to_string(k.seed) + ", which column '" + first.source +
                            "' does not have");
          }
          row =
              static_cast<std::uint32_t>(t.run_row(k.class_index, k.hp_index, seed_index(k.seed)));
        }
      }
      if (stamp[row] != generation) {
        stamp[row] = generation;
        ++distinct;
      }
      const double value = finite_value(doc, key, doc.value(target.dict, i), where);
      if (values) {
        values[row * stride + offset] = value;
        continue;
      }
      // lr / batch_size / seed: must agree with the key.
      const std::size_t config = row / seeds_.size();
      const int hp = static_cast<int>(config % kNumHyperparameterPairs);
      const bool agrees = target.check == 0   ? lr_grid_index(value) == hp / kNumBatchSizes
                          : target.check == 1 ? bs_grid_index(value) == hp % kNumBatchSizes
                                              : value == seeds_[row % seeds_.size()];
      if (!agrees) {
        throw DataError(where + ": the value " + format_double(value) + " for key " + doc.describe(key) +
                        " disagrees with the key");
      }
    }
    if (distinct < run_rows) {
      std::string examples;
      std::size_t shown = 0;
      for (std::size_t row = 0; row < run_rows && shown < kShowFirst; ++row) {
        if (stamp[row] != generation) examples += (shown++ ? ", " : "") + row_key_text(row);
      }
      throw DataError(where + " lacks " + std::to_string(run_rows - distinct) + " of the " +
                      std::to_string(run_rows) + " (hash, lr, batch_size, seed) keys, e.g. " +
                      examples);
    }
  }
}

void Importer::read_avgaccs200(Table& table) {
  const std::string file = path(kAvgFile);
  progress("reading " + std::string(kAvgFile), 0.95);
  const pk::Document doc = pk::parse_file(file);
  const NodeId root = doc.root();
  if (doc.kind(root) != Kind::dict) {
    throw DataError(file + ": expected a dict with the entry 'avg_acc', found " +
                    a_kind(doc.kind(root)));
  }
  if (find_entry(doc, root, "avg_acc") < 0) {
    throw DataError(file + ": missing the entry 'avg_acc' ((hash, lr, batch_size) -> accuracy)");
  }
  const std::size_t config_rows = table.num_rows(ColumnKind::per_config);
  std::vector<bool> seen;
  for (std::size_t entry = 0; entry < doc.size(root); ++entry) {
    const NodeId name_node = doc.key(root, entry);
    const NodeId dict = doc.value(root, entry);
    const bool is_avg =
        doc.kind(name_node) == Kind::string && doc.as_string(name_node) == "avg_acc";
    const std::string name =
        doc.kind(name_node) == Kind::string ? std::string(doc.as_string(name_node)) : "";
    if (!is_avg) {
      // Other per-config dicts are kept when they are numeric and their name is free.
      double ignored = 0;
      const bool usable = !name.empty() && doc.kind(dict) == Kind::dict && doc.size(dict) > 0 &&
                          number_of(doc, doc.value(dict, 0), ignored) && !table.find(name);
      if (!usable) {
        report_.warnings.push_back(file + ": entry " + doc.describe(name_node) + " ignored");
        continue;
      }
    } else if (doc.kind(dict) != Kind::dict) {
      throw DataError(file + ": 'avg_acc' is " + a_kind(doc.kind(dict)) +
                      "; expected a dict keyed by (hash, lr, batch_size)");
    }
    const std::string where = file + ": '" + name + "'";
    Column& column =
        is_avg ? *table.find(columns::kAvgAcc200) : table.add_column(name, ColumnKind::per_config);
    if (!is_avg) report_.extra_columns.push_back(name);
    seen.assign(config_rows, false);
    std::size_t distinct = 0;
    for (std::size_t i = 0; i < doc.size(dict); ++i) {
      const NodeId key = doc.key(dict, i);
      const Key k = decode_key(doc, key, 3, where);
      const std::size_t row = table.config_row(k.class_index, k.hp_index);
      if (!seen[row]) {
        seen[row] = true;
        ++distinct;
      }
      const double value = finite_value(doc, key, doc.value(dict, i), where);
      column.values[row] = value;
    }
    if (distinct < config_rows) {
      std::string examples;
      std::size_t shown = 0;
      for (std::size_t row = 0; row < config_rows && shown < kShowFirst; ++row) {
        if (!seen[row]) {
          examples += (shown++ ? ", " : "") +
                      key_text(static_cast<int>(row / kNumHyperparameterPairs),
                               static_cast<int>(row % kNumHyperparameterPairs), 0, false);
        }
      }
      throw DataError(where + " lacks " + std::to_string(config_rows - distinct) + " of the " +
                      std::to_string(config_rows) + " (hash, lr, batch_size) keys, e.g. " +
                      examples);
    }
  }
}

Table Importer::run() {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir_, ec)) {
    throw DataError(dir_ + ": not a directory (expected a folder with " + kBenchFile + ", " +
                    kCellinfoFile + " and " + kAvgFile + ")");
  }
  for (const char* file : {kBenchFile, kCellinfoFile, kAvgFile}) {
    if (!std::filesystem::exists(path(file), ec)) {
      throw DataError(path(file) + ": missing (the folder must hold " + kBenchFile + ", " +
                      kCellinfoFile + " and " + kAvgFile + ")");
    }
  }
  progress("reading " + std::string(kCellinfoFile), 0.0);
  read_cellinfo();
  std::unique_ptr<Table> table;
  read_bench12(table);  // its Document is freed on return, before the next file is read
  read_avgaccs200(*table);
  progress("checking", 0.99);
  table->class_of_cell() = class_of_cell_;
  table->cell_hash() = std::move(cell_hash_);
  table->source() = {"official", "official (imported from " + dir_ + ")"};
  table->validate();
  progress("done", 1.0);
  return std::move(*table);
}

}  // namespace

Table import_official(const std::string& dir, const ImportOptions& options, ImportReport* report) {
  ImportReport local;
  Importer importer(dir, options, report ? *report : local);
  return importer.run();
}

}  // namespace nhb2
