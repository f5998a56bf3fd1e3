#include <nhb2/algorithms/gp_bo.hpp>

#include <nhb2/core/error.hpp>
#include "gp_bo/acquisition.hpp"
#include "gp_bo/encoding.hpp"
#include "gp_bo/gp.hpp"
#include "gp_bo/hyperparameter_fit.hpp"
#include "gp_bo/incremental_gp.hpp"

#include "bo_candidates.hpp"
#include "option_checks.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

namespace nhb2 {

namespace {

constexpr int kNumTopConfigs = 5;     // whose neighbours and mutations join the candidates
constexpr int kNumMutations = 50;     // double mutations of the top configs per ask
// The likelihood is maximised on at most this many observations (chosen like the training set):
// its cost grows as n³ per step, and 100 points pin the hyperparameters down well enough.
constexpr int kMaxHyperparameterFitPoints = 100;
// More training-set changes than this fraction of its size are cheaper as one refactorisation.
constexpr int kMaxIncrementalChangesDivisor = 8;

// The first fit searches from the defaults (25 Adam steps and two restarts of 10: 45 likelihood
// evaluations); later refits start from the previous optimum, which a few more observations move
// little, so fewer steps and one shorter restart do (16 evaluations).
gp_bo::HyperparameterFitOptions refit_options() {
  gp_bo::HyperparameterFitOptions options;
  options.iterations = 10;
  options.restarts = 1;
  options.restart_iterations = 5;
  return options;
}

Eigen::MatrixXd encode_rows(const std::vector<Config>& configs) {
  // Row-major scratch so encode() can write one point contiguously.
  Eigen::Matrix<double, Eigen::Dynamic, gp_bo::kNumFeatures, Eigen::RowMajor> rows(
      static_cast<Eigen::Index>(configs.size()), gp_bo::kNumFeatures);
  for (std::size_t i = 0; i < configs.size(); ++i) {
    gp_bo::encode(configs[i], rows.row(static_cast<Eigen::Index>(i)).data());
  }
  return rows;
}

}  // namespace

struct GpBo::State {
  SearchSpace space;
  Rng rng;
  std::uint64_t next_id = 0;
  // Every observation, in tell order, with its GP features (kNumFeatures per observation).
  std::vector<Config> configs;
  std::vector<double> valid_accs;
  std::vector<double> features;
  ProposedConfigs proposed;  // evaluated and pending configs
  gp_bo::GpHyperparameters hyperparameters;
  bool hyperparameters_fitted = false;
  int tells_since_refit = 0;
  int observations_at_refit = 0;
  // The GP over training_set(): members_[i] is the observation index of its i-th point; valid
  // while gp_valid (cleared when the hyperparameters change).
  gp_bo::IncrementalGp gp;
  std::vector<int> members;
  bool gp_valid = false;
  // Per-ask workspaces.
  std::vector<char> marks;
  Eigen::Matrix<double, Eigen::Dynamic, gp_bo::kNumFeatures, Eigen::RowMajor> candidate_rows;

  const double* features_of(int observation) const {
    return features.data() + static_cast<std::size_t>(observation) * gp_bo::kNumFeatures;
  }

