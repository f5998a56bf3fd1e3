#include <nhb2/algorithms/parego.hpp>

#include <nhb2/core/error.hpp>
#include "bo_candidates.hpp"
#include "gp_bo/encoding.hpp"
#include "gp_bo/gp.hpp"
#include "gp_bo/hyperparameter_fit.hpp"
#include "gp_bo/incremental_gp.hpp"

#include "option_checks.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

namespace nhb2 {

namespace {

constexpr int kNumTopConfigs = 5;     // whose neighbours and mutations join the candidates
constexpr int kNumMutations = 50;     // double mutations of the top configs per ask
// The likelihood is maximised on at most this many training points, as in gp_bo.
constexpr int kMaxHyperparameterFitPoints = 100;
constexpr int kMaxLatticeSteps = 1000;

// Hyperparameters of one lattice weight and when they were fitted.
struct WeightFit {
  gp_bo::GpHyperparameters hyperparameters;
  bool fitted = false;
  int observations_at_fit = 0;
};

}  // namespace

struct Parego::State {
  SearchSpace space;
  Rng rng;
  Rng weight_rng;  // the λ draws only
  std::uint64_t next_id = 0;
  // Every 12-epoch observation, in tell order, with its GP features (kNumFeatures each).
  std::vector<MoMember> members;
  std::vector<double> features;
  ProposedConfigs proposed;  // evaluated and pending configs
  std::vector<int> weight_indices;
  std::vector<WeightFit> fits;  // one per lattice index
  gp_bo::GpHyperparameters last_fit;
  bool any_fitted = false;
  gp_bo::IncrementalGp gp;
  Eigen::Matrix<double, Eigen::Dynamic, gp_bo::kNumFeatures, Eigen::RowMajor> candidate_rows;

  const double* features_of(int observation) const {
    return features.data() + static_cast<std::size_t>(observation) * gp_bo::kNumFeatures;
  }

  bool seen(const Config& config) const { return proposed.seen(config); }
  Config fresh_sample() { return proposed.fresh_sample(space, rng); }

  // The observations with at most `limit` of them: everything, or the best half under the
  // scalarised values (ranked best first) plus the most recent of the rest; in tell order.
  std::vector<int> training_set(const std::vector<int>& ranked, int limit) const {
    const int n = static_cast<int>(members.size());
    std::vector<int> chosen;
    if (n <= limit) {
      chosen.resize(n);
      std::iota(chosen.begin(), chosen.end(), 0);
      return chosen;
    }
    std::vector<char> taken(n, 0);
    for (int i = 0; i < limit / 2; ++i) taken[ranked[i]] = 1;
    int count = limit / 2;
    for (int i = n - 1; i >= 0 && count < limit; --i) {
      if (!taken[i]) {
        taken[i] = 1;
        ++count;
      }
    }
    for (int i = 0; i < n; ++i) {
      if (taken[i]) chosen.push_back(i);
    }
    return chosen;
  }

  Eigen::MatrixXd training_features(const std::vector<int>& chosen) const {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(chosen.size()), gp_bo::kNumFeatures);
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      x.row(static_cast<Eigen::Index>(i)) =
          Eigen::Map<const Eigen::RowVectorXd>(features_of(chosen[i]), gp_bo::kNumFeatures);
    }
    return x;
  }
};

Parego::Parego(ParegoOptions options) : options_(options), state_(std::make_unique<State>()) {
  namespace check = option_checks;
  check::integer_in("parego", "n_initial", options_.n_initial, 1, 100000);
  check::integer_in("parego", "n_candidates", options_.n_candidates, 1, 1000000);
  check::integer_in("parego", "lattice_steps", options_.lattice_steps, 1, kMaxLatticeSteps);
  check::real_in("parego", "rho", options_.rho, 0.0, 1.0);
  if (options_.kernel != gp_bo::KernelType::matern52 && options_.kernel != gp_bo::KernelType::rbf) {
    check::refuse("parego", "kernel", std::to_string(static_cast<int>(options_.kernel)),
                  "matern52 or rbf");
  }
  check::real_in("parego", "xi", options_.xi, 0.0, 10.0);
  check::integer_in("parego", "refit_every", options_.refit_every, 1, 100000);
  check::real_in("parego", "refit_growth", options_.refit_growth, 0.0, 10.0);
  check::integer_in("parego", "max_observations", options_.max_observations, 10, 100000);
}

Parego::~Parego() = default;
Parego::Parego(Parego&&) noexcept = default;
Parego& Parego::operator=(Parego&&) noexcept = default;

const std::vector<MoMember>& Parego::members() const {
  return state_->members;
}

const std::vector<int>& Parego::weight_indices() const {
  return state_->weight_indices;
}

