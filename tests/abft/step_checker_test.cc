// SPDX-License-Identifier: Apache-2.0
// ABFT in a session (abft/step_checker.h), on the shipped Fashion-MNIST CNN in fp32 and
// quantized to int8 (QDQ, run on the integer kernels): every Conv and Gemm step is
// checked; clean inferences never fail; a bit flipped in an accumulator of one layer
// fails the inference in detect mode with one error naming the node, and in correct mode
// is recomputed into an output bit-identical to the fault-free one; a fault that stays
// fails even after the recomputation. Under auto, each layer's scheme follows its
// intensity over its largest operand against the ridge it is given (separate below it),
// and faults are still caught.
#include "abft/step_checker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "io/idx.h"
#include "onnx_io/model_import.h"
#include "fashion_mnist_models.h"
#include "runtime/session.h"
#include "runtime/step_costs.h"

namespace vigil::abft {
namespace {

const std::string kModel = VIGIL_SOURCE_DIR "/models/fashion_mnist_cnn.onnx";
const std::string kData = "/usr/share/datasets/fashion-mnist";

// Flips one bit of one accumulator in step `step`, on its first `attempts` runs in an
// inference: the largest sum of the first tile (of a first block of depth) that is not all
// zero, as the thread's tile hooks reach it (kernels/gemm_check.h). A fault in a register.
class AccumulatorFault final : public StepHook {
 public:
  AccumulatorFault(size_t step, int bit, int attempts) : step_(step), bit_(bit), attempts_(attempts) {}
  int flips() const { return flips_; }

  void before_step(const StepEvent& event) override {
    if (event.index != step_ || event.attempt >= attempts_) return;
    flipped_ = false;
    kernels::GemmThreadContext& context = kernels::gemm_thread_context();
    context.f32_tile_hook = &f32_hook_;
    context.s32_tile_hook = &s32_hook_;
  }
  StepVerdict after_step(StepEvent& event) override {
    if (event.index == step_) {
      kernels::gemm_thread_context().f32_tile_hook = nullptr;
      kernels::gemm_thread_context().s32_tile_hook = nullptr;
    }
    return StepVerdict::Accept;
  }

 private:
  template <typename Sum>
  static void flip(void* context, const kernels::GemmTile<Sum>& tile) {
    auto& self = *static_cast<AccumulatorFault*>(context);
    if (!tile.first || self.flipped_) return;
    Sum* largest = nullptr;
    for (int r = 0; r < tile.rows; ++r) {
      for (int c = 0; c < tile.cols; ++c) {
        Sum& sum = tile.sums[r * tile.ld + c];
        if (sum != 0 && (!largest || std::abs(sum) > std::abs(*largest))) largest = &sum;
      }
    }
    if (!largest || self.flipped_.exchange(true)) return;
    *largest = std::bit_cast<Sum>(std::bit_cast<uint32_t>(*largest) ^ (uint32_t{1} << self.bit_));
    ++self.flips_;
  }

  size_t step_;
  int bit_, attempts_;
  std::atomic<bool> flipped_{false};
  std::atomic<int> flips_{0};
  kernels::F32TileHook f32_hook_{&flip<float>, this};
  kernels::S32TileHook s32_hook_{&flip<int32_t>, this};
};

class AbftSession : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(kData)) GTEST_SKIP() << "no Fashion-MNIST (dataset-fashion-mnist)";
    const IdxDataset test = read_idx_dataset(kData, 8);
    images_ = Tensor(DType::Float32, {8, 1, 28, 28});
    for (int64_t i = 0; i < images_.numel(); ++i) images_.data<float>()[i] = test.images.data<uint8_t>()[i] / 255.0f;
  }

  // The fp32 model, or the int8 model quantized on 100 training images.
  std::shared_ptr<const Model> model(bool int8) {
    return int8 ? testing::fashion_mnist_int8_model() : load_model(kModel);
  }

  // The steps whose products ABFT checked in one clean inference.
  static std::vector<size_t> checked_steps(const Session& session) {
    std::vector<size_t> steps;
    const auto& counters = session.abft_checker()->counters();
    for (size_t s = 0; s < counters.size(); ++s) {
      if (counters[s].products > 0) steps.push_back(s);
    }
    return steps;
  }

  Tensor images_;
};

TEST_F(AbftSession, CleanInferencesPassAndEveryConvAndGemmIsChecked) {
  for (const bool int8 : {false, true}) {
    const auto loaded = model(int8);
    for (const Scheme scheme : {Scheme::Fused, Scheme::Separate}) {
      for (const int threads : {1, 2}) {
        Session session(loaded, SessionOptions{threads, true, {scheme, Mode::Detect}});
        const Tensor logits = session.run({{"image", images_}}).at(0);
        Session unchecked(loaded, SessionOptions{threads});
        const Tensor expected = unchecked.run({{"image", images_}}).at(0);
        ASSERT_EQ(std::memcmp(logits.raw(), expected.raw(), logits.nbytes()), 0)
            << "ABFT changed the result (" << (int8 ? "int8" : "fp32") << ")";
        int convs_and_gemms = 0;
        for (const Session::StepSummary& step : session.step_summaries()) {
          const std::string& op = step.node->op_type;
          convs_and_gemms += op.find("Conv") != std::string::npos || op.find("Gemm") != std::string::npos;
        }
        EXPECT_EQ(static_cast<int>(checked_steps(session).size()), convs_and_gemms) << (int8 ? "int8" : "fp32");
        for (const StepCounters& counters : session.abft_checker()->counters()) {
          EXPECT_EQ(counters.detections, 0);
          EXPECT_EQ(counters.runs, 1);
        }
      }
    }
  }
}

