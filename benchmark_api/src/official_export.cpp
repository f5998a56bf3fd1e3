#include <nhb2/benchmark_api/official_export.hpp>

#include <nhb2/core/canonical.hpp>
#include <nhb2/core/cell.hpp>
#include <nhb2/core/config.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/file_io.hpp>
#include <nhb2/core/format.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <unordered_map>

namespace nhb2 {

namespace {

// A minimal pickle protocol 4 writer: dict, tuple, str, float and int opcodes plus the memo.
// Frames are optional for readers and omitted.
class PickleWriter {
 public:
  PickleWriter() { out_ += "\x80\x04"; }  // PROTO 4

  std::string& bytes() { return out_; }
  void stop() { out_ += '.'; }
  void empty_dict() { out_ += '}'; }
  void mark() { out_ += '('; }
  void set_items() { out_ += 'u'; }
  void set_item() { out_ += 's'; }
  void tuple(std::size_t n) {
    if (n == 2) {
      out_ += '\x86';
    } else if (n == 3) {
      out_ += '\x87';
    } else {
      out_ += 't';  // after a mark
    }
  }
  void str(std::string_view text) {
    if (text.size() < 256) {
      out_ += '\x8c';
      out_ += static_cast<char>(text.size());
    } else {
      out_ += 'X';
      put_le(text.size(), 4);
    }
    out_.append(text.data(), text.size());
  }
  void real(double value) {
    out_ += 'G';
    std::uint64_t bits;
    std::memcpy(&bits, &value, 8);
    for (int shift = 56; shift >= 0; shift -= 8) out_ += static_cast<char>(bits >> shift);
  }
  void integer(long long value) {
    if (value >= 0 && value < 256) {
      out_ += 'K';
      put_le(static_cast<std::uint64_t>(value), 1);
    } else if (value >= 0 && value < 65536) {
      out_ += 'M';
      put_le(static_cast<std::uint64_t>(value), 2);
    } else if (value >= INT32_MIN && value <= INT32_MAX) {
      out_ += 'J';
      put_le(static_cast<std::uint64_t>(value), 4);
    } else {
      out_ += '\x8a';  // LONG1, 8 bytes two's complement
      out_ += '\x08';
      put_le(static_cast<std::uint64_t>(value), 8);
    }
  }
  // MEMOIZE the top of the stack; returns its memo index.
  std::uint32_t memoize() {
    out_ += '\x94';
    return memo_size_++;
  }
  void get(std::uint32_t index) {
    if (index < 256) {
      out_ += 'h';
      put_le(index, 1);
    } else {
      out_ += 'j';
      put_le(index, 4);
    }
  }

