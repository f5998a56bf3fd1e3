#pragma once
// The GP's feature vector of a Config: 26 numbers in [0, 1].
//
//   features 0..23   one-hot of the op on each of the six edges (edge e, op o → 4e + o)
//   feature 24       log(lr), scaled so the grid's smallest value is 0 and its largest 1
//   feature 25       log(batch size), scaled the same way
//
// One-hot keeps the ops unordered (conv is no "closer" to pool than to skip); the log scale
// matches the geometric grids of lr and batch size.

#include <nhb2/core/config.hpp>

#include <Eigen/Core>

namespace nhb2::gp_bo {

constexpr int kNumEdgeFeatures = kNumEdges * kNumOps;    // 24
constexpr int kLrFeature = kNumEdgeFeatures;             // 24
constexpr int kBatchSizeFeature = kNumEdgeFeatures + 1;  // 25
constexpr int kNumFeatures = kNumEdgeFeatures + 2;       // 26

// Writes the kNumFeatures features of config into out[0 .. kNumFeatures).
void encode(const Config& config, double* out);
Eigen::VectorXd encode(const Config& config);

}  // namespace nhb2::gp_bo
