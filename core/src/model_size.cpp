#include <nhb2/core/model_size.hpp>

namespace nhb2 {

namespace {

struct Tally {
  std::int64_t params = 0;
  std::int64_t macs = 0;

  // A k×k convolution producing out_px × out_px outputs.
  void conv(int in_channels, int out_channels, int kernel, int out_px, bool bias) {
    const std::int64_t weights = std::int64_t{in_channels} * out_channels * kernel * kernel;
    const std::int64_t outputs = std::int64_t{out_channels} * out_px * out_px;
    params += weights + (bias ? out_channels : 0);
    macs += weights * out_px * out_px + (bias ? outputs : 0);
  }
  void batch_norm(int channels) { params += 2 * std::int64_t{channels}; }
  void linear(int in_features, int out_features) {
    params += std::int64_t{in_features} * out_features + out_features;
    macs += std::int64_t{in_features} * out_features + out_features;
  }
};

constexpr int kCellsPerStage = 5;
constexpr int kStageChannels[3] = {16, 32, 64};
constexpr int kStagePixels[3] = {32, 16, 8};

}  // namespace

ModelSize model_size(const Cell& cell) {
  const int conv_edges = cell.count(Op::conv3x3);
  Tally tally;
  tally.conv(3, kStageChannels[0], 3, kStagePixels[0], true);  // stem
  tally.batch_norm(kStageChannels[0]);
  for (int stage = 0; stage < 3; ++stage) {
    const int channels = kStageChannels[stage];
    const int pixels = kStagePixels[stage];
    if (stage > 0) {  // residual reduction block from the previous stage
      const int in_channels = kStageChannels[stage - 1];
      tally.conv(in_channels, channels, 3, pixels, true);
      tally.batch_norm(channels);
      tally.conv(channels, channels, 3, pixels, true);
      tally.batch_norm(channels);
      tally.conv(in_channels, channels, 1, pixels, true);  // shortcut after AvgPool2
    }
    for (int c = 0; c < kCellsPerStage * conv_edges; ++c) {
      tally.conv(channels, channels, 3, pixels, false);  // ReLU–Conv3x3–BN edge
      tally.batch_norm(channels);
    }
  }
  tally.batch_norm(kStageChannels[2]);  // head
  tally.linear(kStageChannels[2], 10);
  return ModelSize{tally.params, static_cast<double>(tally.macs) / 1e6};
}

}  // namespace nhb2
