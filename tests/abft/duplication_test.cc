// SPDX-License-Identifier: Apache-2.0
// The `full` ABFT scheme (abft/step_checker.h) on the shipped Fashion-MNIST CNN, fp32 and
// int8: the matrix products are checked by checksums and every other step runs twice and
// is compared, so every step is covered, and clean inferences pass with outputs identical
// to an unchecked session. A value corrupted in the output of a step that no checksum
// covers (a pooling, a quantization, a flatten) fails the inference in detect mode naming
// the node; in correct mode the third run settles it and the output is the fault-free
// one, bit for bit; two different corruptions in the first two runs fail even there.
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <filesystem>
#include <set>

#include "abft/step_checker.h"
#include "core/error.h"
#include "fashion_mnist_models.h"
#include "io/idx.h"
#include "onnx_io/model_import.h"
#include "runtime/session.h"

namespace vigil::abft {
namespace {

// Flips bit `bit` of element 3 + attempt of output 0 of step `step` on the runs in
// `attempts` (a different element on each run).
class OutputFault final : public StepHook {
 public:
  OutputFault(size_t step, std::set<int> attempts, int bit) : step_(step), attempts_(std::move(attempts)), bit_(bit) {}
  StepVerdict after_step(StepEvent& event) override {
    if (event.index != step_ || !attempts_.count(event.attempt)) return StepVerdict::Accept;
    Tensor corrupted = event.outputs.at(0).clone();
    auto* bytes = static_cast<unsigned char*>(corrupted.raw());
    const size_t size = dtype_size(corrupted.dtype());
    const size_t at = static_cast<size_t>(3 + event.attempt) * size + static_cast<size_t>(bit_ / 8) % size;
    bytes[at] ^= static_cast<unsigned char>(1u << (bit_ % 8));
    event.outputs[0] = std::move(corrupted);
    return StepVerdict::Accept;
  }

 private:
  size_t step_;
  std::set<int> attempts_;
  int bit_;
};

class Duplication : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(testing::kFashionMnistData)) GTEST_SKIP() << "no Fashion-MNIST";
    const IdxDataset test = read_idx_dataset(testing::kFashionMnistData, 8);
    images_ = Tensor(DType::Float32, {8, 1, 28, 28});
    for (int64_t i = 0; i < images_.numel(); ++i) images_.data<float>()[i] = test.images.data<uint8_t>()[i] / 255.0f;
  }
  std::shared_ptr<const Model> model(bool int8) {
    return int8 ? testing::fashion_mnist_int8_model() : load_model(testing::kFashionMnistModel);
  }
  // The steps that no checksum covers and full runs twice, from one clean inference.
  static std::vector<size_t> duplicated_steps(const Session& session) {
    std::vector<size_t> steps;
    const auto& counters = session.abft_checker()->counters();
    for (size_t s = 0; s < counters.size(); ++s) {
      if (counters[s].duplicated > 0) steps.push_back(s);
    }
    return steps;
  }
  Tensor images_;
};

TEST_F(Duplication, EveryStepIsCoveredAndCleanRunsPass) {
  for (const bool int8 : {false, true}) {
    const auto loaded = model(int8);
    for (const int threads : {1, 2}) {
      Session session(loaded, SessionOptions{threads, true, {Scheme::Full, Mode::Detect}});
      Session unchecked(loaded, SessionOptions{threads});
      for (int run = 0; run < 5; ++run) {
        const Tensor logits = session.run({{"image", images_}}).at(0);
        const Tensor expected = unchecked.run({{"image", images_}}).at(0);
        ASSERT_TRUE(identical(logits, expected)) << (int8 ? "int8" : "fp32");
      }
      const auto& counters = session.abft_checker()->counters();
      for (size_t s = 0; s < counters.size(); ++s) {
        EXPECT_TRUE(counters[s].products > 0 || counters[s].duplicated > 0) << "step " << s << " is not covered";
        EXPECT_EQ(counters[s].detections, 0);
      }
      EXPECT_GE(duplicated_steps(session).size(), 4u);
    }
  }
}

TEST_F(Duplication, DetectNamesTheNodeCorrectRestoresTheOutput) {
  for (const bool int8 : {false, true}) {
    const auto loaded = model(int8);
    Session reference(loaded, SessionOptions{1});
    const Tensor expected = reference.run({{"image", images_}}).at(0);
    Session probe(loaded, SessionOptions{1, true, {Scheme::Full, Mode::Detect}});
    probe.run({{"image", images_}});
    const std::vector<size_t> steps = duplicated_steps(probe);
    ASSERT_FALSE(steps.empty());
    for (const size_t step : steps) {
      const Node& node = *probe.step_summaries()[step].node;
      for (const int bit : {0, 6, 7}) {
        Session detecting(loaded, SessionOptions{1, true, {Scheme::Full, Mode::Detect}});
        OutputFault fault(step, {0}, bit);
        detecting.add_hook(fault);
        try {
          detecting.run({{"image", images_}});
          ADD_FAILURE() << node.name << ": a corrupted output went through";
        } catch (const Error& error) {
          EXPECT_EQ(error.kind(), ErrorKind::FaultDetected);
          EXPECT_NE(std::string(error.what()).find(node.name), std::string::npos) << error.what();
          EXPECT_NE(std::string(error.what()).find("two runs of the step disagree"), std::string::npos) << error.what();
        }
        detecting.remove_hook(fault);

        Session correcting(loaded, SessionOptions{1, true, {Scheme::Full, Mode::Correct}});
        OutputFault transient(step, {0}, bit);
        correcting.add_hook(transient);
        EXPECT_TRUE(identical(correcting.run({{"image", images_}}).at(0), expected)) << node.name;
        const StepCounters& counters = correcting.abft_checker()->counters()[step];
        EXPECT_EQ(counters.detections, 1);
        EXPECT_EQ(counters.corrections, 1);
        correcting.remove_hook(transient);

        OutputFault twice(step, {0, 1}, bit);  // different elements on the two runs
        correcting.add_hook(twice);
        EXPECT_THROW(correcting.run({{"image", images_}}), Error) << node.name;
        correcting.remove_hook(twice);
      }
    }
  }
}

}  // namespace
}  // namespace vigil::abft