TEST_F(AbftSession, DetectFailsNamingTheNodeAndCorrectRecomputesBitExactly) {
  for (const bool int8 : {false, true}) {
    const auto loaded = model(int8);
    Session reference(loaded);
    const Tensor expected = reference.run({{"image", images_}}).at(0);
    for (const Scheme scheme : {Scheme::Fused, Scheme::Separate}) {
      // int8: every bit of the accumulator; fp32: the sign and the exponent.
      for (int bit = int8 ? 0 : 23; bit < 32; ++bit) {
        Session detect(loaded, SessionOptions{1, true, {scheme, Mode::Detect}});
        detect.run({{"image", images_}});
        const std::vector<size_t> steps = checked_steps(detect);
        const size_t step = steps[static_cast<size_t>(bit) % steps.size()];
        const std::string node = detect.step_summaries()[step].node->name;
        AccumulatorFault fault(step, bit, 1);
        detect.add_hook(fault);
        try {
          detect.run({{"image", images_}});
          ADD_FAILURE() << "no detection: bit " << bit << " in " << node << (int8 ? " (int8)" : " (fp32)");
        } catch (const Error& e) {
          EXPECT_EQ(e.kind(), ErrorKind::FaultDetected);
          EXPECT_NE(std::string(e.what()).find("node '" + node + "'"), std::string::npos) << e.what();
        }
        EXPECT_EQ(fault.flips(), 1);

        Session correct(loaded, SessionOptions{1, true, {scheme, Mode::Correct}});
        AccumulatorFault transient(step, bit, 1);
        correct.add_hook(transient);
        const Tensor logits = correct.run({{"image", images_}}).at(0);
        ASSERT_EQ(std::memcmp(logits.raw(), expected.raw(), logits.nbytes()), 0)
            << "bit " << bit << " in " << node << (int8 ? " (int8)" : " (fp32)");
        const StepCounters& counters = correct.abft_checker()->counters()[step];
        EXPECT_EQ(counters.detections, 1);
        EXPECT_EQ(counters.recomputations, 1);
        EXPECT_EQ(counters.corrections, 1);
        EXPECT_EQ(counters.runs, 2);
      }
    }
  }
}

TEST_F(AbftSession, AutoChoosesByIntensityAndStillDetects) {
  for (const bool int8 : {false, true}) {
    const auto loaded = model(int8);
    Session reference(loaded);
    const Tensor expected = reference.run({{"image", images_}}).at(0);
    std::vector<double> intensity;
    for (const StepCost& cost : measure_step_costs(reference, {{"image", images_}})) {
      // Operations per byte of the largest operand (abft/abft_options.h: auto_prefers_separate).
      intensity.push_back(cost.largest_input_bytes > 0 ? static_cast<double>(cost.cost.ops) / cost.largest_input_bytes
                                                       : 0);
    }
    // No ridge known: all fused. A ridge above every layer: all separate. The median
    // intensity of the checked layers: those below it separate, the others fused.
    Session probe(loaded, SessionOptions{1, true, {Scheme::Fused, Mode::Detect}});
    probe.run({{"image", images_}});
    std::vector<double> checked;
    for (const size_t step : checked_steps(probe)) checked.push_back(intensity[step]);
    std::sort(checked.begin(), checked.end());
    const double median = checked[checked.size() / 2];
    for (const double ridge : {0.0, median, 1e9}) {
      Session session(loaded, SessionOptions{1, true, {Scheme::Auto, Mode::Detect, ridge, ridge}});
      for (int run = 0; run < 2; ++run) {
        ASSERT_TRUE(identical(session.run({{"image", images_}}).at(0), expected)) << "ridge " << ridge;
      }
      int separate = 0;
      for (const size_t step : checked_steps(session)) {
        const bool below = intensity[step] < ridge;
        separate += below;
        EXPECT_EQ(session.abft_checker()->step_scheme(step), below ? Scheme::Separate : Scheme::Fused)
            << "step " << step << " at ridge " << ridge << (int8 ? " (int8)" : " (fp32)");
        AccumulatorFault fault(step, int8 ? 5 : 30, 1);
        session.add_hook(fault);
        EXPECT_THROW(session.run({{"image", images_}}), Error) << "step " << step << " at ridge " << ridge;
        session.remove_hook(fault);
      }
      if (ridge == median) {
        EXPECT_GT(separate, 0);
        EXPECT_LT(separate, static_cast<int>(checked.size()));
      }
    }
  }
}

TEST_F(AbftSession, AFaultThatStaysFailsAfterTheRecomputation) {
  const auto loaded = model(false);
  Session session(loaded, SessionOptions{1, true, {Scheme::Fused, Mode::Correct}});
  session.run({{"image", images_}});
  const size_t step = checked_steps(session).front();
  AccumulatorFault permanent(step, 30, kMaxStepRuns);
  session.add_hook(permanent);
  try {
    session.run({{"image", images_}});
    ADD_FAILURE() << "a permanent fault passed";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::FaultDetected);
    EXPECT_NE(std::string(e.what()).find("again after recomputing the layer"), std::string::npos) << e.what();
  }
  EXPECT_EQ(permanent.flips(), 2);
}

}  // namespace
}  // namespace vigil::abft
