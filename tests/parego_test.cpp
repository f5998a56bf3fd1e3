// ParEGO (algorithms/parego.hpp): its selection rule on hand-made cases (normalisation, the
// augmented Tchebycheff scalarisation, the weight lattice drawn from the seed, proposals that
// follow the drawn weight), its options, fidelities, restricted spaces and replayability.

#include <nhb2/algorithms/builtin.hpp>
#include <nhb2/algorithms/parego.hpp>
#include <nhb2/benchmark_api/synthetic.hpp>
#include <nhb2/core/error.hpp>
#include <nhb2/experiments/driver.hpp>
#include <nhb2/experiments/multi_objective.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <vector>

using namespace nhb2;

namespace {

MoMember member(int config_index, double valid_acc, double value) {
  return MoMember{Config::from_index(config_index), valid_acc, value};
}

// a (90 %, 100), b (80 %, 10), c (50 %, 50): accuracy range 40, value range 90.
const std::vector<MoMember>& hand_made() {
  static const std::vector<MoMember> members = {member(0, 90.0, 100.0), member(1, 80.0, 10.0),
                                                member(2, 50.0, 50.0)};
  return members;
}

}  // namespace

TEST_CASE("ParEGO normalises both objectives to losses in [0, 1] by the observed ranges",
          "[parego]") {
  const std::vector<Parego::Normalised> losses = Parego::normalise(hand_made());
  REQUIRE(losses.size() == 3);
  CHECK(losses[0] == Parego::Normalised{0.0, 1.0});
  CHECK(losses[1] == Parego::Normalised{0.25, 0.0});
  CHECK(losses[2][0] == 1.0);
  CHECK(losses[2][1] == Approx(40.0 / 90.0).epsilon(1e-15));
  // An objective without range normalises to 0.
  const std::vector<Parego::Normalised> flat =
      Parego::normalise({member(0, 70.0, 5.0), member(1, 70.0, 9.0)});
  CHECK(flat[0] == Parego::Normalised{0.0, 0.0});
  CHECK(flat[1] == Parego::Normalised{0.0, 1.0});
  CHECK(Parego::normalise({}).empty());
}

TEST_CASE("the augmented Tchebycheff value of hand-made points picks the best per weight",
          "[parego]") {
  const double rho = 0.05;
  // λ = (1/2, 1/2): a max(0, .5) + .05 (.5) = .525; b max(.125, 0) + .05 (.125) = .13125;
  // c max(.5, .2222) + .05 (.7222) = .536111.
  const std::vector<double> half = Parego::scalarise(hand_made(), {0.5, 0.5}, rho);
  CHECK(half[0] == Approx(0.525).epsilon(1e-14));
  CHECK(half[1] == Approx(0.13125).epsilon(1e-14));
  CHECK(half[2] == Approx(0.5 + 0.05 * (0.5 + 20.0 / 90.0)).epsilon(1e-14));
  // Accuracy only: (1 + ρ) f_1, so a (the most accurate) is best.
  const std::vector<double> accuracy = Parego::scalarise(hand_made(), {1.0, 0.0}, rho);
  CHECK(accuracy == std::vector<double>{0.0, 0.25 * 1.05, 1.05});
  // The second objective only: b (the cheapest) is best; c beats a.
  const std::vector<double> value = Parego::scalarise(hand_made(), {0.0, 1.0}, rho);
  CHECK(value[0] == Approx(1.05));
  CHECK(value[1] == 0.0);
  CHECK(value[2] == Approx(40.0 / 90.0 * 1.05).epsilon(1e-14));
  // Without the augmentation, equal max terms tie; ρ > 0 breaks the tie by the sum.
  CHECK(Parego::tchebycheff({0.4, 0.2}, {0.5, 0.5}, 0.0) ==
        Parego::tchebycheff({0.4, 0.4}, {0.5, 0.5}, 0.0));
  CHECK(Parego::tchebycheff({0.4, 0.2}, {0.5, 0.5}, rho) <
        Parego::tchebycheff({0.4, 0.4}, {0.5, 0.5}, rho));
}

TEST_CASE("ParEGO's weights lie on the simplex lattice", "[parego]") {
  CHECK(Parego::lattice_weights(0, 10) == Parego::Weights{0.0, 1.0});
  CHECK(Parego::lattice_weights(10, 10) == Parego::Weights{1.0, 0.0});
  const Parego::Weights w = Parego::lattice_weights(3, 10);
  CHECK(w[0] == 0.3);
  CHECK(w[0] + w[1] == 1.0);
  CHECK(Parego::lattice_weights(1, 4) == Parego::Weights{0.25, 0.75});
}

