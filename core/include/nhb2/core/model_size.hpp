#pragma once
// Analytic size of the network a cellcode was trained in.
//
// Stem Conv3x3(3→16, bias)+BN; three stages of 5 cells at 16/32/64 channels on 32/16/8 px;
// between stages a residual block (ReLUConvBN 3x3 stride 2 with bias, ReLUConvBN 3x3 with bias,
// shortcut AvgPool2 + Conv1x1 with bias); head BN–ReLU–global pool–Linear(64→10).
// Every conv edge counts, dead or not (the trained network contains it). Cell convs have no bias.
//
// params: trainable parameters (BN weight and bias count, running statistics do not).
// flops_millions: multiply-accumulates of conv and linear layers for one 32×32 image, bias
// included as one per output element, in millions.

#include <nhb2/core/cell.hpp>

#include <cstdint>

namespace nhb2 {

struct ModelSize {
  std::int64_t params = 0;
  double flops_millions = 0.0;
};

ModelSize model_size(const Cell& cell);

}  // namespace nhb2
