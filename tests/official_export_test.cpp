// Export (official_export.hpp): the pickle layout reads back into an identical table, and the CSV
// has one row per (class, lr, batch_size, seed, epoch) with the table's exact values.

#include "test_support.hpp"

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/nhb2_file.hpp>
#include <nhb2/benchmark_api/official_export.hpp>
#include <nhb2/benchmark_api/official_import.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/canonical.hpp>
#include <nhb2/core/error.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <sstream>

using namespace nhb2;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> split(const std::string& line, char separator) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, separator)) fields.push_back(field);
  return fields;
}

std::string shortest(double value) {
  char buffer[32];
  return std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

// A small table with extra columns of all three kinds and hashes that are not canonical.
Table table_with_extras() {
  Table table(3, {7, 11});
  for (int cell = 0; cell < kNumCells; ++cell) {
    table.class_of_cell()[cell] = static_cast<std::int16_t>(cell % 3);
    table.cell_hash()[cell] = "h" + std::to_string(cell % 3);
  }
  table.add_column("train_loss", ColumnKind::per_epoch);
  table.add_column("num_params", ColumnKind::per_run);
  table.add_column("avg_loss_200", ColumnKind::per_config);
  double x = 0.1;
  for (auto& column : table.columns()) {
    for (auto& value : column.values) value = (x = x * 1.000003 + 0.7);
  }
  return table;
}

}  // namespace

TEST_CASE("Synthetic data round-trips through the pickle layout with an identical checksum",
          "[export]") {
  test::TempDir dir;
  const Table original = make_synthetic_table(3);
  write_pickle_layout(original, dir.path());
  for (const char* name : {"bench12.pkl", "cellinfo.pkl", "avgaccs200.pkl"}) {
    CHECK(fs::exists(dir.file(name)));
  }
  const Table imported = import_official(dir.path());
  CHECK(imported.checksum() == original.checksum());
  CHECK(imported.source().kind == "official");
  // Key tuples are memoised: ~14 bytes per entry (a memo get and a float), not ~40.
  const std::size_t entries = original.num_rows(ColumnKind::per_run) * (3 + 6 * 12 + 3);
  CHECK(fs::file_size(dir.file("bench12.pkl")) < entries * 15);
}

TEST_CASE("Extra columns and other seeds round-trip through the pickle layout", "[export]") {
  test::TempDir dir;
  const Table original = table_with_extras();
  write_pickle_layout(original, dir.path());
  ImportReport report;
  const Table imported = import_official(dir.path(), {}, &report);
  CHECK(imported.checksum() == original.checksum());
  CHECK(report.extra_columns ==
        std::vector<std::string>{"train_loss", "num_params", "avg_loss_200"});
  CHECK_FALSE(report.warnings.empty());  // three hashes are not the canonical grouping
}

TEST_CASE("nhb2 export --format pickle-layout then nhb2 import reproduces the table", "[export]") {
  test::TempDir dir;
  const auto exported = test::run_cli("export --format pickle-layout --synthetic-seed 5 --out '" +
                                      dir.file("pk") + "'");
  REQUIRE(exported.exit_code == 0);
  const auto imported =
      test::run_cli("import '" + dir.file("pk") + "' --out '" + dir.file("x.nhb2") + "'");
  REQUIRE(imported.exit_code == 0);
  CHECK(Benchmark::open(dir.file("x.nhb2")).checksum() == make_synthetic_table(5).checksum());
}

TEST_CASE("The CSV export has one row per class, hp, seed and epoch with exact values",
          "[export]") {
  const Table table = make_synthetic_table(1);
  CHECK(csv_row_count(table) == 1011u * 48 * 3 * 12);
  test::TempDir dir;
  const auto result =
      test::run_cli("export --format csv --out '" + dir.file("t.csv") + "' --synthetic-seed 1");
  REQUIRE(result.exit_code == 0);
  const std::string text = test::read_text(dir.file("t.csv"));
  REQUIRE(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) ==
          1 + csv_row_count(table));
  // Lines 0, 1, 4321 and the last one (splitting 1.7 M lines would dominate the test).
  std::vector<std::string> lines;
  std::size_t begin = 0;
  for (std::size_t index = 0; lines.size() < 3; ++index) {
    const std::size_t end = text.find('\n', begin);
    if (index == 0 || index == 1 || index == 4321) lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  const std::size_t last_begin = text.rfind('\n', text.size() - 2) + 1;
  lines.push_back(text.substr(last_begin, text.size() - 1 - last_begin));
  const CellClasses& canonical = CellClasses::get();
  for (const std::size_t i : {1, 2, 3}) {
    const std::vector<std::string> f = split(lines[i], ',');
    REQUIRE(f.size() == 17);
    const int cell = parse_cellcode(f[0]).index();
    const int c = std::stoi(f[1]);
    CHECK(canonical.representative(c) == cell);
    CHECK(f[2] == table.cell_hash()[cell]);
    const int hp = parse_lr(f[3]) * kNumBatchSizes + parse_batch_size(f[4]);
    const auto& seeds = table.seeds();
    const int s =
        static_cast<int>(std::find(seeds.begin(), seeds.end(), std::stoi(f[5])) - seeds.begin());
    const int e = std::stoi(f[6]) - 1;
    CHECK(f[8] == shortest(table.at(columns::kValidAcc).values[table.epoch_row(c, hp, s, e)]));
    CHECK(f[13] == shortest(table.at(columns::kTotalTrainTime).values[table.run_row(c, hp, s)]));
    CHECK(f[16] == shortest(table.at(columns::kAvgAcc200).values[table.config_row(c, hp)]));
  }
  CHECK(lines[1].rfind("0|00|000,0,", 0) == 0);
  CHECK(split(lines.back(), ',')[6] == "12");
}

TEST_CASE("The per-cellcode CSV has a row block for every cellcode", "[export]") {
  const Table table = table_with_extras();
  CsvOptions options;
  options.per_cellcode = true;
  CHECK(csv_row_count(table, options) == 4096u * 48 * 2 * 12);
  CHECK(csv_header(table).size() == 7 + 7 + 4 + 2);
  std::FILE* file = std::tmpfile();
  REQUIRE(write_csv(table, file, options));
  CHECK(std::ftell(file) > 0);
  std::rewind(file);
  std::size_t newlines = 0;
  char buffer[1 << 16];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) {
    newlines += static_cast<std::size_t>(std::count(buffer, buffer + n, '\n'));
  }
  CHECK(newlines == 1 + csv_row_count(table, options));
  std::fclose(file);
}

TEST_CASE("Export errors leave nothing behind", "[export]") {
  test::TempDir dir;
  CHECK_THROWS_AS(write_pickle_layout(make_synthetic_table(1), dir.file("missing/deeper")),
                  DataError);
  const auto bad_format = test::run_cli("export --format xml");
  CHECK(bad_format.exit_code == 2);
  CHECK(bad_format.err.find("--format 'xml' is unknown; allowed: csv, pickle-layout") !=
        std::string::npos);
  const auto no_out = test::run_cli("export --format pickle-layout");
  CHECK(no_out.exit_code == 2);
  const auto bad_data = test::run_cli("export --format csv --out '" + dir.file("t.csv") +
                                      "' --data '" + dir.file("none.nhb2") + "'");
  CHECK(bad_data.exit_code == 2);
  CHECK_FALSE(fs::exists(dir.file("t.csv")));
  CHECK(fs::is_empty(dir.path()));
}