namespace {

// Asks and tells `asks` trials sequentially with a made-up objective of the lr index.
Parego run_sequentially(ParegoOptions options, std::uint64_t seed, int asks,
                        double (*accuracy)(const Config&), double (*value)(const Config&)) {
  Parego parego(options);
  parego.reset(SearchSpace(), make_rng(seed));
  for (int i = 0; i < asks; ++i) {
    const Trial trial = parego.ask();
    parego.tell(trial, Observation{accuracy(trial.config), 1.0, value(trial.config)});
  }
  return parego;
}

// Accuracy and the second objective both grow with the learning rate: a pure trade-off. The
// cell adds a little so that no two configs tie.
double rising_accuracy(const Config& config) {
  return 10.0 * config.lr_index() + 0.001 * config.cell_index();
}
double rising_value(const Config& config) {
  return 10.0 * config.lr_index() + 0.002 * config.cell_index();
}
double falling_accuracy(const Config& config) {
  return 80.0 - 10.0 * config.lr_index() + 0.001 * config.bs_index();
}

}  // namespace

TEST_CASE("ParEGO draws its weights from the lattice by the seed alone", "[parego]") {
  ParegoOptions options;
  options.n_initial = 3;
  options.n_candidates = 40;
  const int asks = 25;
  const Parego a = run_sequentially(options, 7, asks, rising_accuracy, rising_value);
  const Parego b = run_sequentially(options, 7, asks, falling_accuracy, rising_value);
  REQUIRE(a.weight_indices().size() == static_cast<std::size_t>(asks - 3));
  // Different observations, the same weights: the k-th model-based ask draws l uniformly from
  // 0..s on the stream seeded by the first draw of the run's rng.
  CHECK(a.weight_indices() == b.weight_indices());
  Rng run_rng = make_rng(7);
  Rng weight_rng = make_rng(run_rng());
  std::vector<int> expected;
  for (int k = 0; k < asks - 3; ++k) expected.push_back(uniform_index(weight_rng, 11));
  CHECK(a.weight_indices() == expected);
  CHECK(std::set<int>(expected.begin(), expected.end()).size() > 5);
  const Parego c = run_sequentially(options, 8, asks, rising_accuracy, rising_value);
  CHECK(c.weight_indices() != a.weight_indices());
}

TEST_CASE("ParEGO's proposals follow the drawn weight on a pure trade-off", "[parego]") {
  // With s = 1 the weight is accuracy only (l = 1) or the second objective only (l = 0). Both
  // objectives rise with the learning rate, so the first should propose large learning rates and
  // the second small ones.
  ParegoOptions options;
  options.n_initial = 6;
  options.n_candidates = 100;
  options.lattice_steps = 1;
  const int asks = 46;
  Parego parego(options);
  parego.reset(SearchSpace(), make_rng(3));
  std::set<Config> proposed;
  double lr_sum[2] = {0.0, 0.0};
  int count[2] = {0, 0};
  for (int i = 0; i < asks; ++i) {
    const Trial trial = parego.ask();
    CHECK(proposed.insert(trial.config).second);  // never an evaluated config
    if (i >= options.n_initial) {
      const int l = parego.weight_indices().back();
      lr_sum[l] += trial.config.lr_index();
      ++count[l];
    }
    parego.tell(trial, Observation{rising_accuracy(trial.config), 1.0, rising_value(trial.config)});
  }
  REQUIRE(count[0] >= 10);
  REQUIRE(count[1] >= 10);
  const double mean_lr_accuracy = lr_sum[1] / count[1];
  const double mean_lr_value = lr_sum[0] / count[0];
  INFO("mean lr index: accuracy weight " << mean_lr_accuracy << ", value weight " << mean_lr_value);
  // Learning-rate indices run 0..7 (uniform mean 3.5).
  CHECK(mean_lr_accuracy >= 5.5);
  CHECK(mean_lr_value <= 1.5);
}

TEST_CASE("ParEGO keeps 12-epoch observations and minimises the cost without an objective value",
          "[parego]") {
  Parego parego;
  parego.reset(SearchSpace(), make_rng(1));
  const Trial first = parego.ask();
  CHECK(first.epochs == 12);
  parego.tell(first, Observation{70.0, 123.0});  // objective_value NaN: the cost counts
  parego.tell(Trial{Config::from_index(5), 4, 99}, Observation{60.0, 10.0, 1.0});
  REQUIRE(parego.members().size() == 1);
  CHECK(parego.members()[0].value == 123.0);
  CHECK(parego.members()[0].config == first.config);
}

