// Import of the authors' pickle layout (official_import.hpp), checked against answers that
// tests/fixtures/make_official_fixture.py computes independently with the reference API's
// semantics. Fixture variants are generated once per test run; without python3 the tests WARN
// and skip.

#include "test_support.hpp"

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/nhb2_file.hpp>
#include <nhb2/benchmark_api/official_import.hpp>
#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/core/canonical.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/core/format.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

using namespace nhb2;
namespace fs = std::filesystem;

namespace {

// An interpreter that can run the fixture script (with numpy when asked); "" if none.
std::string python(bool numpy) {
  static std::map<bool, std::string> cache;
  const auto found = cache.find(numpy);
  if (found != cache.end()) return found->second;
  std::string chosen;
  for (const char* candidate : {"python3", "/usr/bin/python3"}) {
    const std::string probe = std::string(candidate) + " -c 'import pickle" +
                              (numpy ? ", numpy" : "") + "' >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) {
      chosen = candidate;
      break;
    }
  }
  return cache[numpy] = chosen;
}

// One folder for all fixtures of this run, removed at exit.
const test::TempDir& fixture_root() {
  static test::TempDir root;
  return root;
}

// The folder of a fixture generated with `args` (cached); "" when python3 cannot run it.
std::string fixture(const std::string& args, bool numpy = false) {
  static std::map<std::string, std::string> cache;
  const std::string key = args + (numpy ? " --numpy" : "");
  const auto found = cache.find(key);
  if (found != cache.end()) return found->second;
  const std::string interpreter = python(numpy);
  if (interpreter.empty()) return cache[key] = "";
  const std::string dir = fixture_root().file("fx" + std::to_string(cache.size()));
  const std::string command = interpreter + " '" + NHB2_SOURCE_DIR +
                              "/tests/fixtures/make_official_fixture.py' --out '" + dir + "' " +
                              key + " >/dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  return cache[key] = dir;
}

#define REQUIRE_FIXTURE(dir)                                          \
  if ((dir).empty()) {                                                \
    WARN("python3 (with numpy if needed) is not available: skipped"); \
    return;                                                           \
  }

struct Expected {
  std::map<std::string, std::string> meta;
  std::map<std::string, std::string> hash;  // cellcode -> text
  struct Query {
    std::string cellcode, lr, batch_size, mode;
    int epoch = 12, iepoch = 0, seed = 0;
    double accuracy = 0;
    std::string accuracy_text, cost_text;
    bool has_cost = false;
    double cost = 0;
  };
  std::vector<Query> queries;
};

Expected read_expected(const std::string& dir) {
  Expected expected;
  std::ifstream in(dir + "/expected.tsv");
  REQUIRE(in);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream split(line);
    std::string field;
    while (std::getline(split, field, '\t')) f.push_back(field);
    if (f[0] == "meta") {
      expected.meta[f[1]] = f[2];
    } else if (f[0] == "hash") {
      expected.hash[f[1]] = f[2];
    } else {
      REQUIRE(f.size() == 10);
      Expected::Query q;
      q.cellcode = f[1];
      q.lr = f[2];
      q.batch_size = f[3];
      q.epoch = std::stoi(f[4]);
      q.mode = f[5];
      q.iepoch = f[6] == "-" ? 0 : std::stoi(f[6]);
      q.seed = f[7] == "-" ? 0 : std::stoi(f[7]);
      q.accuracy_text = f[8];
      q.accuracy = std::strtod(f[8].c_str(), nullptr);
      q.has_cost = f[9] != "None";
      q.cost_text = f[9];
      if (q.has_cost) q.cost = std::strtod(f[9].c_str(), nullptr);
      expected.queries.push_back(q);
    }
  }
  REQUIRE(!expected.queries.empty());
  return expected;
}

Config config_of(const Expected::Query& q) {
  return Config::make(parse_cellcode(q.cellcode), parse_lr(q.lr), parse_batch_size(q.batch_size));
}

