// SPDX-License-Identifier: Apache-2.0
// Replay (Session::trace, Session::replay) on the shipped Fashion-MNIST CNN: a replay that
// changes nothing runs no step and returns the traced outputs; an output corrupted at any
// step gives, replayed from that step, the same outputs bit for bit as the whole inference
// run again with the same corruption; a corruption that a Relu absorbs stops there; a
// replaced input runs only what reads it onwards.
#include <gtest/gtest.h>

#include "onnx_io/model_import.h"
#include "runtime/session.h"

namespace vigil {
namespace {

const std::string kModel = VIGIL_SOURCE_DIR "/models/fashion_mnist_cnn.onnx";

Tensor test_image(float shade) {
  Tensor image(DType::Float32, {1, 1, 28, 28});
  for (int64_t i = 0; i < image.numel(); ++i) image.data<float>()[i] = shade * static_cast<float>((i * 37) % 256) / 255.0f;
  return image;
}

// Replaces element `element` of output 0 of step `step` by `value(old)`, in a copy.
class OutputCorruption final : public StepHook {
 public:
  OutputCorruption(size_t step, int64_t element, float (*value)(float)) : step_(step), element_(element), value_(value) {}
  StepVerdict after_step(StepEvent& event) override {
    if (event.index != step_) return StepVerdict::Accept;
    Tensor& output = event.outputs.at(0);
    output = output.clone();
    float& x = output.data<float>()[element_ % output.numel()];
    x = value_(x);
    return StepVerdict::Accept;
  }

 private:
  size_t step_;
  int64_t element_;
  float (*value_)(float);
};

float flip_sign_and_grow(float x) { return -3 * x - 1; }

TEST(SessionReplay, UnchangedReplayRunsNothing) {
  for (const bool optimize : {true, false}) {
    Session session(load_model(kModel), SessionOptions{1, optimize});
    const std::map<std::string, Tensor> feeds = {{"image", test_image(1)}};
    const Session::Trace trace = session.trace(feeds);
    const Session::Replay replay = session.replay(trace, {});
    EXPECT_EQ(replay.steps_run, 0u);
    const Tensor expected = session.run(feeds).at(0);
    ASSERT_EQ(replay.outputs.size(), 1u);
    EXPECT_TRUE(identical(replay.outputs[0].tensor(), expected));
  }
}

TEST(SessionReplay, AFaultAtAnyStepReplaysLikeAWholeRun) {
  for (const bool optimize : {true, false}) {
    Session session(load_model(kModel), SessionOptions{1, optimize});
    const std::map<std::string, Tensor> feeds = {{"image", test_image(1)}};
    const Session::Trace trace = session.trace(feeds);
    const Tensor clean = session.run(feeds).at(0);
    for (size_t step = 0; step < session.step_count(); ++step) {
      for (const int64_t element : {0, 97, 1000}) {
        OutputCorruption corruption(step, element, flip_sign_and_grow);
        const ScopedStepHook hooked(session, corruption);
        const Session::Replay replay = session.replay(trace, {step});
        const Tensor whole = session.run(feeds).at(0);
        ASSERT_TRUE(identical(replay.outputs.at(0).tensor(), whole))
            << "step " << step << " element " << element << (optimize ? "" : " (not optimised)");
        EXPECT_GE(replay.steps_run, 1u);
        EXPECT_LE(replay.steps_run, session.step_count() - step);
      }
    }
    // The trace itself is never written: an unchanged replay still returns the clean result.
    EXPECT_TRUE(identical(session.replay(trace, {}).outputs.at(0).tensor(), clean));
  }
}

TEST(SessionReplay, ACorruptionAReluAbsorbsStopsThere) {
  Session session(load_model(kModel), SessionOptions{1, false});
  const std::map<std::string, Tensor> feeds = {{"image", test_image(1)}};
  const Session::Trace trace = session.trace(feeds);
  const std::vector<Session::StepSummary> steps = session.step_summaries();
  size_t conv = 0;
  while (!(steps[conv].node->op_type == "Conv" && steps[conv + 1].node->op_type == "Relu")) ++conv;
  // A negative output of the Conv made more negative: the Relu after it gives 0 either way.
  const Tensor& conv_out = session.traced_value(trace, steps[conv].node->outputs[0])->tensor();
  int64_t negative = 0;
  while (conv_out.data<float>()[negative] >= 0) ++negative;
  OutputCorruption corruption(conv, negative, [](float x) { return 2 * x - 5; });
  const ScopedStepHook hooked(session, corruption);
  const Session::Replay replay = session.replay(trace, {conv});
  EXPECT_EQ(replay.steps_run, 2u);  // the Conv and its Relu
  EXPECT_TRUE(identical(replay.outputs.at(0).tensor(), session.replay(trace, {}).outputs.at(0).tensor()));
}

TEST(SessionReplay, AReplacedInputRunsFromItsReaders) {
  Session session(load_model(kModel), SessionOptions{1});
  const Session::Trace trace = session.trace({{"image", test_image(1)}});
  const Tensor other = test_image(0.5f);
  const Session::Replay replay = session.replay(trace, {}, {{"image", other}});
  EXPECT_TRUE(identical(replay.outputs.at(0).tensor(), session.run({{"image", other}}).at(0)));
  EXPECT_GT(replay.steps_run, 0u);
  EXPECT_THROW(session.replay(trace, {}, {{"no_such_input", other}}), Error);
  EXPECT_THROW(session.replay(trace, {session.step_count()}), Error);
}

}  // namespace
}  // namespace vigil
