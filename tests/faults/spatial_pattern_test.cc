// SPDX-License-Identifier: Apache-2.0
// CLASSES' spatial patterns and value classes:
// - every pattern has its shape (same row, same position across consecutive channels,
//   stride 4 in a channel, a rectangle, a whole channel...) on many random draws and
//   anchors, holds its anchor and stays inside the tensor; the same word draws the same
//   elements;
// - every value class writes what it says (within or outside the tensor's range, NaN,
//   zero) and nothing else;
// - in a campaign on the Fashion-MNIST CNN, an injected pattern changes exactly the
//   elements it names (replayed and whole runs agree), and NaN is refused on int8 outputs.
#include "faults/spatial_pattern.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "core/error.h"
#include "eval/classifier_eval.h"
#include "fashion_mnist_models.h"
#include "faults/campaign.h"
#include "faults/counter_rng.h"
#include "faults/fault_injector.h"
#include "io/idx.h"
#include "onnx_io/model_import.h"

namespace vigil::faults {
namespace {

struct Place {
  int64_t channel, row, col;
};

Place place_of(int64_t element, int64_t rows, int64_t cols) {
  return {element / (rows * cols), element / cols % rows, element % cols};
}

constexpr SpatialPattern kPatterns[] = {SpatialPattern::Point,   SpatialPattern::Row,       SpatialPattern::BulletWake,
                                        SpatialPattern::Skip4,   SpatialPattern::Block,     SpatialPattern::Channel,
                                        SpatialPattern::Shattered, SpatialPattern::Scattered};

TEST(SpatialPattern, EveryPatternHasItsShape) {
  const Shape shape{2, 6, 9, 11};  // 12 channels of 9 x 11
  const int64_t channels = 12, rows = 9, cols = 11, plane = rows * cols;
  CounterRng random(3, 0);
  for (const SpatialPattern pattern : kPatterns) {
    for (int draw = 0; draw < 400; ++draw) {
      const int64_t anchor = static_cast<int64_t>(random.below(channels * plane));
      const uint64_t word = random.next();
      const std::vector<int64_t> elements = pattern_elements(pattern, shape, anchor, word);
      SCOPED_TRACE(std::string(spatial_pattern_name(pattern)) + " anchor " + std::to_string(anchor));
      ASSERT_EQ(elements, pattern_elements(pattern, shape, anchor, word));
      ASSERT_TRUE(std::is_sorted(elements.begin(), elements.end()));
      ASSERT_TRUE(std::binary_search(elements.begin(), elements.end(), anchor));
      ASSERT_GE(elements.front(), 0);
      ASSERT_LT(elements.back(), channels * plane);
      const Place a = place_of(anchor, rows, cols);
      std::set<int64_t> channel_set, row_set, col_set;
      for (const int64_t e : elements) {
        const Place p = place_of(e, rows, cols);
        channel_set.insert(p.channel);
        row_set.insert(p.row);
        col_set.insert(p.col);
      }
      const auto count = static_cast<int64_t>(elements.size());
      const auto span = [](const std::set<int64_t>& s) { return *s.rbegin() - *s.begin() + 1; };
      switch (pattern) {
        case SpatialPattern::Point:
          EXPECT_EQ(count, 1);
          break;
        case SpatialPattern::Row:  // contiguous along the anchor's row
          EXPECT_GE(count, 2);
          EXPECT_EQ(channel_set, std::set<int64_t>{a.channel});
          EXPECT_EQ(row_set, std::set<int64_t>{a.row});
          EXPECT_EQ(span(col_set), count);
          break;
        case SpatialPattern::BulletWake:  // the anchor's position in consecutive channels
          EXPECT_GE(count, 2);
          EXPECT_EQ(row_set, std::set<int64_t>{a.row});
          EXPECT_EQ(col_set, std::set<int64_t>{a.col});
          EXPECT_EQ(span(channel_set), count);
          break;
        case SpatialPattern::Skip4:
          EXPECT_GE(count, 2);
          EXPECT_EQ(channel_set, std::set<int64_t>{a.channel});
          for (size_t i = 1; i < elements.size(); ++i) EXPECT_EQ(elements[i] - elements[i - 1], 4);
          break;
        case SpatialPattern::Block:  // a full rectangle around the anchor, at most 8 x 8
          EXPECT_EQ(channel_set, std::set<int64_t>{a.channel});
          EXPECT_EQ(count, span(row_set) * span(col_set));
          EXPECT_LE(span(row_set), 8);
          EXPECT_LE(span(col_set), 8);
          EXPECT_GE(count, 4);
          break;
        case SpatialPattern::Channel:
          EXPECT_EQ(count, plane);
          EXPECT_EQ(channel_set, std::set<int64_t>{a.channel});
          break;
        case SpatialPattern::Shattered:  // a bullet wake with a few row neighbours in each channel
          EXPECT_GE(channel_set.size(), 2u);
          EXPECT_EQ(span(channel_set), static_cast<int64_t>(channel_set.size()));
          EXPECT_EQ(row_set, std::set<int64_t>{a.row});
          for (const int64_t c : channel_set) {
            EXPECT_TRUE(std::binary_search(elements.begin(), elements.end(), (c * rows + a.row) * cols + a.col));
          }
          EXPECT_LE(span(col_set), 7);
          break;
        case SpatialPattern::Scattered:
          EXPECT_GE(count, 1);
          EXPECT_LE(count, 64);
          break;
      }
    }
  }
}

TEST(SpatialPattern, VectorsAndSmallTensors) {
  // A [1, 10] vector is one channel with one row: rows run along it; a bullet wake has
  // one channel to go to.
  for (int draw = 0; draw < 50; ++draw) {
    EXPECT_EQ(pattern_elements(SpatialPattern::Channel, {1, 10}, 3, draw).size(), 10u);
    EXPECT_EQ(pattern_elements(SpatialPattern::BulletWake, {1, 10}, 3, draw), std::vector<int64_t>{3});
    EXPECT_GE(pattern_elements(SpatialPattern::Row, {1, 10}, 9, draw).size(), 2u);
  }
  EXPECT_EQ(pattern_elements(SpatialPattern::Block, {1, 1, 1, 1}, 0, 5), std::vector<int64_t>{0});
}

TEST(SpatialPattern, ValueClassesWriteWhatTheySay) {
  Tensor base(DType::Float32, {1, 4, 8, 8});
  float* x = base.data<float>();
  for (int64_t i = 0; i < base.numel(); ++i) x[i] = -3.0f + 7.0f * static_cast<float>(i) / static_cast<float>(base.numel() - 1);
  const std::vector<int64_t> elements = pattern_elements(SpatialPattern::Channel, base.shape(), 70, 11);
  for (const ValueClass value_class : {ValueClass::InRange, ValueClass::OutOfRange, ValueClass::NaN, ValueClass::Zero}) {
    Tensor t = base.clone();
    write_value_class(t, elements, value_class, 99);
    const float* y = t.data<float>();
    for (int64_t i = 0; i < t.numel(); ++i) {
      if (!std::binary_search(elements.begin(), elements.end(), i)) {
        ASSERT_EQ(y[i], x[i]);
        continue;
      }
      switch (value_class) {
        case ValueClass::InRange:
          EXPECT_TRUE(y[i] >= -3.0f && y[i] <= 4.0f) << y[i];
          break;
        case ValueClass::OutOfRange:
          EXPECT_TRUE(std::abs(y[i]) >= 8.0f && std::abs(y[i]) <= 4.0f * 1024) << y[i];
          break;
        case ValueClass::NaN:
          EXPECT_TRUE(std::isnan(y[i]));
          break;
        case ValueClass::Zero:
          EXPECT_EQ(y[i], 0.0f);
          break;
      }
    }
  }
  // uint8 in [10, 200]: out of range lands in [0, 9] or [201, 255]; NaN is refused.
  Tensor bytes(DType::UInt8, {1, 1, 4, 4});
  for (int64_t i = 0; i < 16; ++i) bytes.data<uint8_t>()[i] = static_cast<uint8_t>(10 + i * 190 / 15);
  std::vector<int64_t> all(16);
  for (int64_t i = 0; i < 16; ++i) all[i] = i;
  for (uint64_t word = 0; word < 20; ++word) {
    Tensor t = bytes.clone();
    write_value_class(t, all, ValueClass::OutOfRange, word);
    for (int64_t i = 0; i < 16; ++i) EXPECT_TRUE(t.data<uint8_t>()[i] < 10 || t.data<uint8_t>()[i] > 200);
    t = bytes.clone();
    write_value_class(t, all, ValueClass::InRange, word);
    for (int64_t i = 0; i < 16; ++i) EXPECT_TRUE(t.data<uint8_t>()[i] >= 10 && t.data<uint8_t>()[i] <= 200);
  }
  EXPECT_THROW(write_value_class(bytes, all, ValueClass::NaN, 0), Error);
}

class PatternCampaign : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(testing::kFashionMnistData)) GTEST_SKIP() << "no Fashion-MNIST";
    const IdxDataset data = read_idx_dataset(testing::kFashionMnistData, 4);
    for (int64_t i = 0; i < 4; ++i) {
      inputs_.feeds.push_back({{"image", classifier_image_batch(model_->graph.inputs[0], data, i, 1, 1)}});
      inputs_.labels.push_back(data.labels.to_int64_vector()[i]);
    }
  }
  std::shared_ptr<Model> model_ = load_model(testing::kFashionMnistModel);
  CampaignInputs inputs_;
};