 private:
  void put_le(std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out_ += static_cast<char>(value >> (8 * i));
  }
  std::string out_;
  std::uint32_t memo_size_ = 0;
};

// Python writes dict items in SETITEMS batches of at most 1000; so do we.
constexpr std::size_t kBatch = 1000;

// One hash text per table class; DataError if the table's hashes do not identify its classes.
std::vector<std::string> class_hashes(const Table& table) {
  std::vector<std::string> hash(table.num_classes());
  std::vector<bool> set(table.num_classes(), false);
  for (int cell = 0; cell < kNumCells; ++cell) {
    const int c = table.class_of_cell()[cell];
    if (!set[c]) {
      hash[c] = table.cell_hash()[cell];
      set[c] = true;
    } else if (hash[c] != table.cell_hash()[cell]) {
      throw DataError("cannot export: cellcodes of class " + std::to_string(c) +
                      " have different hashes ('" + hash[c] + "', '" + table.cell_hash()[cell] +
                      "')");
    }
  }
  std::unordered_map<std::string, int> seen;
  for (int c = 0; c < table.num_classes(); ++c) {
    auto [it, inserted] = seen.emplace(hash[c], c);
    if (!inserted) {
      throw DataError("cannot export: classes " + std::to_string(it->second) + " and " +
                      std::to_string(c) + " share the hash '" + hash[c] + "'");
    }
  }
  return hash;
}

// Writes (hash, lr, bs[, seed]) for a key, memoising the hash strings on first use.
class KeyWriter {
 public:
  KeyWriter(PickleWriter& writer, const std::vector<std::string>& hashes)
      : writer_(writer), hashes_(hashes), hash_memo_(hashes.size(), kNone) {}
  void write(int class_index, int hp_index, const int* seed) {
    if (seed) writer_.mark();
    std::uint32_t& memo = hash_memo_[class_index];
    if (memo == kNone) {
      writer_.str(hashes_[class_index]);
      memo = writer_.memoize();
    } else {
      writer_.get(memo);
    }
    writer_.real(kLearningRates[hp_index / kNumBatchSizes]);
    writer_.integer(kBatchSizes[hp_index % kNumBatchSizes]);
    if (seed) {
      writer_.integer(*seed);
      writer_.tuple(4);
    } else {
      writer_.tuple(3);
    }
  }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  PickleWriter& writer_;
  const std::vector<std::string>& hashes_;
  std::vector<std::uint32_t> hash_memo_;
};

std::string bench12_bytes(const Table& table, const std::vector<std::string>& hashes) {
  PickleWriter writer;
  KeyWriter keys(writer, hashes);
  const std::size_t runs = table.num_rows(ColumnKind::per_run);
  const int num_seeds = table.num_seeds();
  std::vector<std::uint32_t> key_memo(runs, UINT32_MAX);
  std::size_t num_columns = 3;
  for (const Column& c : table.columns()) {
    if (c.kind != ColumnKind::per_config) num_columns += c.kind == ColumnKind::per_epoch ? 12 : 1;
  }
  writer.bytes().reserve(runs * num_columns * 14 + runs * 64);  // ~14 bytes per entry

  // One bench12 column: `value(row)` for every run row, keys memoised on first use.
  auto column = [&](const std::string& name, auto&& value) {
    writer.str(name);
    writer.empty_dict();
    std::size_t row = 0;
    while (row < runs) {
      writer.mark();
      for (std::size_t n = 0; n < kBatch && row < runs; ++n, ++row) {
        if (key_memo[row] == UINT32_MAX) {
          const int seed_index = static_cast<int>(row % num_seeds);
          const std::size_t config = row / num_seeds;
          keys.write(static_cast<int>(config / kNumHyperparameterPairs),
                     static_cast<int>(config % kNumHyperparameterPairs),
                     &table.seeds()[seed_index]);
          key_memo[row] = writer.memoize();
        } else {
          writer.get(key_memo[row]);
        }
        value(row);
      }
      writer.set_items();
    }
    writer.set_item();
  };

  writer.empty_dict();
  column("lr", [&](std::size_t row) {
    writer.real(kLearningRates[(row / num_seeds) % kNumHyperparameterPairs / kNumBatchSizes]);
  });
  column("batch_size", [&](std::size_t row) {
    writer.integer(kBatchSizes[(row / num_seeds) % kNumHyperparameterPairs % kNumBatchSizes]);
  });
  column("seed", [&](std::size_t row) { writer.integer(table.seeds()[row % num_seeds]); });
  for (const Column& c : table.columns()) {
    if (c.kind == ColumnKind::per_epoch) {
      for (int e = 0; e < kEpochsPerRun; ++e) {
        column(c.name + "_" + std::to_string(e),
               [&](std::size_t row) { writer.real(c.values[row * kEpochsPerRun + e]); });
      }
    } else if (c.kind == ColumnKind::per_run) {
      column(c.name, [&](std::size_t row) { writer.real(c.values[row]); });
    }
  }
  writer.stop();
  return std::move(writer.bytes());
}

std::string cellinfo_bytes(const Table& table) {
  PickleWriter writer;
  writer.empty_dict();
  writer.str("hash");
  writer.empty_dict();
  std::unordered_map<std::string, std::uint32_t> memo;
  for (int cell = 0; cell < kNumCells; ++cell) {
    if (cell % kBatch == 0) writer.mark();
    writer.str(format_cellcode(cell));
    const std::string& hash = table.cell_hash()[cell];
    const auto found = memo.find(hash);
    if (found == memo.end()) {
      writer.str(hash);
      memo.emplace(hash, writer.memoize());
    } else {
      writer.get(found->second);
    }
    if (cell % kBatch == kBatch - 1 || cell == kNumCells - 1) writer.set_items();
  }
  writer.set_item();
  writer.stop();
  return std::move(writer.bytes());
}

std::string avgaccs200_bytes(const Table& table, const std::vector<std::string>& hashes) {
  PickleWriter writer;
  KeyWriter keys(writer, hashes);
  const std::size_t configs = table.num_rows(ColumnKind::per_config);
  std::vector<std::uint32_t> key_memo(configs, UINT32_MAX);
  writer.empty_dict();
  for (const Column& c : table.columns()) {
    if (c.kind != ColumnKind::per_config) continue;
    writer.str(c.name == columns::kAvgAcc200 ? std::string("avg_acc") : c.name);
    writer.empty_dict();
    for (std::size_t row = 0; row < configs; ++row) {
      if (row % kBatch == 0) writer.mark();
      if (key_memo[row] == UINT32_MAX) {
        keys.write(static_cast<int>(row / kNumHyperparameterPairs),
                   static_cast<int>(row % kNumHyperparameterPairs), nullptr);
        key_memo[row] = writer.memoize();
      } else {
        writer.get(key_memo[row]);
      }
      writer.real(c.values[row]);
      if (row % kBatch == kBatch - 1 || row == configs - 1) writer.set_items();
    }
    writer.set_item();
  }
  writer.stop();
  return std::move(writer.bytes());
}

}  // namespace

std::vector<int> class_representatives(const Table& table) {
  const CellClasses& canonical = CellClasses::get();
  std::vector<int> best_canonical(table.num_classes(), -1);
  std::vector<int> smallest(table.num_classes(), -1);
  for (int cell = 0; cell < kNumCells; ++cell) {
    const int c = table.class_of_cell()[cell];
    if (smallest[c] < 0) smallest[c] = cell;
    const int k = canonical.class_of(cell);
    if (best_canonical[c] < 0 || k < best_canonical[c]) best_canonical[c] = k;
  }
  std::vector<int> representative(table.num_classes());
  for (int c = 0; c < table.num_classes(); ++c) {
    const int candidate = canonical.representative(best_canonical[c]);
    representative[c] = table.class_of_cell()[candidate] == c ? candidate : smallest[c];
  }
  return representative;
}

std::vector<std::string> csv_header(const Table& table) {
  std::vector<std::string> header = {"cellcode",   "class", "hash", "lr",
                                     "batch_size", "seed",  "epoch"};
  for (const ColumnKind kind :
       {ColumnKind::per_epoch, ColumnKind::per_run, ColumnKind::per_config}) {
    for (const Column& c : table.columns()) {
      if (c.kind == kind) header.push_back(c.name);
    }
  }
  return header;
}

std::size_t csv_row_count(const Table& table, const CsvOptions& options) {
  const std::size_t blocks = options.per_cellcode ? kNumCells : table.num_classes();
  return blocks * kNumHyperparameterPairs * table.seeds().size() * kEpochsPerRun;
}

bool write_csv(const Table& table, std::FILE* out, const CsvOptions& options) {
  std::vector<const Column*> ordered[3];
  for (const Column& c : table.columns()) ordered[static_cast<int>(c.kind)].push_back(&c);
  std::string buffer;
  const std::vector<std::string> header = csv_header(table);
  for (std::size_t i = 0; i < header.size(); ++i) buffer += (i ? "," : "") + header[i];
  buffer += '\n';

  std::vector<int> cells;  // (cell, class) blocks in output order
  if (options.per_cellcode) {
    for (int cell = 0; cell < kNumCells; ++cell) cells.push_back(cell);
  } else {
    cells = class_representatives(table);
  }
  const int num_seeds = table.num_seeds();
  for (const int cell : cells) {
    const int c = table.class_of_cell()[cell];
    const std::string prefix =
        format_cellcode(cell) + "," + std::to_string(c) + "," + table.cell_hash()[cell] + ",";
    for (int hp = 0; hp < kNumHyperparameterPairs; ++hp) {
      std::string hp_text;
      append_double(hp_text, kLearningRates[hp / kNumBatchSizes]);
      hp_text += "," + std::to_string(kBatchSizes[hp % kNumBatchSizes]) + ",";
      const std::size_t config_row = table.config_row(c, hp);
      for (int s = 0; s < num_seeds; ++s) {
        const std::size_t run_row = table.run_row(c, hp, s);
        for (int e = 0; e < kEpochsPerRun; ++e) {
          buffer += prefix;
          buffer += hp_text;
          buffer += std::to_string(table.seeds()[s]);
          buffer += ',';
          buffer += std::to_string(e + 1);
          for (const Column* col : ordered[0]) {
            buffer += ',';
            append_double(buffer, col->values[run_row * kEpochsPerRun + e]);
          }
          for (const Column* col : ordered[1]) {
            buffer += ',';
            append_double(buffer, col->values[run_row]);
          }
          for (const Column* col : ordered[2]) {
            buffer += ',';
            append_double(buffer, col->values[config_row]);
          }
          buffer += '\n';
        }
      }
      if (buffer.size() > (1u << 20)) {
        if (std::fwrite(buffer.data(), 1, buffer.size(), out) != buffer.size()) return false;
        buffer.clear();
      }
    }
  }
  return std::fwrite(buffer.data(), 1, buffer.size(), out) == buffer.size() &&
         std::fflush(out) == 0;
}

void write_pickle_layout(const Table& table, const std::string& dir) {
  table.validate();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw DataError(dir + ": not a directory (create it first)");
  }
  const std::vector<std::string> hashes = class_hashes(table);
  const auto path = [&](const char* name) { return (std::filesystem::path(dir) / name).string(); };
  const char* const names[3] = {"bench12.pkl", "cellinfo.pkl", "avgaccs200.pkl"};
  // One file's bytes in memory at a time (bench12.pkl is the large one). The three are renamed
  // only when all are written; an exception on the way removes every temporary file.
  AtomicFile bench12(path(names[0]));
  bench12.write(bench12_bytes(table, hashes));
  AtomicFile cellinfo(path(names[1]));
  cellinfo.write(cellinfo_bytes(table));
  AtomicFile avgaccs200(path(names[2]));
  avgaccs200.write(avgaccs200_bytes(table, hashes));
  for (AtomicFile* file : {&bench12, &cellinfo, &avgaccs200}) file->commit();
}

}  // namespace nhb2
