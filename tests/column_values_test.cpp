// Column storage (benchmark_api/column_values.hpp): owned values behave like std::vector<double>;
// a table read from a .nhb2 file views the mapped file, is never written through, and outlives
// the file's replacement or removal.

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/column_values.hpp>
#include <nhb2/benchmark_api/nhb2_file.hpp>
#include <nhb2/benchmark_api/table.hpp>
#include <nhb2/core/canonical.hpp>

#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace nhb2;
using nhb2::test::TempDir;

namespace {

// A valid small table (2 classes, one seed) whose values are all distinct.
Table make_table(double offset) {
  Table table(2, {222});
  for (int cell = 0; cell < kNumCells; ++cell) {
    table.class_of_cell()[cell] = static_cast<std::int16_t>(cell % 2);
    table.cell_hash()[cell] = "h" + std::to_string(cell % 2);
  }
  double value = offset;
  for (auto& column : table.columns()) {
    for (double& v : column.values) v = (value += 0.5);
  }
  return table;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("owned column values behave like a vector of doubles", "[column_values]") {
  ColumnValues values(5, 1.5);
  CHECK(values.size() == 5);
  CHECK_FALSE(values.is_view());
  values[2] = 7.0;
  ColumnValues copy = values;  // a deep copy
  copy[0] = -1.0;
  CHECK(values[0] == 1.5);
  CHECK(copy[2] == 7.0);
  CHECK(copy != values);
  copy[0] = 1.5;
  CHECK(copy == values);
  values.resize(7);
  CHECK(values.size() == 7);
  CHECK(std::vector<double>(values.begin(), values.end()) ==
        std::vector<double>{1.5, 1.5, 7.0, 1.5, 1.5, 0.0, 0.0});
  values.resize(2);
  CHECK(std::vector<double>(values.begin(), values.end()) == std::vector<double>{1.5, 1.5});
  ColumnValues moved = std::move(values);
  CHECK(moved.size() == 2);
  CHECK(ColumnValues().empty());
  CHECK(ColumnValues().data() == nullptr);
}

TEST_CASE("a view is read in place and copied before its first write", "[column_values]") {
  auto source = std::make_shared<std::vector<double>>(std::vector<double>{1.0, 2.0, 3.0});
  const ColumnValues view = ColumnValues::view(source->data(), source->size(), source);
  CHECK(view.is_view());
  CHECK(view.data() == source->data());
  CHECK(view[1] == 2.0);

  ColumnValues shared = view;  // copying a view shares it
  CHECK(shared.is_view());
  CHECK(static_cast<const ColumnValues&>(shared).data() == source->data());

  ColumnValues written = view;
  written[1] = 20.0;  // the first write copies
  CHECK_FALSE(written.is_view());
  CHECK(written.data() != source->data());
  CHECK((*source)[1] == 2.0);
  CHECK(view[1] == 2.0);
  CHECK(written[1] == 20.0);
  CHECK(written[2] == 3.0);

  std::weak_ptr<std::vector<double>> alive = source;
  source.reset();
  CHECK_FALSE(alive.expired());  // the views keep their owner alive
  CHECK(view[2] == 3.0);
}

TEST_CASE("a table read from a file views the mapped file and never writes it",
          "[column_values][nhb2_file]") {
  TempDir dir;
  const std::string path = dir.file("t.nhb2");
  const Table written = make_table(0.0);
  write_nhb2(written, path);
  const std::string bytes_before = file_bytes(path);

  Table read = read_nhb2(path);
  for (std::size_t i = 0; i < read.columns().size(); ++i) {
    const Column& column = static_cast<const Table&>(read).columns()[i];
    CHECK(column.values.is_view());
    CHECK(reinterpret_cast<std::uintptr_t>(column.values.data()) % alignof(double) == 0);
    CHECK(column.values == written.columns()[i].values);
  }
  CHECK(read.checksum() == written.checksum());

  // Writing into the table copies that column only; the file keeps its bytes.
  read.columns()[0].values[3] = -42.0;
  CHECK_FALSE(read.columns()[0].values.is_view());
  CHECK(static_cast<const Table&>(read).columns()[1].values.is_view());
  CHECK(file_bytes(path) == bytes_before);
  CHECK(read_nhb2(path).checksum() == written.checksum());
}

TEST_CASE("a table read from a file outlives the file's replacement and removal",
          "[column_values][nhb2_file]") {
  TempDir dir;
  const std::string path = dir.file("t.nhb2");
  write_nhb2(make_table(0.0), path);
  const Benchmark opened = Benchmark::open(path);
  const std::string checksum = make_table(0.0).checksum();

  write_nhb2(make_table(1000.0), path);  // atomic: renamed over the mapped file
  CHECK(opened.checksum() == checksum);
  CHECK(read_nhb2(path).checksum() == make_table(1000.0).checksum());
  REQUIRE(std::remove(path.c_str()) == 0);
  const Benchmark copy = opened;
  CHECK(copy.table().columns()[0].values[0] == 0.5);
  CHECK(copy.checksum() == checksum);
}

TEST_CASE("the benchmark's table checksum is computed once, on demand, and shared by copies",
          "[column_values]") {
  const Table table = make_table(0.0);
  const std::string expected = table.checksum();
  const Benchmark benchmark{Table(table)};
  const Benchmark copy = benchmark;
  std::string from_thread;
  std::thread other([&] { from_thread = copy.checksum(); });
  const std::string& first = benchmark.checksum();
  other.join();
  CHECK(first == expected);
  CHECK(from_thread == expected);
  CHECK(&copy.checksum() == &benchmark.checksum());
}

TEST_CASE("a mapped file truncated by another process never yields wrong values",
          "[column_values][nhb2_file]") {
  TempDir dir;
  const std::string path = dir.file("t.nhb2");
  const Table written = make_table(0.0);
  write_nhb2(written, path);
  const ColumnValues& last_column = written.columns().back().values;
  const double expected = last_column[last_column.size() - 1];

  // In a child process: open, let "another process" cut the file to its first half, read the
  // last value. The documented outcome is SIGBUS (under a sanitizer, whose handler may keep the
  // signal, its report and an abort or a non-zero exit); returning a wrong value (exit 3) is what
  // must never happen.
  std::fflush(nullptr);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;  // not the test framework's handler: the child just dies
    ::sigaction(SIGBUS, &fallback, nullptr);
    ::sigaction(SIGABRT, &fallback, nullptr);
    const Table read = read_nhb2(path);
    if (::truncate(path.c_str(), static_cast<off_t>(std::filesystem::file_size(path) / 2)) != 0) {
      ::_exit(4);
    }
    const ColumnValues& values = read.columns().back().values;
    const volatile double value = values[values.size() - 1];
    ::_exit(value == expected ? 0 : 3);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  const bool wrong_value = WIFEXITED(status) && WEXITSTATUS(status) == 3;
  CHECK_FALSE(wrong_value);
  CHECK_FALSE((WIFEXITED(status) && WEXITSTATUS(status) == 4));
  CHECK(((WIFSIGNALED(status) && (WTERMSIG(status) == SIGBUS || WTERMSIG(status) == SIGABRT)) ||
         (WIFEXITED(status) && WEXITSTATUS(status) != 0)));
}
