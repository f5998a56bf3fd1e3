// Speed of the oracle: queries, generating the synthetic table and opening a .nhb2 file (whole
// optimizer runs: optimizers_benchmark.cpp). Run: build/perf/benchmark_api_benchmark (see
// docs/performance.md).

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/nhb2_file.hpp>
#include <nhb2/benchmark_api/session.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/rng.hpp>
#include <nhb2/core/search_space.hpp>

#include <benchmark/benchmark.h>

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

using namespace nhb2;

namespace {

const Benchmark& synthetic_benchmark() {
  static const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  return benchmark;
}

std::vector<Config> random_configs(std::size_t n) {
  Rng rng = make_rng(12345);
  const SearchSpace space;
  std::vector<Config> configs;
  for (std::size_t i = 0; i < n; ++i) configs.push_back(space.sample(rng));
  return configs;
}

// One logged epoch-12 valid query through a Session (the log is cleared every 2^16 queries so
// memory stays bounded; the clearing is amortised into the figure).
void BM_SessionQueryValid12(benchmark::State& state) {
  const auto configs = random_configs(1 << 16);
  Session session(synthetic_benchmark());
  std::size_t i = 0;
  for (auto _ : state) {
    const QueryResult result = session.query(configs[i]);
    benchmark::DoNotOptimize(result);
    if (++i == configs.size()) {
      i = 0;
      session.reset();
    }
  }
}
BENCHMARK(BM_SessionQueryValid12);

// The same on a table generated in memory (huge-page backed) instead of one mapped from the
// cache file: the difference is the cost of the mapping's pages for random look-ups.
void BM_SessionQueryValid12InMemory(benchmark::State& state) {
  static const Benchmark in_memory = Benchmark::generate_synthetic(kDefaultSyntheticSeed);
  const auto configs = random_configs(1 << 16);
  Session session(in_memory);
  std::size_t i = 0;
  for (auto _ : state) {
    const QueryResult result = session.query(configs[i]);
    benchmark::DoNotOptimize(result);
    if (++i == configs.size()) {
      i = 0;
      session.reset();
    }
  }
}
BENCHMARK(BM_SessionQueryValid12InMemory);

// The same look-up without a session: accuracy and cost only.
void BM_BenchmarkLookup(benchmark::State& state) {
  const auto configs = random_configs(1 << 16);
  const Benchmark& benchmark = synthetic_benchmark();
  std::size_t i = 0;
  for (auto _ : state) {
    const Config& config = configs[i];
    benchmark::DoNotOptimize(benchmark.accuracy(config, Mode::valid, 12, 0));
    benchmark::DoNotOptimize(benchmark.cost(config, Mode::valid, 12, 0));
    i = (i + 1) & (configs.size() - 1);
  }
}
BENCHMARK(BM_BenchmarkLookup);

// A partial-fidelity test query: the cost is a sum over 3 × iepoch per-epoch times.
void BM_SessionQueryTestIepoch6(benchmark::State& state) {
  const auto configs = random_configs(1 << 16);
  Session session(synthetic_benchmark());
  QueryOptions options;
  options.mode = Mode::test;
  options.iepoch = 6;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(session.query(configs[i], options));
    if (++i == configs.size()) {
      i = 0;
      session.reset();
    }
  }
}
BENCHMARK(BM_SessionQueryTestIepoch6);

void BM_GenerateSyntheticTable(benchmark::State& state) {
  for (auto _ : state) {
    Table table = make_synthetic_table(kDefaultSyntheticSeed);
    benchmark::DoNotOptimize(table.columns().data());
  }
}
BENCHMARK(BM_GenerateSyntheticTable)->Unit(benchmark::kMillisecond);

// Opening a full-size .nhb2 file (map, verify the file checksum, validate), warm page cache. The
// table checksum is not part of it (Benchmark computes it on first use).
void BM_OpenNhb2File(benchmark::State& state) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("nhb2-perf-" + std::to_string(::getpid()) + ".nhb2"))
                               .string();
  write_nhb2(synthetic_benchmark().table(), path);
  state.counters["file_MB"] = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  for (auto _ : state) {
    Benchmark opened = Benchmark::open(path);
    benchmark::DoNotOptimize(opened.table().columns().data());
  }
  std::filesystem::remove(path);
}
BENCHMARK(BM_OpenNhb2File)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
