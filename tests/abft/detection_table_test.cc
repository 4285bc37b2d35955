// SPDX-License-Identifier: Apache-2.0
// Which fp32 bit flips ABFT detects (docs/abft.md, "Detection"): on the shipped
// Fashion-MNIST CNN, every bit position of accumulators of its checked layers (the
// implicit-GEMM and Winograd convolutions and the two Gemm), flipped one at a time during
// an inference in detect mode. Two samples per bit and layer: an accumulator drawn at
// random, and the largest of a tile, four of each per layer and bit. Flips of the sign and
// of every exponent bit of the largest accumulators are always detected. The table printed
// for the documentation gives the detection rates per bit and, for the flips that passed,
// how far the logits moved (relative to the largest logit).
#include <gtest/gtest.h>

#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>

#include "abft/step_checker.h"
#include "io/idx.h"
#include "onnx_io/model_import.h"
#include "runtime/session.h"

namespace vigil::abft {
namespace {

const std::string kModel = VIGIL_SOURCE_DIR "/models/fashion_mnist_cnn.onnx";
const std::string kData = "/usr/share/datasets/fashion-mnist";

// Flips bit `bit` of one accumulator of the `tile`-th tile (of a first block of depth)
// that step `step` hands to the thread's tile hook: its `element`-th sum, or its largest.
class OneFlip final : public StepHook {
 public:
  OneFlip(size_t step, int bit, int64_t tile, int element, bool largest)
      : step_(step), bit_(bit), tile_(tile), element_(element), largest_(largest) {}
  bool flipped() const { return flipped_; }

  void before_step(const StepEvent& event) override {
    if (event.index == step_ && event.attempt == 0) kernels::gemm_thread_context().f32_tile_hook = &hook_;
  }
  StepVerdict after_step(StepEvent& event) override {
    if (event.index == step_) kernels::gemm_thread_context().f32_tile_hook = nullptr;
    return StepVerdict::Accept;
  }

 private:
  static void flip(void* context, const kernels::F32Tile& tile) {
    auto& self = *static_cast<OneFlip*>(context);
    if (!tile.first || self.seen_++ != self.tile_) return;
    float* target = nullptr;
    for (int r = 0; r < tile.rows; ++r) {
      for (int c = 0; c < tile.cols; ++c) {
        float& sum = tile.sums[r * tile.ld + c];
        if (self.largest_ ? (!target || std::fabs(sum) > std::fabs(*target))
                          : r * tile.cols + c == self.element_ % (tile.rows * tile.cols)) {
          target = &sum;
        }
      }
    }
    *target = std::bit_cast<float>(std::bit_cast<uint32_t>(*target) ^ (uint32_t{1} << self.bit_));
    self.flipped_ = true;
  }

  size_t step_;
  int bit_;
  int64_t tile_;
  int element_;
  bool largest_;
  std::atomic<int64_t> seen_{0};
  std::atomic<bool> flipped_{false};
  kernels::F32TileHook hook_{&flip, this};
};

TEST(AbftDetection, Fp32BitFlipsInAccumulatorsOfEveryCheckedLayer) {
  if (!std::filesystem::is_directory(kData)) GTEST_SKIP() << "no Fashion-MNIST (dataset-fashion-mnist)";
  const IdxDataset test = read_idx_dataset(kData, 4);
  Tensor images(DType::Float32, {4, 1, 28, 28});
  for (int64_t i = 0; i < images.numel(); ++i) images.data<float>()[i] = test.images.data<uint8_t>()[i] / 255.0f;
  const auto model = load_model(kModel);
  Session session(model, SessionOptions{1, true, {Scheme::Fused, Mode::Detect}});
  const Tensor clean = session.run({{"image", images}}).at(0).clone();
  std::vector<size_t> steps;
  for (size_t s = 0; s < session.abft_checker()->counters().size(); ++s) {
    if (session.abft_checker()->counters()[s].products > 0) steps.push_back(s);
  }
  ASSERT_EQ(steps.size(), 5u);
  float scale = 0;
  for (int64_t i = 0; i < clean.numel(); ++i) scale = std::max(scale, std::fabs(clean.data<float>()[i]));

  std::mt19937 engine(31);
  std::printf(
      "| bit | field | random accumulator: detected | largest in its tile: detected | undetected: largest change "
      "of a logit |\n|---:|---|---:|---:|---:|\n");
  for (int bit = 0; bit < 32; ++bit) {
    int detected[2] = {0, 0}, samples[2] = {0, 0};
    float moved = 0;
    for (int sample = 0; sample < 8; ++sample) {
      const size_t step = steps[static_cast<size_t>(sample) % steps.size()];
      for (const bool largest : {false, true}) {
        OneFlip fault(step, bit, 0, std::uniform_int_distribution<int>(0, 255)(engine), largest);
        session.add_hook(fault);
        bool caught = false;
        Tensor logits;
        try {
          logits = session.run({{"image", images}}).at(0);
        } catch (const Error& e) {
          ASSERT_EQ(e.kind(), ErrorKind::FaultDetected) << e.what();
          caught = true;
        }
        session.remove_hook(fault);
        ASSERT_TRUE(fault.flipped());
        ++samples[largest];
        detected[largest] += caught;
        if (largest && bit >= 23) {
          EXPECT_TRUE(caught) << "bit " << bit << " of the largest sum of a tile, step " << step;
        }
        for (int64_t i = 0; !caught && i < clean.numel(); ++i) {
          moved = std::max(moved, std::fabs(logits.data<float>()[i] - clean.data<float>()[i]) / scale);
        }
      }
    }
    const char* field = bit == 31 ? "sign" : bit >= 23 ? "exponent" : "mantissa";
    std::printf("| %d | %s | %d of %d | %d of %d | %.1e |\n", bit, field, detected[0], samples[0], detected[1],
                samples[1], moved);
  }
}

}  // namespace
}  // namespace vigil::abft
