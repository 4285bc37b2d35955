// SPDX-License-Identifier: Apache-2.0
// Normalization operators against hand-computed results, including the optional
// statistics outputs of LayerNormalization and BatchNormalization's training mode.
#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

TEST(BatchNormalization, Inference) {
  const Tensor y = OpRunner("BatchNormalization", 15)
                       .attr("epsilon", 0.0f)
                       .run1({make<float>({1, 2, 1, 1}, {1, 2}), make<float>({2}, {1, 2}), make<float>({2}, {0, 1}),
                              make<float>({2}, {0, 1}), make<float>({2}, {1, 4})});
  expect_near(y, {1, 2});
}

TEST(BatchNormalization, TrainingModeUpdatesRunningStatistics) {
  const auto y = OpRunner("BatchNormalization", 15)
                     .attr("epsilon", 0.0f)
                     .attr("momentum", 0.5f)
                     .attr("training_mode", 1)
                     .run({make<float>({2, 1}, {1, 3}), make<float>({1}, {1}), make<float>({1}, {0}),
                           make<float>({1}, {0}), make<float>({1}, {1})},
                          3);
  expect_near(y[0], {-1, 1});
  expect_near(y[1], {1});  // 0.5 * 0 + 0.5 * 2
  expect_near(y[2], {1});  // 0.5 * 1 + 0.5 * 1
}

TEST(InstanceNormalization, PerImageAndChannel) {
  const Tensor y = OpRunner("InstanceNormalization")
                       .attr("epsilon", 0.0f)
                       .run1({make<float>({1, 1, 2}, {1, 3}), make<float>({1}, {2}), make<float>({1}, {1})});
  expect_near(y, {-1, 3});
}

TEST(LayerNormalization, StatisticsOutputs) {
  const auto y = OpRunner("LayerNormalization")
                     .attr("epsilon", 0.0f)
                     .run({make<float>({2, 2}, {1, 3, 0, 4}), make<float>({2}, {1, 2}), make<float>({1}, {1})}, 3);
  expect_near(y[0], {0, 3, 0, 3});
  EXPECT_EQ(y[1].shape(), (Shape{2, 1}));
  expect_near(y[1], {2, 2});
  expect_near(y[2], {1, 0.5f});
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("LayerNormalization").run1({make<float>({2, 2}, {1, 3, 0, 4}), make<float>({3}, {1, 1, 1})});
  });
}

TEST(LRN, AcrossChannels) {
  const Tensor y =
      OpRunner("LRN").attr("size", 3).attr("alpha", 3.0f).attr("beta", 1.0f).run1({make<float>({1, 2, 1, 1}, {1, 2})});
  expect_near(y, {1.0f / 6, 2.0f / 6});
}

TEST(MeanVarianceNormalization, DefaultAxes) {
  expect_near(OpRunner("MeanVarianceNormalization").run1({make<float>({1, 1, 1, 2}, {1, 3})}), {-1, 1});
}

}  // namespace
}  // namespace vigil::testing
