// Speed of the multi-objective pieces: the exact Pareto front of all 196,608 configurations
// (objective table + front + hypervolume, what `nhb2 pareto` times) and the 2-D hypervolume of
// n points. Run: build/perf/pareto_benchmark (see docs/performance.md).

#include <nhb2/benchmark_api/objective_table.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/pareto.hpp>
#include <nhb2/core/rng.hpp>

#include <benchmark/benchmark.h>

using namespace nhb2;

namespace {

const Benchmark& synthetic_benchmark() {
  static const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  return benchmark;
}

// Objective table and exact front of the whole table, for objective 0 cost, 1 params, 2 flops.
void BM_ExactFront(benchmark::State& state) {
  const ObjectiveKind kinds[] = {ObjectiveKind::cost, ObjectiveKind::params, ObjectiveKind::flops};
  ObjectivePair pair;
  pair.minimised = kinds[state.range(0)];
  pair.reference_value = default_reference(pair.minimised);
  for (auto _ : state) {
    const ObjectiveTable table = objective_table(synthetic_benchmark(), pair, 0);
    const ExactFront front = exact_front(synthetic_benchmark(), table);
    benchmark::DoNotOptimize(front.hypervolume);
  }
}
BENCHMARK(BM_ExactFront)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// hypervolume_2d of n random points (a front of about log n of them): O(n log n).
void BM_Hypervolume2d(benchmark::State& state) {
  Rng rng = make_rng(1);
  std::vector<Point2> points(static_cast<std::size_t>(state.range(0)));
  for (Point2& p : points)
    p = {uniform_index(rng, 1 << 20) * 1.0, uniform_index(rng, 1 << 20) * 1.0};
  for (auto _ : state) benchmark::DoNotOptimize(hypervolume_2d(points, {1 << 20, 1 << 20}));
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_Hypervolume2d)->RangeMultiplier(8)->Range(1 << 9, 1 << 18)->Complexity();

// hypervolume_2d of n mutually non-dominated points (the whole set is the front).
void BM_Hypervolume2dFront(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::vector<Point2> points;
  for (int i = 0; i < n; ++i) points.push_back({1.0 * i, 1.0 * (n - i)});
  for (auto _ : state) benchmark::DoNotOptimize(hypervolume_2d(points, {n + 1.0, n + 1.0}));
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_Hypervolume2dFront)->RangeMultiplier(8)->Range(1 << 9, 1 << 18)->Complexity();

}  // namespace

BENCHMARK_MAIN();