Parego::Weights Parego::lattice_weights(int index, int steps) {
  assert(steps >= 1 && index >= 0 && index <= steps);
  return {static_cast<double>(index) / steps, static_cast<double>(steps - index) / steps};
}

std::vector<Parego::Normalised> Parego::normalise(const std::vector<MoMember>& members) {
  std::vector<Normalised> result;
  if (members.empty()) return result;
  double min_acc = members[0].valid_acc, max_acc = members[0].valid_acc;
  double min_value = members[0].value, max_value = members[0].value;
  for (const MoMember& member : members) {
    min_acc = std::min(min_acc, member.valid_acc);
    max_acc = std::max(max_acc, member.valid_acc);
    min_value = std::min(min_value, member.value);
    max_value = std::max(max_value, member.value);
  }
  const double acc_range = max_acc - min_acc;
  const double value_range = max_value - min_value;
  result.reserve(members.size());
  for (const MoMember& member : members) {
    result.push_back({acc_range > 0.0 ? (max_acc - member.valid_acc) / acc_range : 0.0,
                      value_range > 0.0 ? (member.value - min_value) / value_range : 0.0});
  }
  return result;
}

double Parego::tchebycheff(const Normalised& losses, const Weights& weights, double rho) {
  const double first = weights[0] * losses[0];
  const double second = weights[1] * losses[1];
  return std::max(first, second) + rho * (first + second);
}

std::vector<double> Parego::scalarise(const std::vector<MoMember>& members, const Weights& weights,
                                      double rho) {
  std::vector<double> values;
  values.reserve(members.size());
  for (const Normalised& losses : normalise(members)) {
    values.push_back(tchebycheff(losses, weights, rho));
  }
  return values;
}

void Parego::reset(const SearchSpace& space, Rng rng) {
  state_ = std::make_unique<State>();
  state_->space = space;
  state_->weight_rng = make_rng(rng());
  state_->rng = rng;
  state_->fits.assign(static_cast<std::size_t>(options_.lattice_steps) + 1, WeightFit{});
}

Trial Parego::ask() {
  State& s = *state_;
  Trial trial{Config{}, kMaxEpochs, s.next_id++};
  // As gp_bo: the initial design counts every trial asked or told.
  if (static_cast<int>(s.members.size() + s.proposed.pending.size()) < options_.n_initial ||
      s.members.size() < 2) {
    trial.config = s.fresh_sample();
  } else {
    trial.config = propose();
  }
  s.proposed.pending.emplace(trial.id, trial.config);
  return trial;
}

Config Parego::propose() {
  State& s = *state_;
  const int steps = options_.lattice_steps;
  const int weight_index = uniform_index(s.weight_rng, steps + 1);
  s.weight_indices.push_back(weight_index);
  const std::vector<double> scalarised =
      scalarise(s.members, lattice_weights(weight_index, steps), options_.rho);
  const int n = static_cast<int>(s.members.size());
  // Best (smallest f_λ) first; ties: earlier first.
  std::vector<int> ranked(n);
  std::iota(ranked.begin(), ranked.end(), 0);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [&](int a, int b) { return scalarised[a] < scalarised[b]; });
  auto targets_of = [&](const std::vector<int>& chosen) {
    std::vector<double> y(chosen.size());
    for (std::size_t i = 0; i < chosen.size(); ++i) y[i] = -scalarised[chosen[i]];
    return y;
  };

  WeightFit& fit = s.fits[static_cast<std::size_t>(weight_index)];
  const int refit_interval =
      std::max(options_.refit_every,
               static_cast<int>(std::ceil(options_.refit_growth * fit.observations_at_fit)));
  if (!fit.fitted || n - fit.observations_at_fit >= refit_interval) {
    const std::vector<int> fit_set =
        s.training_set(ranked, std::min(options_.max_observations, kMaxHyperparameterFitPoints));
    const std::vector<double> y = targets_of(fit_set);
    const gp_bo::GpHyperparameters start =
        fit.fitted     ? fit.hyperparameters
        : s.any_fitted ? s.last_fit
                       : gp_bo::GpHyperparameters::defaults(options_.kernel, gp_bo::kNumFeatures);
    fit.hyperparameters = gp_bo::fit_hyperparameters(
                              s.training_features(fit_set),
                              Eigen::Map<const Eigen::VectorXd>(y.data(), y.size()), start, s.rng)
                              .hyperparameters;
    fit.fitted = true;
    fit.observations_at_fit = n;
    s.last_fit = fit.hyperparameters;
    s.any_fitted = true;
  }

  // The targets change with λ, so the factor is rebuilt for every ask.
  const std::vector<int> chosen = s.training_set(ranked, options_.max_observations);
  const Eigen::MatrixXd x = s.training_features(chosen);
  const std::vector<double> y = targets_of(chosen);
  if (!s.gp.rebuild(x, y, fit.hyperparameters) &&
      !s.gp.rebuild(x, y,
                    gp_bo::GpHyperparameters::defaults(options_.kernel, gp_bo::kNumFeatures))) {
    return s.fresh_sample();
  }
  gp_bo::IncrementalGp& gp = s.gp;
  gp.prepare();
  // Kriging believer, as gp_bo: pending trials shrink the variance where they are.
  for (const auto& entry : s.proposed.pending) {
    double point[gp_bo::kNumFeatures];
    gp_bo::encode(entry.second, point);
    gp.add_fantasy(point);
  }

  std::vector<Config> top;
  for (int index : ranked) {
    if (static_cast<int>(top.size()) == kNumTopConfigs) break;
    const Config& config = s.members[index].config;
    if (std::find(top.begin(), top.end(), config) == top.end()) top.push_back(config);
  }
  const std::vector<Config> candidates =
      bo_candidates(s.space, s.rng, options_.n_candidates, top, kNumMutations,
                    [&s](const Config& config) { return s.seen(config); });
  if (candidates.empty()) return s.fresh_sample();
  const Eigen::Index m = static_cast<Eigen::Index>(candidates.size());
  s.candidate_rows.resize(m, gp_bo::kNumFeatures);
  for (Eigen::Index i = 0; i < m; ++i) {
    gp_bo::encode(candidates[static_cast<std::size_t>(i)], s.candidate_rows.row(i).data());
  }
  const double best = gp.to_standardised(gp.max_target());
  return candidates[static_cast<std::size_t>(
      gp.argmax_expected_improvement(s.candidate_rows, best, options_.xi))];
}

