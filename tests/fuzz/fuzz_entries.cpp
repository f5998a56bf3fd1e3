#include "fuzz_entries.hpp"

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/nhb2_file.hpp>
#include <nhb2/benchmark_api/pickle_reader.hpp>
#include <nhb2/benchmark_api/table.hpp>
#include <nhb2/core/cell.hpp>
#include <nhb2/core/config.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/experiments/sweep_config.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nhb2::fuzz {

namespace {

// A property the readers promise was broken (not a plain refusal): reported as a non-nhb2
// exception so both libFuzzer and the replay test flag it.
[[noreturn]] void broken(const std::string& what) {
  throw std::logic_error("fuzz property broken: " + what);
}

// Visits every node once with every accessor that fits its kind; the accessors of the wrong kind
// must throw DataError, never read out of bounds. Iterative: documents can be deep.
void walk(const pickle::Document& document) {
  (void)document.describe(document.root());
  std::vector<pickle::NodeId> pending = {document.root()};
  std::vector<bool> seen(document.node_count(), false);
  while (!pending.empty()) {
    const pickle::NodeId id = pending.back();
    pending.pop_back();
    if (id >= seen.size()) broken("node id " + std::to_string(id) + " beyond node_count");
    if (seen[id]) continue;
    seen[id] = true;
    (void)pickle::kind_name(document.kind(id));
    switch (document.kind(id)) {
      case pickle::Kind::none:
        break;
      case pickle::Kind::boolean:
        (void)document.as_bool(id);
        break;
      case pickle::Kind::integer:
        (void)document.as_int(id);
        (void)document.as_number(id);
        break;
      case pickle::Kind::real:
        (void)document.as_real(id);
        (void)document.as_number(id);
        break;
      case pickle::Kind::string:
      case pickle::Kind::bytes:
        (void)document.as_string(id);
        break;
      case pickle::Kind::tuple:
      case pickle::Kind::list:
        for (std::size_t i = 0; i < document.size(id); ++i) pending.push_back(document.item(id, i));
        break;
      case pickle::Kind::dict:
        for (std::size_t i = 0; i < document.size(id); ++i) {
          pending.push_back(document.key(id, i));
          pending.push_back(document.value(id, i));
        }
        break;
    }
  }
  // Out-of-range ids and indices are refused with DataError.
  try {
    (void)document.kind(static_cast<pickle::NodeId>(document.node_count()));
    broken("kind() accepted an id beyond node_count");
  } catch (const Error&) {
  }
}

// One reusable temporary file per process and target.
class ScratchFile {
 public:
  explicit ScratchFile(const char* extension) {
    const char* folder = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    path_ = std::string(folder) + "/nhb2-fuzz-" + std::to_string(::getpid()) + extension;
  }
  ~ScratchFile() { ::unlink(path_.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  const std::string& write(const std::uint8_t* data, std::size_t size) {
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot create " + path_);
    std::size_t done = 0;
    while (done < size) {
      const ::ssize_t wrote = ::write(fd, data + done, size - done);
      if (wrote <= 0) {
        ::close(fd);
        throw std::runtime_error("cannot write " + path_);
      }
      done += static_cast<std::size_t>(wrote);
    }
    ::close(fd);
    return path_;
  }

 private:
  std::string path_;
};

void read_both(const std::string& path) {
  try {
    const Nhb2FileInfo info = inspect_nhb2(path);
    (void)info.stored_checksum_hex();
  } catch (const Error&) {
  }
  try {
    const Table table = read_nhb2(path);
    // A file read_nhb2 accepts holds a valid table.
    table.validate();
    (void)table.checksum();
  } catch (const Error&) {
  }
}

constexpr std::size_t kHeaderSize = 56;  // docs/data-format.md
constexpr std::size_t kOffsetVersion = 8;
constexpr std::size_t kOffsetFileSize = 16;
constexpr std::size_t kOffsetChecksum = 24;

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

const Benchmark& synthetic_benchmark() {
  static const Benchmark benchmark = Benchmark::generate_synthetic(1);
  return benchmark;
}

}  // namespace

// What parsing gives: the error message without its source name, or a summary of the document.
template <typename Parse>
std::string outcome_of(const std::string& source, Parse&& parse) {
  try {
    const pickle::Document document = parse();
    walk(document);
    return "ok " + std::to_string(document.node_count()) + " " + document.describe(document.root());
  } catch (const Error& e) {
    const std::string message = e.what();
    if (message.rfind(source + ": ", 0) != 0) broken("error without the source name: " + message);
    return message.substr(source.size() + 2);
  }
}

void fuzz_pickle(const std::uint8_t* data, std::size_t size) {
  const std::string in_memory =
      outcome_of("fuzz.pkl", [&] { return pickle::parse(data, size, "fuzz.pkl"); });
  // The same bytes read from a file in small windows (items straddle window boundaries, long
  // ones grow the window): the same document or the same error at the same offset.
  static ScratchFile scratch(".pkl");
  const std::string& path = scratch.write(data, size);
  const std::size_t window = 1 + (size == 0 ? 0 : data[size / 2] % 23);
  const std::string from_file = outcome_of(path, [&] { return pickle::parse_file(path, window); });
  if (from_file != in_memory) {
    broken("parse_file with a " + std::to_string(window) + "-byte window gave '" + from_file +
           "', parse gave '" + in_memory + "'");
  }
}

void fuzz_nhb2_file(const std::uint8_t* data, std::size_t size) {
  static ScratchFile scratch(".nhb2");
  read_both(scratch.write(data, size));
  if (size < kHeaderSize) return;
  // The same bytes with a consistent file_size and checksum: gets past the checks a random
  // mutation almost always trips, into the metadata and directory parser.
  std::vector<std::uint8_t> patched(data, data + size);
  const std::uint64_t file_size = size;
  std::uint32_t version = 0;
  std::memcpy(&version, patched.data() + kOffsetVersion, sizeof version);
  const std::uint64_t checksum =
      nhb2_file_checksum(version, patched.data() + kHeaderSize, size - kHeaderSize);
  std::memcpy(patched.data() + kOffsetFileSize, &file_size, sizeof file_size);
  std::memcpy(patched.data() + kOffsetChecksum, &checksum, sizeof checksum);
  if (std::memcmp(patched.data(), data, kHeaderSize) == 0) return;
  read_both(scratch.write(patched.data(), patched.size()));
}

void fuzz_cellcode(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> inputs = lines_of(text);
  if (inputs.size() > 1) inputs.push_back(text);
  for (const std::string_view input : inputs) {
    try {
      const Cell cell = parse_cellcode(input);
      if (cell.index() < 0 || cell.index() >= kNumCells) broken("cell index out of range");
      if (parse_cellcode(format_cellcode(cell)) != cell) broken("cellcode does not round-trip");
    } catch (const Error&) {
    }
    try {
      const int lr = parse_lr(input);
      if (lr < 0 || lr >= kNumLearningRates) broken("lr index out of range");
      if (parse_lr(format_lr(kLearningRates[lr])) != lr) broken("lr does not round-trip");
    } catch (const Error&) {
    }
    try {
      const int bs = parse_batch_size(input);
      if (bs < 0 || bs >= kNumBatchSizes) broken("batch size index out of range");
    } catch (const Error&) {
    }
  }
}

void fuzz_sweep_config(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  SweepConfig config;
  try {
    config = parse_sweep_config(text, "fuzz.yaml", builtin_optimizers());
  } catch (const Error&) {
    return;
  }
  // A config that loads must load back from its resolved YAML with the same fingerprint
  // (sweep_config.hpp: "load_sweep_config() accepts it back").
  const Benchmark& benchmark = synthetic_benchmark();
  const std::string resolved = resolved_yaml(config, benchmark, "fuzz");
  SweepConfig again;
  try {
    again = parse_sweep_config(resolved, "resolved.yaml", builtin_optimizers());
  } catch (const Error& error) {
    broken(std::string("resolved YAML does not load back: ") + error.what() + "\n" + resolved);
  }
  const auto before = sweep_fingerprint(config, benchmark);
  const auto after = sweep_fingerprint(again, benchmark);
  if (before != after) {
    broken("resolved YAML changes the config: " + describe_fingerprint_changes(before, after));
  }
}

const std::vector<FuzzTarget>& fuzz_targets() {
  static const std::vector<FuzzTarget> targets = {
      {"pickle", &fuzz_pickle},
      {"nhb2_file", &fuzz_nhb2_file},
      {"cellcode", &fuzz_cellcode},
      {"sweep_config", &fuzz_sweep_config},
  };
  return targets;
}

}  // namespace nhb2::fuzz