// Every expected answer, through Session::query, plus results().final_accs.
void check_answers(const Benchmark& benchmark, const Expected& expected) {
  int checked = 0;
  for (const auto& q : expected.queries) {
    INFO(q.cellcode << " lr " << q.lr << " bs " << q.batch_size << " epoch " << q.epoch << " "
                    << q.mode << " iepoch " << q.iepoch << " seed " << q.seed);
    SessionOptions options;
    if (q.seed) options.seed = q.seed;
    Session session(benchmark, options);
    QueryOptions query;
    query.epoch = q.epoch;
    query.mode = parse_mode(q.mode);
    query.iepoch = q.iepoch;
    const QueryResult result = session.query(config_of(q), query);
    CHECK(result.accuracy == q.accuracy);
    CHECK(result.cost.has_value() == q.has_cost);
    if (q.has_cost && result.cost) CHECK(*result.cost == q.cost);
    ++checked;
  }
  CHECK(checked == static_cast<int>(expected.queries.size()));
  // final_accs: the incumbent's test accuracy at 12 epochs (session seed) and at 200 epochs.
  std::map<std::string, double> by_key;
  for (const auto& q : expected.queries) {
    by_key[q.cellcode + " " + q.lr + " " + q.batch_size + " " + std::to_string(q.epoch) + " " +
           q.mode + " " + std::to_string(q.iepoch) + " " + std::to_string(q.seed)] = q.accuracy;
  }
  for (const auto& q : expected.queries) {
    if (q.epoch != 12 || q.mode != "test" || q.iepoch != 12) continue;
    SessionOptions options;
    options.seed = q.seed;
    Session session(benchmark, options);
    session.query(config_of(q));
    const Results results = session.results();
    REQUIRE(results.final_accs.size() == 2);
    CHECK(results.final_accs[0] == q.accuracy);
    CHECK(results.final_accs[1] ==
          by_key.at(q.cellcode + " " + q.lr + " " + q.batch_size + " 200 test 0 0"));
  }
}

void check_hashes(const Table& table, const Expected& expected) {
  for (const auto& [cellcode, text] : expected.hash) {
    CHECK(table.cell_hash()[parse_cellcode(cellcode).index()] == text);
  }
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// A copy of a fixture with one file changed by a Python snippet (`data` is the loaded pickle;
// with `numpy`, numpy is imported as np); "" when no interpreter can run it.
std::string mutated(const std::string& base, const std::string& file, const std::string& code,
                    bool numpy = false) {
  if (python(numpy).empty()) return "";
  static int counter = 0;
  const std::string dir = fixture_root().file("bad" + std::to_string(counter++));
  fs::create_directories(dir);
  for (const char* name : {"bench12.pkl", "cellinfo.pkl", "avgaccs200.pkl"}) {
    fs::copy_file(base + "/" + name, dir + "/" + name);
  }
  const std::string script = dir + "/mutate.py";
  write_bytes(script, std::string(numpy ? "import numpy as np\n" : "") +
                          "import pickle, sys\npath = sys.argv[1]\ndata = pickle.load(open(path, "
                          "'rb'))\n" +
                          code + "\npickle.dump(data, open(path, 'wb'), protocol=4)\n");
  const std::string command = python(numpy) + " '" + script + "' '" + dir + "/" + file + "'";
  REQUIRE(std::system(command.c_str()) == 0);
  fs::remove(script);
  return dir;
}

// The import fails in the library and in the CLI (exit 2, no output file), naming `what`.
void check_refused(const std::string& dir, const std::vector<std::string>& what) {
  try {
    import_official(dir);
    FAIL("import_official accepted bad data in " << dir);
  } catch (const DataError& e) {
    INFO(e.what());
    for (const auto& text : what) CHECK(std::string(e.what()).find(text) != std::string::npos);
  }
  const std::string out = fixture_root().file("refused.nhb2");
  const auto result = test::run_cli("import '" + dir + "' --out '" + out + "'");
  CHECK(result.exit_code == 2);
  CHECK(result.err.rfind("nhb2: error: ", 0) == 0);
  for (const auto& text : what) CHECK(result.err.find(text) != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  if (fs::exists(dir)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      CHECK(entry.path().extension() != ".nhb2");
      CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);
    }
  }
}

const char* const kSmallBase = "--classes 7 --protocol 4 --hash-type str";

}  // namespace

