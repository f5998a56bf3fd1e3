#include "gp_bo/encoding.hpp"

#include <cmath>

namespace nhb2::gp_bo {

namespace {

// Position of value on the log scale of a geometric grid: 0 at grid_min, 1 at grid_max.
double log_unit(double value, double grid_min, double grid_max) {
  return (std::log(value) - std::log(grid_min)) / (std::log(grid_max) - std::log(grid_min));
}

}  // namespace

void encode(const Config& config, double* out) {
  for (int i = 0; i < kNumFeatures; ++i) out[i] = 0.0;
  for (int edge = 0; edge < kNumEdges; ++edge) out[edge * kNumOps + config.values[edge]] = 1.0;
  out[kLrFeature] = log_unit(config.lr(), kLearningRates.front(), kLearningRates.back());
  out[kBatchSizeFeature] =
      log_unit(static_cast<double>(config.batch_size()), kBatchSizes.front(), kBatchSizes.back());
}

Eigen::VectorXd encode(const Config& config) {
  Eigen::VectorXd features(kNumFeatures);
  encode(config, features.data());
  return features;
}

}  // namespace nhb2::gp_bo