void Parego::tell(const Trial& trial, const Observation& observation) {
  State& s = *state_;
  s.proposed.pending.erase(trial.id);
  if (trial.epochs != kMaxEpochs) return;  // parego models full-fidelity results only
  s.members.push_back(mo_member(trial, observation));
  s.features.resize(s.features.size() + gp_bo::kNumFeatures);
  gp_bo::encode(trial.config, s.features.data() + s.features.size() - gp_bo::kNumFeatures);
  s.proposed.evaluated[static_cast<std::size_t>(trial.config.index())] = 1;
}

OptimizerInfo Parego::info() {
  std::vector<ParamSpec> params = {
      ParamSpec::integer("n_initial", 10, 1, 100000,
                         "uniform random trials before the GP takes over"),
      ParamSpec::integer("n_candidates", 500, 1, 1000000,
                         "uniform random candidates scored by expected improvement per ask "
                         "(plus neighbours and mutations of the 5 best under the ask's "
                         "scalarisation)"),
      ParamSpec::integer("lattice_steps", 10, 1, kMaxLatticeSteps,
                         "s: weights are drawn uniformly from (l/s, 1 - l/s), l = 0..s"),
      ParamSpec::real("rho", 0.05, 0.0, 1.0,
                      "augmented Tchebycheff term: max_j w_j f_j + rho * sum_j w_j f_j"),
      ParamSpec::choice("kernel", "matern52", {"matern52", "rbf"},
                        "GP covariance function (ARD over one-hot ops and log lr / log bs)"),
      ParamSpec::real("xi", 0.01, 0.0, 10.0,
                      "expected-improvement margin, in standard deviations of the scalarised "
                      "values"),
      ParamSpec::integer("refit_every", 5, 1, 100000,
                         "re-fit a weight's GP hyperparameters after at least this many new "
                         "observations"),
      ParamSpec::real("refit_growth", 0.1, 0.0, 10.0,
                      "... and after at least this fraction of the observations at its last "
                      "re-fit (0: every refit_every)"),
      ParamSpec::integer("max_observations", 200, 10, 100000,
                         "cap on the GP's training set (the best half under the scalarisation "
                         "plus the most recent)"),
  };
  return OptimizerInfo{
      "parego",
      "ParEGO: random augmented-Tchebycheff scalarisations, each maximised by gp_bo's GP and "
      "expected improvement (Knowles 2006); 12 epochs per trial",
      std::move(params), [](const ParamValues& values) {
        ParegoOptions options;
        options.n_initial = static_cast<int>(values.get_int("n_initial"));
        options.n_candidates = static_cast<int>(values.get_int("n_candidates"));
        options.lattice_steps = static_cast<int>(values.get_int("lattice_steps"));
        options.rho = values.get_real("rho");
        options.kernel = gp_bo::parse_kernel(values.get_choice("kernel"));
        options.xi = values.get_real("xi");
        options.refit_every = static_cast<int>(values.get_int("refit_every"));
        options.refit_growth = values.get_real("refit_growth");
        options.max_observations = static_cast<int>(values.get_int("max_observations"));
        return std::make_unique<Parego>(options);
      }};
}

}  // namespace nhb2
