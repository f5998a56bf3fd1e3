// gp_bo's per-ask cost with 200 observations (target: ≤ 50 ms), through the public Optimizer API.
//
// BM_GpBoAskWithRefit: reset, tell 200 full-fidelity observations of the synthetic benchmark
// (untimed), then one timed ask(), which re-fits the hyperparameters (200 new observations) and
// scores the candidates: the worst case.
// BM_GpBoAskSteadyState: after the 200 tells and a first ask, every iteration tells the previous
// trial (untimed) and times the next ask(); a hyperparameter re-fit every `refit_every` (5) asks,
// so this is the cost a run pays on average.

#include <nhb2/algorithms/gp_bo.hpp>
#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/rng.hpp>
#include <nhb2/core/search_space.hpp>

#include <benchmark/benchmark.h>

namespace {

constexpr int kObservations = 200;

const nhb2::Benchmark& synthetic_benchmark() {
  static const nhb2::Benchmark benchmark = nhb2::Benchmark::synthetic(nhb2::kDefaultSyntheticSeed);
  return benchmark;
}

nhb2::Observation observe(const nhb2::Trial& trial) {
  const nhb2::Benchmark& b = synthetic_benchmark();
  return {b.accuracy(trial.config, nhb2::Mode::valid, 12, 0),
          b.cost(trial.config, nhb2::Mode::valid, 12, 0)};
}

// Resets gp_bo and tells it kObservations uniformly sampled configs.
void prime(nhb2::GpBo& gp_bo, std::uint64_t seed) {
  const nhb2::SearchSpace space;
  gp_bo.reset(space, nhb2::make_rng(seed));
  nhb2::Rng sampler = nhb2::make_rng(seed + 1000);
  for (int i = 0; i < kObservations; ++i) {
    const nhb2::Trial trial{space.sample(sampler), nhb2::kMaxEpochs,
                            static_cast<std::uint64_t>(1'000'000 + i)};
    gp_bo.tell(trial, observe(trial));
  }
}

void BM_GpBoAskWithRefit(benchmark::State& state) {
  nhb2::GpBo gp_bo;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    state.PauseTiming();
    prime(gp_bo, seed++);
    state.ResumeTiming();
    benchmark::DoNotOptimize(gp_bo.ask());
  }
}
BENCHMARK(BM_GpBoAskWithRefit)->Unit(benchmark::kMillisecond);

void BM_GpBoAskSteadyState(benchmark::State& state) {
  nhb2::GpBo gp_bo;
  prime(gp_bo, 1);
  nhb2::Trial trial = gp_bo.ask();
  for (auto _ : state) {
    state.PauseTiming();
    gp_bo.tell(trial, observe(trial));
    state.ResumeTiming();
    trial = gp_bo.ask();
    benchmark::DoNotOptimize(trial);
  }
}
BENCHMARK(BM_GpBoAskSteadyState)->Unit(benchmark::kMillisecond)->Iterations(50);

}  // namespace

BENCHMARK_MAIN();