TEST_CASE("The canonical-size fixture imports with the canonical classes and exact answers",
          "[import]") {
  const std::string dir = fixture("--size small --protocol 4 --hash-type str");
  REQUIRE_FIXTURE(dir);
  const Expected expected = read_expected(dir);
  ImportReport report;
  std::vector<std::string> stages;
  ImportOptions options;
  options.progress = [&](const std::string& stage, double fraction) {
    CHECK(fraction >= 0.0);
    CHECK(fraction <= 1.0);
    if (stages.empty() || stages.back() != stage) stages.push_back(stage);
  };
  Table table = import_official(dir, options, &report);
  CHECK(report.warnings.empty());
  CHECK(report.extra_columns.empty());
  CHECK(stages.size() >= 4);
  CHECK(table.num_classes() == kNumCellClasses);
  CHECK(table.seeds() == std::vector<int>{222, 555, 888});
  CHECK(table.source().kind == "official");
  CHECK(table.source().description == "official (imported from " + dir + ")");
  const CellClasses& canonical = CellClasses::get();
  int differing = 0;
  for (int cell = 0; cell < kNumCells; ++cell) {
    differing += table.class_of_cell()[cell] != canonical.class_of(cell);
  }
  CHECK(differing == 0);
  check_hashes(table, expected);
  check_answers(Benchmark(std::move(table)), expected);
}

