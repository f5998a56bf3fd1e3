#pragma once
// A configuration of the joint space: a cell plus the two training hyperparameters.
//
// A Config is a point in 8 categorical dimensions: 0..5 the six edges (4 ops each), 6 the learning
// rate (8 values), 7 the batch size (6 values). 4096 × 8 × 6 = 196,608 configurations.
// config index = cell × 48 + lr_index × 6 + bs_index, identical to the reference API.

#include <nhb2/core/cell.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace nhb2 {

constexpr std::array<double, 8> kLearningRates = {0.003125, 0.00625, 0.0125, 0.025,
                                                  0.05,     0.1,     0.2,    0.4};
constexpr std::array<int, 6> kBatchSizes = {16, 32, 64, 128, 256, 512};
constexpr int kNumLearningRates = static_cast<int>(kLearningRates.size());
constexpr int kNumBatchSizes = static_cast<int>(kBatchSizes.size());
constexpr int kNumHyperparameterPairs = kNumLearningRates * kNumBatchSizes;  // 48
constexpr int kNumConfigs = kNumCells * kNumHyperparameterPairs;             // 196,608

constexpr int kNumDims = 8;
constexpr int kLrDim = 6;
constexpr int kBatchSizeDim = 7;
constexpr std::array<int, kNumDims> kDimSizes = {4, 4, 4, 4, 4, 4, 8, 6};

struct Config {
  std::array<std::uint8_t, kNumDims> values{};

  static Config make(const Cell& cell, int lr_index, int bs_index);
  static Config from_index(int index);  // precondition: 0 <= index < kNumConfigs

  Cell cell() const;
  // Base-4 number of the six edge ops, 0 .. 4095 (inline: every query computes it).
  int cell_index() const {
    int index = 0;
    for (int e = 0; e < kNumEdges; ++e) index = index * kNumOps + values[e];
    return index;
  }
  int lr_index() const { return values[kLrDim]; }
  int bs_index() const { return values[kBatchSizeDim]; }
  double lr() const { return kLearningRates[values[kLrDim]]; }
  int batch_size() const { return kBatchSizes[values[kBatchSizeDim]]; }
  int index() const { return cell_index() * kNumHyperparameterPairs + hp_index(); }
  // lr_index × 6 + bs_index, 0 .. 47.
  int hp_index() const { return lr_index() * kNumBatchSizes + bs_index(); }

  bool operator==(const Config& other) const { return values == other.values; }
  bool operator!=(const Config& other) const { return values != other.values; }
  bool operator<(const Config& other) const { return values < other.values; }
};

// Grid look-ups: the exact grid value (to 1e-9 relative) or InvalidArgument listing the grid.
int lr_index_of(double lr);
int batch_size_index_of(long long batch_size);

// Parses a learning rate written as text ("0.1", "1e-1") and looks it up on the grid.
int parse_lr(std::string_view text);
int parse_batch_size(std::string_view text);

// "0.1", "0.003125": shortest text that reads back to the grid value.
std::string format_lr(double lr);
std::string allowed_learning_rates();
std::string allowed_batch_sizes();

// "0|10|210 lr=0.1 bs=256"
std::string describe(const Config& config);

}  // namespace nhb2