TEST_CASE("parego declares its parameters and refuses bad ones by name", "[parego]") {
  const OptimizerInfo& info = builtin_optimizers().find("parego");
  std::set<std::string> names;
  for (const ParamSpec& spec : info.params) names.insert(spec.name);
  CHECK(names == std::set<std::string>{"n_initial", "n_candidates", "lattice_steps", "rho",
                                       "kernel", "xi", "refit_every", "refit_growth",
                                       "max_observations"});
  CHECK_NOTHROW(builtin_optimizers().create("parego", {{"lattice_steps", "4"}, {"rho", "0"}}));
  CHECK_THROWS_WITH(builtin_optimizers().create("parego", {{"lattice_steps", "0"}}),
                    Catch::Contains("lattice_steps"));
  ParegoOptions bad;
  bad.lattice_steps = 0;
  CHECK_THROWS_WITH(Parego(bad),
                    "parego: lattice_steps 0 is not allowed; allowed: integer in "
                    "[1, 1000]");
  bad = ParegoOptions{};
  bad.rho = -0.5;
  CHECK_THROWS_WITH(Parego(bad), Catch::Contains("parego: rho -0.5 is not allowed"));
  bad = ParegoOptions{};
  bad.max_observations = 2;
  CHECK_THROWS_AS(Parego(bad), ConfigError);
}

TEST_CASE("parego keeps working in a restricted space and with pending trials", "[parego]") {
  SearchSpace space;
  for (int dim = 0; dim < kNumEdges; ++dim) space.fix(dim, 0);  // lr and bs free: 48 configs
  ParegoOptions options;
  options.n_initial = 3;
  Parego parego(options);
  parego.reset(space, make_rng(9));
  for (int round = 0; round < 15; ++round) {  // more asks than configs: must not break
    std::vector<Trial> batch;
    for (int i = 0; i < 4; ++i) {
      batch.push_back(parego.ask());
      REQUIRE(space.contains(batch.back().config));
    }
    for (auto it = batch.rbegin(); it != batch.rend(); ++it) {
      parego.tell(*it, Observation{static_cast<double>(it->config.hp_index() % 7), 10.0,
                                   static_cast<double>(it->config.lr_index())});
    }
  }
}

TEST_CASE("parego replays the same run from the same seed", "[parego]") {
  static const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  RunSpec spec;
  spec.budget_seconds = 20000.0;
  spec.run_seed = 12;
  spec.objectives.minimised = ObjectiveKind::params;
  auto a = builtin_optimizers().create("parego", {});
  auto b = builtin_optimizers().create("parego", {});
  const RunOutcome first = run_optimizer(benchmark, *a, SearchSpace(), spec);
  const RunOutcome second = run_optimizer(benchmark, *b, SearchSpace(), spec);
  REQUIRE(first.session.num_queries() > 12);  // past the initial design
  CHECK(first.session.key_trans() == second.session.key_trans());
  const RunOutcome third = run_optimizer(benchmark, *a, SearchSpace(), spec);
  CHECK(third.session.key_trans() == first.session.key_trans());
}

TEST_CASE("parego beats MO random search by final hypervolume of accuracy against cost",
          "[parego][statistical]") {
  // docs/multi_objective.md reports 100 paired runs (p ≈ 1e-9); 30 keep the test short.
  static const Benchmark benchmark = Benchmark::synthetic(kDefaultSyntheticSeed);
  ObjectivePair pair;
  pair.minimised = ObjectiveKind::cost;
  pair.reference_value = default_reference(ObjectiveKind::cost);
  const ObjectiveTable table = objective_table(benchmark, pair, 0);
  RunSpec base;
  base.budget_seconds = 20000.0;
  const MoComparison comparison = compare_multi_objective(
      benchmark, builtin_optimizers(), {"mo_random_search", "parego"}, table, 30, 0, base);
  const MoOptimizerSummary& baseline = comparison.optimizers[0];
  const MoOptimizerSummary& parego = comparison.optimizers[1];
  INFO("parego " << parego.mean_hypervolume << " ± " << parego.standard_error << " vs "
                 << baseline.mean_hypervolume << " ± " << baseline.standard_error
                 << ", p = " << parego.against_baseline.p_value);
  CHECK(parego.mean_hypervolume > baseline.mean_hypervolume);
  CHECK(parego.against_baseline.p_value < 0.05);
  CHECK(parego.mean_regret >= 0.0);
}
