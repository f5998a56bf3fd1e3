#include <nhb2/algorithms/hpo_then_nas.hpp>

#include <nhb2/algorithms/random_search.hpp>
#include <nhb2/algorithms/regularized_evolution.hpp>
#include <nhb2/core/error.hpp>

#include <string>

#include "option_checks.hpp"

namespace nhb2 {

HpoThenNas::HpoThenNas(HpoThenNasOptions options) : options_(options) {
  namespace check = option_checks;
  const std::string name =
      options_.method == HpoMethod::random_search ? "rs_then_rea" : "bohb_then_rea";
  if (options_.method != HpoMethod::random_search && options_.method != HpoMethod::bohb) {
    check::refuse("hpo_then_nas", "method", std::to_string(static_cast<int>(options_.method)),
                  "random_search or bohb");
  }
  check::real_positive(name, "hpo_budget", options_.hpo_budget);
  check::integer_at_least(name, "hpo_iterations", options_.hpo_iterations, 1);
  check::integer_at_least(name, "num_samples", options_.num_samples, 1);
  check::integer_at_least(name, "min_points_in_model", options_.min_points_in_model, 0);
  // Stage 2's REA checks population_size and sample_size (ConfigError naming them); say whose.
  try {
    RegularizedEvolution stage2_check(options_.population_size, options_.sample_size);
  } catch (const ConfigError& error) {
    throw ConfigError(name + " stage 2: " + error.what());
  }
}

void HpoThenNas::reset(const SearchSpace& space, Rng rng) {
  space_ = space;
  rng_ = rng;
  stage_ = 1;
  stage1_cost_ = 0.0;
  stage1_best_.reset();
  stage1_best_acc_ = 0.0;
  pending_.clear();
  next_id_ = 0;
  stage2_.reset();

  cell_config_ = space_.sample(rng_);
  SearchSpace hpo_space = space_;
  for (int dim = 0; dim < kNumEdges; ++dim) hpo_space.fix(dim, cell_config_.values[dim]);
  if (options_.method == HpoMethod::random_search) {
    stage1_ = std::make_unique<RandomSearch>();
  } else {
    BohbOptions bohb;
    bohb.n_iterations = options_.hpo_iterations;
    bohb.num_samples = options_.num_samples;
    bohb.min_points_in_model = options_.min_points_in_model;
    stage1_ = std::make_unique<Bohb>(bohb);
  }
  // Each stage gets its own stream, derived from this run's.
  stage1_->reset(hpo_space, Rng(rng_()));
}

bool HpoThenNas::stage1_done() const {
  if (!stage1_best_) return false;  // never leave stage 1 without an lr/bs to fix
  if (options_.method == HpoMethod::random_search) return stage1_cost_ >= options_.hpo_budget;
  return stage1_->finished();
}

void HpoThenNas::start_stage2() {
  SearchSpace nas_space = space_;
  nas_space.fix(kLrDim, stage1_best_->lr_index());
  nas_space.fix(kBatchSizeDim, stage1_best_->bs_index());
  stage2_ = std::make_unique<RegularizedEvolution>(options_.population_size, options_.sample_size);
  stage2_->reset(nas_space, Rng(rng_()));
  stage_ = 2;
}

Trial HpoThenNas::ask() {
  if (stage_ == 1 && stage1_done()) start_stage2();
  Optimizer& inner = stage_ == 1 ? *stage1_ : *stage2_;
  const Trial inner_trial = inner.ask();
  const std::uint64_t id = next_id_++;
  pending_.emplace(id, Inner{stage_, inner_trial});
  return Trial{inner_trial.config, inner_trial.epochs, id};
}

void HpoThenNas::tell(const Trial& trial, const Observation& observation) {
  const auto it = pending_.find(trial.id);
  if (it == pending_.end()) return;
  const Inner inner = it->second;
  pending_.erase(it);
  if (inner.stage == 1) {
    stage1_cost_ += observation.cost_seconds;
    if (!stage1_best_ || stage1_best_acc_ < observation.valid_acc) {
      stage1_best_ = inner.trial.config;
      stage1_best_acc_ = observation.valid_acc;
    }
    stage1_->tell(inner.trial, observation);
  } else {
    stage2_->tell(inner.trial, observation);
  }
}

namespace {

// The stage-2 REA parameters, declared once for both two-stage optimizers: `stage1` followed by
// them.
std::vector<ParamSpec> with_rea_stage(std::vector<ParamSpec> stage1) {
  const HpoThenNasOptions d;
  stage1.push_back(ParamSpec::integer("population_size", d.population_size, 2, 100000,
                                      "REA members kept alive in stage 2"));
  stage1.push_back(ParamSpec::integer("sample_size", d.sample_size, 1, 100000,
                                      "REA tournament size in stage 2 (<= population_size)"));
  return stage1;
}

void read_rea_stage(const ParamValues& values, HpoThenNasOptions& o) {
  o.population_size = static_cast<int>(values.get_int("population_size"));
  o.sample_size = static_cast<int>(values.get_int("sample_size"));
}

}  // namespace

OptimizerInfo HpoThenNas::rs_then_rea_info() {
  const HpoThenNasOptions d;
  return OptimizerInfo{
      "rs_then_rea",
      "random cell; random search over lr/bs for hpo_budget s; then REA over the edges",
      with_rea_stage({ParamSpec::real("hpo_budget", d.hpo_budget, 1.0, 1e9,
                                      "seconds of stage-1 random search over lr and batch size")}),
      [](const ParamValues& values) {
        HpoThenNasOptions o;
        o.method = HpoMethod::random_search;
        o.hpo_budget = values.get_real("hpo_budget");
        read_rea_stage(values, o);
        return std::make_unique<HpoThenNas>(o);
      }};
}

OptimizerInfo HpoThenNas::bohb_then_rea_info() {
  const HpoThenNasOptions d;
  return OptimizerInfo{
      "bohb_then_rea",
      "random cell; BOHB over lr/bs for hpo_iterations iterations; then REA over the edges",
      with_rea_stage(
          {ParamSpec::integer("hpo_iterations", d.hpo_iterations, 1, 1000000,
                              "Hyperband iterations of stage-1 BOHB over lr and batch size"),
           ParamSpec::integer("num_samples", d.num_samples, 1, 100000,
                              "stage-1 BOHB candidates per model-based config (reference: 5)"),
           ParamSpec::integer("min_points_in_model", d.min_points_in_model, 0, 100000,
                              "stage-1 BOHB observations before a model (reference: 4)")}),
      [](const ParamValues& values) {
        HpoThenNasOptions o;
        o.method = HpoMethod::bohb;
        o.hpo_iterations = static_cast<int>(values.get_int("hpo_iterations"));
        o.num_samples = static_cast<int>(values.get_int("num_samples"));
        o.min_points_in_model = static_cast<int>(values.get_int("min_points_in_model"));
        read_rea_stage(values, o);
        return std::make_unique<HpoThenNas>(o);
      }};
}

}  // namespace nhb2
