// The exact oracle over the whole space, and the space table a sweep writes.
//   ./build/perf/analysis_benchmark

#include <nhb2/benchmark_api/oracle.hpp>
#include <nhb2/experiments/analysis.hpp>
#include <nhb2/experiments/sweep_results.hpp>

#include <benchmark/benchmark.h>

namespace {

const nhb2::Benchmark& bench() {
  static const nhb2::Benchmark b = nhb2::Benchmark::synthetic(1);
  return b;
}

void BM_compute_oracle(benchmark::State& state) {
  bench();
  for (auto _ : state) benchmark::DoNotOptimize(nhb2::compute_oracle(bench()));
}
BENCHMARK(BM_compute_oracle)->Unit(benchmark::kMillisecond);

void BM_make_space_table(benchmark::State& state) {
  nhb2::SweepHeader header;
  header.seed_policy = "fixed";
  header.report_epochs = {12, 200};
  bench();
  for (auto _ : state) benchmark::DoNotOptimize(nhb2::make_space_table(bench(), header));
}
BENCHMARK(BM_make_space_table)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
