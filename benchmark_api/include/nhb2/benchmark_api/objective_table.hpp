#pragma once
// ObjectiveKind values of every configuration, the exact Pareto front of the table, and the
// normalised hypervolume of a set of points (core/objectives.hpp defines the objectives).
//
// Values come from one seed of the table (seed_index >= 0) or the mean over the recorded seeds
// (kMeanOverSeeds): valid_acc and test_acc are the 12th-epoch accuracies, cost is
// total_trainval_time, params and FLOPs come from core's model_size of the cellcode (every
// conv edge counts, so equivalent cellcodes can differ in size).

#include <nhb2/benchmark_api/benchmark.hpp>
#include <nhb2/core/objectives.hpp>
#include <nhb2/core/pareto.hpp>

#include <vector>

namespace nhb2 {

constexpr int kMeanOverSeeds = -1;

// One objective of one configuration (valid_acc in %, the others in their units).
double objective_value(const Benchmark& benchmark, ObjectiveKind objective, const Config& config,
                       int seed_index);

// (valid_acc, minimised objective) of all kNumConfigs configurations, by config index.
struct ObjectiveTable {
  ObjectivePair pair;
  int seed_index = 0;  // or kMeanOverSeeds
  std::vector<double> valid_acc;
  std::vector<double> value;
  // The minimisation point (-valid_acc, value) of a configuration.
  Point2 point(int config_index) const {
    return {-valid_acc[static_cast<std::size_t>(config_index)],
            value[static_cast<std::size_t>(config_index)]};
  }
};
ObjectiveTable objective_table(const Benchmark& benchmark, const ObjectivePair& pair,
                               int seed_index);

// Hypervolume of minimisation points (-valid_acc, value) in the pair's box, divided by the
// box's area (100 % - reference accuracy) x (reference value): in [0, 1].
double normalised_hypervolume(const std::vector<Point2>& points, const ObjectivePair& pair);

struct FrontPoint {
  int config_index = 0;  // the lowest config index with these objective values
  double valid_acc = 0.0;
  double value = 0.0;
  double test_acc = 0.0;  // 12-epoch test accuracy, same seed rule (never an objective)
};

struct ExactFront {
  std::vector<FrontPoint> points;  // accuracy ascending, value ascending
  double hypervolume = 0.0;        // normalised
};

// The exact front of all configurations. Throws InvalidArgument naming "reference" when a front
// point is not strictly inside the reference box (the reference does not bound the front).
ExactFront exact_front(const Benchmark& benchmark, const ObjectiveTable& table);

}  // namespace nhb2
