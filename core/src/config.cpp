#include <nhb2/core/config.hpp>

#include <nhb2/core/error.hpp>

#include <cassert>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace nhb2 {

Config Config::make(const Cell& cell, int lr_index, int bs_index) {
  assert(lr_index >= 0 && lr_index < kNumLearningRates);
  assert(bs_index >= 0 && bs_index < kNumBatchSizes);
  Config config;
  for (int e = 0; e < kNumEdges; ++e) config.values[e] = static_cast<std::uint8_t>(cell.edges[e]);
  config.values[kLrDim] = static_cast<std::uint8_t>(lr_index);
  config.values[kBatchSizeDim] = static_cast<std::uint8_t>(bs_index);
  return config;
}

Config Config::from_index(int index) {
  assert(index >= 0 && index < kNumConfigs);
  const int hp = index % kNumHyperparameterPairs;
  return make(Cell::from_index(index / kNumHyperparameterPairs), hp / kNumBatchSizes,
              hp % kNumBatchSizes);
}

Cell Config::cell() const {
  Cell cell;
  for (int e = 0; e < kNumEdges; ++e) cell.edges[e] = static_cast<Op>(values[e]);
  return cell;
}

std::string format_lr(double lr) {
  char buffer[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, lr);
    if (std::strtod(buffer, nullptr) == lr) break;
  }
  return buffer;
}

std::string allowed_learning_rates() {
  std::string text;
  for (double lr : kLearningRates) text += (text.empty() ? "" : ", ") + format_lr(lr);
  return text;
}

std::string allowed_batch_sizes() {
  std::string text;
  for (int bs : kBatchSizes) text += (text.empty() ? "" : ", ") + std::to_string(bs);
  return text;
}

int lr_index_of(double lr) {
  for (int i = 0; i < kNumLearningRates; ++i) {
    if (std::fabs(lr - kLearningRates[i]) <= 1e-9 * kLearningRates[i]) return i;
  }
  throw InvalidArgument("learning rate " + format_lr(lr) +
                        " is not on the grid; allowed: " + allowed_learning_rates());
}

int batch_size_index_of(long long batch_size) {
  for (int i = 0; i < kNumBatchSizes; ++i) {
    if (batch_size == kBatchSizes[i]) return i;
  }
  throw InvalidArgument("batch size " + std::to_string(batch_size) +
                        " is not on the grid; allowed: " + allowed_batch_sizes());
}

int parse_lr(std::string_view text) {
  const std::string owned(text);
  char* end = nullptr;
  errno = 0;
  const double lr = std::strtod(owned.c_str(), &end);
  if (owned.empty() || end != owned.c_str() + owned.size() || errno != 0 || !std::isfinite(lr)) {
    throw InvalidArgument("learning rate '" + owned +
                          "' is not a number; allowed: " + allowed_learning_rates());
  }
  return lr_index_of(lr);
}

int parse_batch_size(std::string_view text) {
  const std::string owned(text);
  char* end = nullptr;
  errno = 0;
  const long long batch_size = std::strtoll(owned.c_str(), &end, 10);
  if (owned.empty() || end != owned.c_str() + owned.size() || errno != 0) {
    throw InvalidArgument("batch size '" + owned +
                          "' is not an integer; allowed: " + allowed_batch_sizes());
  }
  return batch_size_index_of(batch_size);
}

std::string describe(const Config& config) {
  return format_cellcode(config.cell()) + " lr=" + format_lr(config.lr()) +
         " bs=" + std::to_string(config.batch_size());
}

}  // namespace nhb2
