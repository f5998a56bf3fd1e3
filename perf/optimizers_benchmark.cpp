// 500 runs of each built-in optimizer at the reference budget (20,000 s), one thread.
// Target: every optimizer except gp_bo together in <= 5 s. Run: build/perf/optimizers_benchmark

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/experiments/driver.hpp>

#include <benchmark/benchmark.h>

using namespace nhb2;

namespace {

const Benchmark& synthetic_benchmark() {
  static const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  return benchmark;
}

void BM_500Runs(benchmark::State& state, const std::string& name) {
  const Benchmark& benchmark = synthetic_benchmark();
  auto optimizer = builtin_optimizers().create(name, {});
  RunSpec spec;
  spec.budget_seconds = 20000.0;
  for (auto _ : state) {
    std::size_t queries = 0;
    for (int run = 0; run < 500; ++run) {
      spec.run_seed = run_seed(0, static_cast<std::uint64_t>(run));
      queries += run_optimizer(benchmark, *optimizer, SearchSpace(), spec).session.num_queries();
    }
    state.counters["queries"] = static_cast<double>(queries);
  }
}

const bool registered = [] {
  for (const auto& name : builtin_optimizers().names()) {
    if (name == "gp_bo") continue;  // measured per ask in gp_bo_benchmark
    benchmark::RegisterBenchmark(("BM_500Runs/" + name).c_str(), BM_500Runs, name)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1)
        ->Repetitions(3);
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
