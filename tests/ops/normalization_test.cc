// Normalization operators against hand-computed results, including the optional
// statistics outputs of LayerNormalization and BatchNormalization's training mode.
#include "ops/nn_test_util.h"

namespace vigil {
namespace {

using namespace nn_testing;

TEST(BatchNormalization, Inference) {
  const auto y = run("BatchNormalization", {floats({1, 2, 1, 1}, {1, 2}), floats({2}, {1, 2}), floats({2}, {0, 1}),
                                            floats({2}, {0, 1}), floats({2}, {1, 4})},
                     {{"epsilon", real(0)}}, 15);
  expect_near(values(y[0]), {1, 2});
}

TEST(BatchNormalization, TrainingModeUpdatesRunningStatistics) {
  const auto y = run("BatchNormalization", {floats({2, 1}, {1, 3}), floats({1}, {1}), floats({1}, {0}),
                                            floats({1}, {0}), floats({1}, {1})},
                     {{"epsilon", real(0)}, {"momentum", real(0.5f)}, {"training_mode", integer(1)}}, 15, 3);
  expect_near(values(y[0]), {-1, 1});
  expect_near(values(y[1]), {1});  // 0.5 * 0 + 0.5 * 2
  expect_near(values(y[2]), {1});  // 0.5 * 1 + 0.5 * 1
}

TEST(InstanceNormalization, PerImageAndChannel) {
  const auto y = run("InstanceNormalization", {floats({1, 1, 2}, {1, 3}), floats({1}, {2}), floats({1}, {1})},
                     {{"epsilon", real(0)}});
  expect_near(values(y[0]), {-1, 3});
}

TEST(LayerNormalization, StatisticsOutputs) {
  const auto y = run("LayerNormalization", {floats({2, 2}, {1, 3, 0, 4}), floats({2}, {1, 2}), floats({1}, {1})},
                     {{"epsilon", real(0)}}, 17, 3);
  expect_near(values(y[0]), {0, 3, 0, 3});
  EXPECT_EQ(y[1].shape(), (Shape{2, 1}));
  expect_near(values(y[1]), {2, 2});
  expect_near(values(y[2]), {1, 0.5f});
  EXPECT_THROW(run("LayerNormalization", {floats({2, 2}, {1, 3, 0, 4}), floats({3}, {1, 1, 1})}), Error);
}

TEST(LRN, AcrossChannels) {
  const auto y = run("LRN", {floats({1, 2, 1, 1}, {1, 2})},
                     {{"size", integer(3)}, {"alpha", real(3)}, {"beta", real(1)}});
  expect_near(values(y[0]), {1.0f / 6, 2.0f / 6});
}

TEST(MeanVarianceNormalization, DefaultAxes) {
  expect_near(values(run("MeanVarianceNormalization", {floats({1, 1, 1, 2}, {1, 3})})[0]), {-1, 1});
}

}  // namespace
}  // namespace vigil