// Keeps the output of one step as the hooks that ran before it left it.
struct OutputCapture final : StepHook {
  size_t step = 0;
  int output = 0;
  Tensor seen;
  StepVerdict after_step(StepEvent& event) override {
    if (event.index == step) seen = event.outputs.at(output).clone();
    return StepVerdict::Accept;
  }
};

TEST_F(PatternCampaign, AnInjectedPatternChangesExactlyItsElements) {
  Session session(model_, SessionOptions{1, true});
  const Session::Trace trace = session.trace(inputs_.feeds[0]);
  const std::vector<FaultTarget> targets = find_fault_targets(session, trace, {SiteKind::Output, "", ""});
  for (const SpatialPattern pattern : kPatterns) {
    CampaignDesign design;
    FaultModel model;
    model.spatial = true;
    model.pattern = pattern;
    model.value_class = ValueClass::NaN;
    design.models = {model};
    for (int64_t index = 0; index < 40; ++index) {
      const Injection injection = draw_injection(design, targets, index);
      const FaultTarget& target = targets[injection.faults[0].target];
      FaultInjector injector(session, targets, design, injection);
      OutputCapture capture;
      capture.step = target.steps[0];
      capture.output = target.output;
      {
        // after_step runs the hooks last added first: the watcher sees the injector's work.
        ScopedStepHook watch(session, capture);
        ScopedStepHook inject(session, injector);
        session.run(inputs_.feeds[0]);
      }
      const Tensor& clean = session.traced_value(trace, target.tensor)->tensor();
      std::vector<int64_t> changed;
      for (int64_t i = 0; i < clean.numel(); ++i) {
        if (read_element_bits(clean.raw(), clean.dtype(), i) != read_element_bits(capture.seen.raw(), clean.dtype(), i)) {
          changed.push_back(i);
        }
      }
      EXPECT_EQ(changed, pattern_elements(pattern, clean.shape(), injection.faults[0].element, injection.faults[0].random_word))
          << spatial_pattern_name(pattern) << " on " << target.tensor;
      EXPECT_EQ(injector.applied()[0].elements, static_cast<int64_t>(changed.size()));
    }
  }
}