  bool rebuild_gp(const std::vector<int>& chosen) {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(chosen.size()), gp_bo::kNumFeatures);
    std::vector<double> y(chosen.size());
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      x.row(static_cast<Eigen::Index>(i)) =
          Eigen::Map<const Eigen::RowVectorXd>(features_of(chosen[i]), gp_bo::kNumFeatures);
      y[i] = valid_accs[chosen[i]];
    }
    members = chosen;
    gp_valid = gp.rebuild(x, y, hyperparameters);
    return gp_valid;
  }

  // Brings the GP to the training set `chosen`: by removing and appending points when few
  // changed since the last ask (O(n²) each), else by one refactorisation.
  bool sync_gp(const std::vector<int>& chosen) {
    if (!gp_valid) return rebuild_gp(chosen);
    marks.assign(configs.size(), 0);
    for (int index : chosen) marks[index] = 1;
    int changes = 0;
    for (int index : members) {
      if (marks[index]) {
        marks[index] = 2;  // already in
      } else {
        ++changes;
      }
    }
    for (int index : chosen) changes += marks[index] == 1 ? 1 : 0;
    const int limit = std::max(1, static_cast<int>(chosen.size()) / kMaxIncrementalChangesDivisor);
    if (changes > limit) return rebuild_gp(chosen);
    for (int position = static_cast<int>(members.size()) - 1; position >= 0; --position) {
      if (marks[members[position]] != 2) {
        gp.remove(position);
        members.erase(members.begin() + position);
      }
    }
    for (int index : chosen) {
      if (marks[index] != 1) continue;
      if (!gp.append(features_of(index), valid_accs[index])) return rebuild_gp(chosen);
      members.push_back(index);
    }
    return true;
  }

  bool seen(const Config& config) const { return proposed.seen(config); }
  Config fresh_sample() { return proposed.fresh_sample(space, rng); }

  // Observation indices sorted best first (ties: earlier first).
  std::vector<int> ranking() const {
    std::vector<int> order(configs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [this](int a, int b) { return valid_accs[a] > valid_accs[b]; });
    return order;
  }

  // The GP's training set: everything, or the best half plus the most recent of the rest.
  std::vector<int> training_set(int max_observations) const {
    const int n = static_cast<int>(configs.size());
    std::vector<int> chosen;
    if (n <= max_observations) {
      chosen.resize(n);
      std::iota(chosen.begin(), chosen.end(), 0);
      return chosen;
    }
    const std::vector<int> order = ranking();
    std::vector<char> taken(n, 0);
    for (int i = 0; i < max_observations / 2; ++i) taken[order[i]] = 1;
    int count = max_observations / 2;
    for (int i = n - 1; i >= 0 && count < max_observations; --i) {
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

  // Features and valid accuracies of training_set(max_observations).
  void training_data(int max_observations, Eigen::MatrixXd& x, Eigen::VectorXd& y) const {
    const std::vector<int> chosen = training_set(max_observations);
    std::vector<Config> chosen_configs;
    y.resize(static_cast<Eigen::Index>(chosen.size()));
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      chosen_configs.push_back(configs[chosen[i]]);
      y[static_cast<Eigen::Index>(i)] = valid_accs[chosen[i]];
    }
    x = encode_rows(chosen_configs);
  }

  // The candidate set (bo_candidates.hpp) around the 5 best distinct observed configs.
  std::vector<Config> candidates(int n_candidates) {
    std::vector<Config> top;
    for (int index : ranking()) {
      if (static_cast<int>(top.size()) == kNumTopConfigs) break;
      if (std::find(top.begin(), top.end(), configs[index]) == top.end()) {
        top.push_back(configs[index]);
      }
    }
    return bo_candidates(space, rng, n_candidates, top, kNumMutations,
                         [this](const Config& config) { return seen(config); });
  }
};

GpBo::GpBo(GpBoOptions options) : options_(options), state_(std::make_unique<State>()) {
  namespace check = option_checks;
  check::integer_in("gp_bo", "n_initial", options_.n_initial, 1, 100000);
  check::integer_in("gp_bo", "n_candidates", options_.n_candidates, 1, 1000000);
  if (options_.kernel != gp_bo::KernelType::matern52 && options_.kernel != gp_bo::KernelType::rbf) {
    check::refuse("gp_bo", "kernel", std::to_string(static_cast<int>(options_.kernel)),
                  "matern52 or rbf");
  }
  check::real_in("gp_bo", "xi", options_.xi, 0.0, 10.0);
  check::integer_in("gp_bo", "refit_every", options_.refit_every, 1, 100000);
  check::real_in("gp_bo", "refit_growth", options_.refit_growth, 0.0, 10.0);
  check::integer_in("gp_bo", "max_observations", options_.max_observations, 10, 100000);
}

GpBo::~GpBo() = default;
GpBo::GpBo(GpBo&&) noexcept = default;
GpBo& GpBo::operator=(GpBo&&) noexcept = default;

void GpBo::reset(const SearchSpace& space, Rng rng) {
  state_ = std::make_unique<State>();
  state_->space = space;
  state_->rng = rng;
  state_->hyperparameters =
      gp_bo::GpHyperparameters::defaults(options_.kernel, gp_bo::kNumFeatures);
  // The training set grows to max_observations (one more while a point is swapped in): its
  // storage at once, up to a size whose n × n matrices stay small (8 MB each at 1024).
  constexpr int kMaxExpectedPoints = 1024;
  state_->gp.expect_points(std::min(options_.max_observations, kMaxExpectedPoints) + 1);
}

Trial GpBo::ask() {
  State& s = *state_;
  Trial trial{Config{}, kMaxEpochs, s.next_id++};
  // The initial design counts every trial asked or told, so observations told before any ask
  // (a warm start) count too.
  if (static_cast<int>(s.configs.size() + s.proposed.pending.size()) < options_.n_initial ||
      s.configs.size() < 2) {
    trial.config = s.fresh_sample();
  } else {
    trial.config = propose();
  }
  s.proposed.pending.emplace(trial.id, trial.config);
  return trial;
}