TEST_CASE("nhb2 import writes a .nhb2 file that nhb2 query answers from exactly", "[import]") {
  const std::string dir = fixture("--size small --protocol 4 --hash-type str");
  REQUIRE_FIXTURE(dir);
  const Expected expected = read_expected(dir);
  const std::string out = fixture_root().file("canonical.nhb2");
  const auto imported = test::run_cli("import '" + dir + "' --out '" + out + "'");
  REQUIRE(imported.exit_code == 0);
  CHECK(imported.out.find("classes: 1011, seeds: 222 555 888") != std::string::npos);
  CHECK(imported.err.find("warning") == std::string::npos);
  const Benchmark benchmark = Benchmark::open(out);
  CHECK(benchmark.source().kind == "official");
  CHECK(imported.out.find("checksum " + benchmark.checksum()) != std::string::npos);

  int checked = 0;
  for (std::size_t i = 0; i < expected.queries.size(); i += 97) {
    const auto& q = expected.queries[i];
    std::string args = "query '" + q.cellcode + "' --lr " + q.lr + " --batch-size " + q.batch_size +
                       " --epoch " + std::to_string(q.epoch) + " --data '" + out + "'";
    if (q.epoch == 12) {
      args += " --mode " + q.mode + " --iepoch " + std::to_string(q.iepoch) + " --seed " +
              std::to_string(q.seed);
    }
    const auto result = test::run_cli(args);
    INFO(args << "\n" << result.out << result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(result.out.find("source:         official") != std::string::npos);
    CHECK(result.out.find("accuracy:       " + nhb2::format_double(q.accuracy)) !=
          std::string::npos);
    if (q.has_cost) {
      CHECK(result.out.find("cost:           " + nhb2::format_double(q.cost) + "\n") !=
            std::string::npos);
    }
    ++checked;
  }
  CHECK(checked >= 5);
}

TEST_CASE("Protocols 2, 4 and 5 with str, int and bytes hashes import the same answers",
          "[import]") {
  for (const char* variant :
       {"--classes 7 --protocol 2 --hash-type int", "--classes 7 --protocol 5 --hash-type bytes",
        "--classes 7 --protocol 4 --hash-type str --key-order shuffled --key-sharing fresh"}) {
    const std::string dir = fixture(variant);
    REQUIRE_FIXTURE(dir);
    INFO(variant);
    const Expected expected = read_expected(dir);
    ImportReport report;
    Table table = import_official(dir, {}, &report);
    CHECK(table.num_classes() == 7);
    check_hashes(table, expected);
    check_answers(Benchmark(std::move(table)), expected);
  }
}

TEST_CASE("numpy scalars in values and keys import like Python numbers", "[import]") {
  for (const char* variant :
       {"--classes 7 --protocol 2 --hash-type bytes", "--classes 7 --protocol 4 --hash-type int",
        "--classes 7 --protocol 5 --hash-type str --key-order shuffled"}) {
    const std::string dir = fixture(variant, true);
    REQUIRE_FIXTURE(dir);
    INFO(variant);
    const Expected expected = read_expected(dir);
    REQUIRE(expected.meta.at("numpy") == "1");
    Table table = import_official(dir);
    check_hashes(table, expected);
    check_answers(Benchmark(std::move(table)), expected);
  }
}

TEST_CASE("numpy-scalar pickles import to the same table as plain-number pickles", "[import]") {
  for (const char* variant : {"--classes 7 --protocol 2 --hash-type str",
                              "--classes 7 --protocol 4 --hash-type bytes --key-order shuffled"}) {
    INFO(variant);
    const std::string plain = fixture(variant);
    const std::string numpy = fixture(variant, true);
    REQUIRE_FIXTURE(plain);
    REQUIRE_FIXTURE(numpy);
    const Table a = import_official(plain);
    const Table b = import_official(numpy);
    REQUIRE(a.columns().size() == b.columns().size());
    for (std::size_t c = 0; c < a.columns().size(); ++c) {
      INFO(a.columns()[c].name);
      CHECK(a.columns()[c].name == b.columns()[c].name);
      // Bit for bit: the numpy float64 bytes are the Python float's.
      CHECK(std::memcmp(a.columns()[c].values.data(), b.columns()[c].values.data(),
                        a.columns()[c].values.size() * sizeof(double)) == 0);
    }
    CHECK(a.class_of_cell() == b.class_of_cell());
    CHECK(a.checksum() == b.checksum());
  }
}

TEST_CASE("The same data under a different hash type gives the same values", "[import]") {
  const std::string as_str = fixture("--classes 7 --protocol 4 --hash-type str");
  const std::string as_int = fixture("--classes 7 --protocol 2 --hash-type int");
  REQUIRE_FIXTURE(as_str);
  REQUIRE_FIXTURE(as_int);
  const Table a = import_official(as_str);
  const Table b = import_official(as_int);
  CHECK(a.class_of_cell() == b.class_of_cell());
  CHECK(a.find(columns::kValidAcc)->values == b.find(columns::kValidAcc)->values);
  CHECK(a.find(columns::kAvgAcc200)->values == b.find(columns::kAvgAcc200)->values);
  CHECK(a.cell_hash() != b.cell_hash());
}

TEST_CASE("A grouping that is not the canonical one is imported with a warning", "[import]") {
  const std::string dir = fixture(kSmallBase);
  REQUIRE_FIXTURE(dir);
  ImportReport report;
  const Table table = import_official(dir, {}, &report);
  REQUIRE(report.warnings.size() == 1);
  CHECK(report.warnings[0].find("cellinfo.pkl: the grouping differs from the canonical rule: ") !=
        std::string::npos);
  CHECK(report.warnings[0].find(" and ") != std::string::npos);
  // Classes are ordered by their smallest canonical class: the group of 0|00|000 comes first.
  CHECK(table.class_of_cell()[0] == 0);
  const auto result = test::run_cli("import '" + dir + "' --out '" + dir + "/x.nhb2'");
  CHECK(result.exit_code == 0);
  CHECK(result.err.find("nhb2: warning: ") != std::string::npos);
  CHECK(fs::exists(dir + "/x.nhb2"));
  fs::remove(dir + "/x.nhb2");
}

TEST_CASE("Extra loss and per-run columns are kept", "[import]") {
  // The full size would be slow; a small fixture with the same extra columns.
  const std::string base = fixture(kSmallBase);
  REQUIRE_FIXTURE(base);
  const std::string dir = mutated(base, "bench12.pkl",
                                  "keys = list(data['lr'])\n"
                                  "for i in range(12):\n"
                                  "    data[f'train_loss_{i}'] = {k: 0.5 + i for k in keys}\n"
                                  "data['num_params'] = {k: 123456 for k in keys}\n"
                                  "data['partial_0'] = {k: 1.5 for k in keys}\n");
  ImportReport report;
  const Table table = import_official(dir, {}, &report);
  CHECK(report.extra_columns == std::vector<std::string>{"train_loss", "num_params", "partial_0"});
  REQUIRE(table.find("train_loss"));
  CHECK(table.find("train_loss")->kind == ColumnKind::per_epoch);
  CHECK(table.find("train_loss")->values[table.epoch_row(3, 5, 1, 7)] == 7.5);
  CHECK(table.find("num_params")->kind == ColumnKind::per_run);
  CHECK(table.find("num_params")->values[table.run_row(6, 47, 2)] == 123456.0);
  CHECK(table.find("partial_0")->kind == ColumnKind::per_run);
}

TEST_CASE("Bad official data is refused naming the file, column and key", "[import]") {
  const std::string base = fixture(kSmallBase);
  REQUIRE_FIXTURE(base);
  SECTION("a list instead of the dict of columns") {
    check_refused(mutated(base, "bench12.pkl", "data = [1, 2]"),
                  {"bench12.pkl: expected a dict of columns, found a list"});
  }
  SECTION("a missing column") {
    check_refused(mutated(base, "bench12.pkl", "del data['valid_acc_3']"),
                  {"bench12.pkl: missing column 'valid_acc_3'"});
  }
  SECTION("a key missing in one column") {
    check_refused(mutated(base, "bench12.pkl", "del data['test_time_11'][list(data['lr'])[5]]"),
                  {"bench12.pkl: column 'test_time_11' lacks 1 of the 1008", "e.g. ('"});
  }
  SECTION("a cellcode missing from cellinfo") {
    check_refused(mutated(base, "cellinfo.pkl", "del data['hash']['2|10|033']"),
                  {"cellinfo.pkl: 'hash' lacks 1 of the 4096 cellcodes, e.g. 2|10|033"});
  }
  SECTION("a NaN value") {
    check_refused(mutated(base, "bench12.pkl",
                          "k = list(data['lr'])[9]\ndata['train_acc_4'][k] = float('nan')"),
                  {"bench12.pkl: column 'train_acc_4': the value for key ('", "is nan"});
  }
  SECTION("a numpy bool where a number is required") {
    const std::string dir =
        mutated(base, "bench12.pkl",
                "k = list(data['lr'])[3]\ndata['valid_acc_2'][k] = np.bool_(True)", true);
    if (dir.empty()) return;
    check_refused(dir, {"bench12.pkl: column 'valid_acc_2': the value for key ('",
                        "is a boolean True; expected a number"});
  }
  SECTION("a numpy complex number") {
    const std::string dir =
        mutated(base, "bench12.pkl",
                "k = list(data['lr'])[3]\ndata['valid_acc_2'][k] = np.complex128(1)", true);
    if (dir.empty()) return;
    check_refused(dir, {"bench12.pkl: unsupported numpy dtype 'c16'"});
  }
  SECTION("a numpy float32 lr off the float64 grid") {
    const std::string dir = mutated(base, "bench12.pkl",
                                    "k = list(data['lr'])[0]\n"
                                    "for c in data.values():\n"
                                    "    c[(k[0], np.float32(k[1]), k[2], k[3])] = c.pop(k)\n",
                                    true);
    if (dir.empty()) return;
    check_refused(dir, {"bench12.pkl: column 'lr': key (", "is not on the grid"});
  }
  SECTION("a config missing from avg_acc") {
    check_refused(mutated(base, "avgaccs200.pkl", "del data['avg_acc'][list(data['avg_acc'])[0]]"),
                  {"avgaccs200.pkl: 'avg_acc' lacks 1 of the 336"});
  }
  SECTION("an lr off the grid") {
    check_refused(mutated(base, "bench12.pkl",
                          "k = list(data['lr'])[0]\n"
                          "for c in data.values():\n"
                          "    c[(k[0], 0.3, k[2], k[3])] = c.pop(k)\n"),
                  {"bench12.pkl: column 'lr': key (", "lr 0.3 is not on the grid"});
  }
  SECTION("a truncated bench12.pkl") {
    const std::string dir = mutated(base, "cellinfo.pkl", "");
    const std::string path = dir + "/bench12.pkl";
    const auto size = fs::file_size(path);
    fs::resize_file(path, size / 2);
    check_refused(dir, {"bench12.pkl: truncated"});
  }
  SECTION("a hostile pickle calling os.system") {
    const std::string dir = mutated(base, "cellinfo.pkl", "");
    static const char kSystem[] =
        "\x80\x02"
        "cos\nsystem\n"
        "X\x05\x00\x00\x00touch\x85R.";
    write_bytes(dir + "/cellinfo.pkl", std::string(kSystem, sizeof kSystem - 1));
    check_refused(dir, {"cellinfo.pkl: refused global 'os.system'"});
  }
  SECTION("a hostile pickle calling builtins.eval") {
    const std::string dir = mutated(base, "cellinfo.pkl", "");
    static const char kEval[] =
        "\x80\x04\x8c\x08"
        "builtins\x8c\x04"
        "eval\x93\x8c\x01"
        "1\x85R.";
    write_bytes(dir + "/bench12.pkl", std::string(kEval, sizeof kEval - 1));
    check_refused(dir, {"bench12.pkl: refused global 'builtins.eval'"});
  }
  SECTION("an empty directory") {
    const std::string dir = fixture_root().file("empty");
    fs::create_directories(dir);
    check_refused(dir, {"bench12.pkl: missing"});
  }
  SECTION("a directory that does not exist") {
    check_refused(fixture_root().file("no-such-dir"), {"no-such-dir: not a directory"});
  }
}