TEST_F(PatternCampaign, PatternsCorruptTheirElementsReplayedOrNot) {
  CampaignOptions options;
  options.sites.kind = SiteKind::Output;
  options.design.seed = 5;
  for (const SpatialPattern pattern : kPatterns) {
    for (const ValueClass value_class : {ValueClass::InRange, ValueClass::OutOfRange, ValueClass::NaN, ValueClass::Zero}) {
      FaultModel model;
      model.spatial = true;
      model.pattern = pattern;
      model.value_class = value_class;
      options.design.models.push_back(model);
    }
  }
  options.injections = 320;
  CampaignOptions whole = options;
  whole.reuse = false;
  const CampaignResult a = run_campaign(model_, inputs_, options, nullptr);
  const CampaignResult b = run_campaign(model_, inputs_, whole, nullptr);
  ASSERT_EQ(a.records.size(), 320u);
  std::set<std::string> seen;
  int64_t nan_due = 0, nan_total = 0;
  for (size_t i = 0; i < a.records.size(); ++i) {
    const InjectionRecord& r = a.records[i];
    const FaultModel& model = options.design.models[r.model];
    seen.insert(model.name());
    EXPECT_EQ(r.detail.outcome, b.records[i].detail.outcome) << i;
    EXPECT_EQ(r.elements, b.records[i].elements) << i;
    EXPECT_GE(r.elements, 1);
    if (model.pattern == SpatialPattern::Point) {
      EXPECT_EQ(r.elements, 1);
    }
    if (model.pattern == SpatialPattern::Channel) {
      const FaultTarget& target = a.targets[r.target];
      EXPECT_EQ(target.elements % r.elements, 0) << target.tensor;
    }
    if (model.value_class == ValueClass::NaN) {
      EXPECT_TRUE(std::isnan(r.after));
      ++nan_total;
      // A NaN reaches the logits unless a Relu or a pooling window drops it.
      nan_due += r.detail.outcome == Outcome::Due;
    }
    if (model.value_class == ValueClass::Zero) {
      EXPECT_EQ(r.after, 0.0);
    }
    EXPECT_NE(r.detail.outcome, Outcome::Detected);
  }
  EXPECT_EQ(seen.size(), 32u);
  EXPECT_GT(nan_due, nan_total / 3);
}

TEST_F(PatternCampaign, NaNIsRefusedOnIntegerOutputs) {
  const std::shared_ptr<const Model> int8_model = testing::fashion_mnist_int8_model();
  CampaignOptions options;
  options.sites.kind = SiteKind::Output;
  FaultModel model;
  model.spatial = true;
  model.pattern = SpatialPattern::Row;
  model.value_class = ValueClass::NaN;
  options.design.models = {model};
  options.injections = 4;
  EXPECT_THROW(run_campaign(int8_model, inputs_, options, nullptr), Error);
  options.sites.kind = SiteKind::Weight;
  options.design.models[0].value_class = ValueClass::Zero;
  EXPECT_THROW(run_campaign(model_, inputs_, options, nullptr), Error);
}

}  // namespace
}  // namespace vigil::faults