Config GpBo::propose() {
  State& s = *state_;
  const int refit_interval =
      std::max(options_.refit_every,
               static_cast<int>(std::ceil(options_.refit_growth * s.observations_at_refit)));
  if (!s.hyperparameters_fitted || s.tells_since_refit >= refit_interval) {
    Eigen::MatrixXd x;
    Eigen::VectorXd y;
    s.training_data(std::min(options_.max_observations, kMaxHyperparameterFitPoints), x, y);
    s.hyperparameters =
        gp_bo::fit_hyperparameters(
            x, y, s.hyperparameters, s.rng,
            s.hyperparameters_fitted ? refit_options() : gp_bo::HyperparameterFitOptions{})
            .hyperparameters;
    s.hyperparameters_fitted = true;
    s.tells_since_refit = 0;
    s.observations_at_refit = static_cast<int>(s.configs.size());
    s.gp_valid = false;
  }
  const std::vector<int> chosen = s.training_set(options_.max_observations);
  if (!s.sync_gp(chosen)) {
    s.hyperparameters = gp_bo::GpHyperparameters::defaults(options_.kernel, gp_bo::kNumFeatures);
    if (!s.sync_gp(chosen)) return s.fresh_sample();
  }
  gp_bo::IncrementalGp& gp = s.gp;
  gp.prepare();
  // Kriging believer: each pending trial counts as observed at its posterior mean, which leaves
  // the mean unchanged and shrinks the variance there, steering this ask away from them.
  for (const auto& entry : s.proposed.pending) {
    double point[gp_bo::kNumFeatures];
    gp_bo::encode(entry.second, point);
    gp.add_fantasy(point);
  }

  const std::vector<Config> candidates = s.candidates(options_.n_candidates);
  if (candidates.empty()) return s.fresh_sample();
  const Eigen::Index m = static_cast<Eigen::Index>(candidates.size());
  s.candidate_rows.resize(m, gp_bo::kNumFeatures);
  for (Eigen::Index i = 0; i < m; ++i) {
    gp_bo::encode(candidates[static_cast<std::size_t>(i)], s.candidate_rows.row(i).data());
  }
  const double best = gp.to_standardised(gp.max_target());
  const Eigen::Index chosen_index =
      gp.argmax_expected_improvement(s.candidate_rows, best, options_.xi);
  return candidates[static_cast<std::size_t>(chosen_index)];
}

void GpBo::tell(const Trial& trial, const Observation& observation) {
  State& s = *state_;
  s.proposed.pending.erase(trial.id);
  if (trial.epochs != kMaxEpochs) return;  // gp_bo models full-fidelity results only
  s.configs.push_back(trial.config);
  s.valid_accs.push_back(observation.valid_acc);
  s.features.resize(s.features.size() + gp_bo::kNumFeatures);
  gp_bo::encode(trial.config, s.features.data() + s.features.size() - gp_bo::kNumFeatures);
  s.proposed.evaluated[static_cast<std::size_t>(trial.config.index())] = 1;
  ++s.tells_since_refit;
}

OptimizerInfo GpBo::info() {
  const GpBoOptions defaults;
  std::vector<ParamSpec> params = {
      ParamSpec::integer("n_initial", defaults.n_initial, 1, 100000,
                         "uniform random trials before the GP takes over"),
      ParamSpec::integer("n_candidates", defaults.n_candidates, 1, 1000000,
                         "uniform random candidates scored by expected improvement per ask "
                         "(plus neighbours and mutations of the 5 best configs)"),
      ParamSpec::choice("kernel", gp_bo::kernel_name(defaults.kernel), {"matern52", "rbf"},
                        "GP covariance function (ARD over one-hot ops and log lr / log bs)"),
      ParamSpec::real("xi", defaults.xi, 0.0, 10.0,
                      "expected-improvement margin, in standard deviations of the observed "
                      "accuracies"),
      ParamSpec::integer("refit_every", defaults.refit_every, 1, 100000,
                         "re-fit the GP hyperparameters (max. marginal likelihood) after at least "
                         "this many new observations"),
      ParamSpec::real("refit_growth", defaults.refit_growth, 0.0, 10.0,
                      "... and after at least this fraction of the observations at the last "
                      "re-fit (0: every refit_every)"),
      ParamSpec::integer("max_observations", defaults.max_observations, 10, 100000,
                         "cap on the GP's training set (the best half plus the most recent)"),
  };
  return OptimizerInfo{
      "gp_bo",
      "Gaussian-process BO: ARD Matern/RBF kernel, marginal-likelihood hyperparameters, "
      "expected improvement; 12 epochs per trial",
      std::move(params), [](const ParamValues& values) {
        GpBoOptions options;
        options.n_initial = static_cast<int>(values.get_int("n_initial"));
        options.n_candidates = static_cast<int>(values.get_int("n_candidates"));
        options.kernel = gp_bo::parse_kernel(values.get_choice("kernel"));
        options.xi = values.get_real("xi");
        options.refit_every = static_cast<int>(values.get_int("refit_every"));
        options.refit_growth = values.get_real("refit_growth");
        options.max_observations = static_cast<int>(values.get_int("max_observations"));
        return std::make_unique<GpBo>(options);
      }};
}

}  // namespace nhb2
