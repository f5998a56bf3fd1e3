// gp_bo's per-ask cost with 200 and 500 observations (targets at 500: ≤ 10 ms steady state,
// ≤ 40 ms with a refit), through the public Optimizer API. The argument is the number of
// observations.
//
// BM_GpBoFirstAsk: reset, tell N full-fidelity observations of the synthetic benchmark
// (untimed), then one timed ask() of the fresh optimizer: it fits the hyperparameters, allocates
// and factorises the GP from scratch and scores the candidates (a warm start's first ask).
// BM_GpBoAskWithRefit: like the steady state below with refit_every = 1, so every timed ask
// re-fits the hyperparameters and refactorises the GP: the worst ask of a running optimizer.
// BM_GpBoAskSteadyState: after the N tells and a first ask, every iteration tells the previous
// trial (untimed) and times the next ask(); hyperparameter re-fits on the default schedule (at 500
// observations: every 50 asks), so this is the cost a run pays on average.
// BM_GpBoAskBetweenRefits: the same with refits switched off after the first ask: the cost of an
// ask that only updates the Cholesky factor (one point added, one dropped beyond
// max_observations) and scores the candidates.

#include <nhb2/algorithms/gp_bo.hpp>
#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/rng.hpp>
#include <nhb2/core/search_space.hpp>

#include <benchmark/benchmark.h>

namespace {

const nhb2::Benchmark& synthetic_benchmark() {
  static const nhb2::Benchmark benchmark = nhb2::Benchmark::synthetic(nhb2::kDefaultSyntheticSeed);
  return benchmark;
}

nhb2::Observation observe(const nhb2::Trial& trial) {
  const nhb2::Benchmark& b = synthetic_benchmark();
  return {b.accuracy(trial.config, nhb2::Mode::valid, 12, 0),
          b.cost(trial.config, nhb2::Mode::valid, 12, 0)};
}

// Resets gp_bo and tells it `observations` uniformly sampled configs.
void prime(nhb2::GpBo& gp_bo, std::uint64_t seed, int observations) {
  const nhb2::SearchSpace space;
  gp_bo.reset(space, nhb2::make_rng(seed));
  nhb2::Rng sampler = nhb2::make_rng(seed + 1000);
  for (int i = 0; i < observations; ++i) {
    const nhb2::Trial trial{space.sample(sampler), nhb2::kMaxEpochs,
                            static_cast<std::uint64_t>(1'000'000 + i)};
    gp_bo.tell(trial, observe(trial));
  }
}

void steady_state(benchmark::State& state, nhb2::GpBoOptions options) {
  nhb2::GpBo gp_bo(options);
  prime(gp_bo, 1, static_cast<int>(state.range(0)));
  nhb2::Trial trial = gp_bo.ask();
  for (auto _ : state) {
    state.PauseTiming();
    gp_bo.tell(trial, observe(trial));
    state.ResumeTiming();
    trial = gp_bo.ask();
    benchmark::DoNotOptimize(trial);
  }
}

void BM_GpBoFirstAsk(benchmark::State& state) {
  nhb2::GpBo gp_bo;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    state.PauseTiming();
    prime(gp_bo, seed++, static_cast<int>(state.range(0)));
    state.ResumeTiming();
    benchmark::DoNotOptimize(gp_bo.ask());
  }
}
BENCHMARK(BM_GpBoFirstAsk)->Arg(200)->Arg(500)->Unit(benchmark::kMillisecond);

void BM_GpBoAskWithRefit(benchmark::State& state) {
  nhb2::GpBoOptions options;
  options.refit_every = 1;
  options.refit_growth = 0.0;
  steady_state(state, options);
}
BENCHMARK(BM_GpBoAskWithRefit)->Arg(200)->Arg(500)->Unit(benchmark::kMillisecond)->Iterations(30);

void BM_GpBoAskSteadyState(benchmark::State& state) {
  steady_state(state, nhb2::GpBoOptions{});
}
BENCHMARK(BM_GpBoAskSteadyState)->Arg(200)->Arg(500)->Unit(benchmark::kMillisecond)->Iterations(50);

void BM_GpBoAskBetweenRefits(benchmark::State& state) {
  nhb2::GpBoOptions options;
  options.refit_every = 100000;
  steady_state(state, options);
}
BENCHMARK(BM_GpBoAskBetweenRefits)
    ->Arg(200)
    ->Arg(500)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(50);

}  // namespace

BENCHMARK_MAIN();
