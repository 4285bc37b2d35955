// Conv and ConvTranspose against hand-computed results: padding, strides, dilations,
// groups with bias, auto_pad, 3-D, output_padding, and bad shapes raising vigil::Error.
#include "ops/nn_test_util.h"

namespace vigil {
namespace {

using namespace nn_testing;

TEST(Conv, OneDimensionalWithPads) {
  const auto y = run("Conv", {floats({1, 1, 5}, {1, 2, 3, 4, 5}), floats({1, 1, 3}, {1, 0, -1})},
                     {{"pads", ints({1, 1})}});
  EXPECT_EQ(y[0].shape(), (Shape{1, 1, 5}));
  expect_near(values(y[0]), {-2, -2, -2, -2, 4});
}

TEST(Conv, DepthwiseGroupsWithBias) {
  const auto y = run("Conv", {floats({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}), floats({2, 1, 1, 1}, {2, 3}),
                              floats({2}, {1, -1})},
                     {{"group", integer(2)}});
  expect_near(values(y[0]), {3, 5, 7, 9, 14, 17, 20, 23});
}

TEST(Conv, DilationsAndStrides) {
  std::vector<float> x(25);
  for (int i = 0; i < 25; ++i) x[i] = static_cast<float>(i);
  const auto y = run("Conv", {floats({1, 1, 5, 5}, x), floats({1, 1, 2, 2}, {1, 1, 1, 1})},
                     {{"dilations", ints({2, 2})}, {"strides", ints({2, 2})}}, 11, 1, 2);
  EXPECT_EQ(y[0].shape(), (Shape{1, 1, 2, 2}));
  expect_near(values(y[0]), {24, 32, 64, 72});
}

TEST(Conv, AutoPadSameUpperAndLower) {
  const Tensor x = floats({1, 1, 4}, {1, 2, 3, 4}), w = floats({1, 1, 2}, {1, 1});
  expect_near(values(run("Conv", {x, w}, {{"auto_pad", text("SAME_UPPER")}})[0]), {3, 5, 7, 4});
  expect_near(values(run("Conv", {x, w}, {{"auto_pad", text("SAME_LOWER")}})[0]), {1, 3, 5, 7});
  EXPECT_EQ(run("Conv", {x, w}, {{"auto_pad", text("VALID")}, {"pads", ints({3, 3})}})[0].shape(), (Shape{1, 1, 3}));
}

TEST(Conv, ThreeDimensionalDouble) {
  const Tensor x = Tensor::from_vector<double>({1, 1, 2, 2, 2}, std::vector<double>(8, 1.5));
  const Tensor w = Tensor::from_vector<double>({1, 1, 2, 2, 2}, std::vector<double>(8, 2.0));
  const auto y = run("Conv", {x, w});
  EXPECT_EQ(y[0].shape(), (Shape{1, 1, 1, 1, 1}));
  EXPECT_DOUBLE_EQ(y[0].data<double>()[0], 24.0);
}

TEST(Conv, BadShapesRaise) {
  EXPECT_THROW(run("Conv", {floats({1, 2, 3}, std::vector<float>(6)), floats({1, 1, 2}, {1, 1})}), Error);
  EXPECT_THROW(run("Conv", {floats({1, 1, 3}, {1, 2, 3}), floats({1, 1, 2}, {1, 1}), floats({2}, {0, 0})}), Error);
  EXPECT_THROW(run("Conv", {floats({1, 1, 2}, {1, 2}), floats({1, 1, 3}, {1, 1, 1})}), Error);
  EXPECT_THROW(run("Conv", {floats({1, 1, 3}, {1, 2, 3}), floats({1, 1, 2}, {1, 1})}, {{"strides", ints({1, 1})}}),
               Error);
}

TEST(Conv, ThreadsGiveTheSameResult) {
  // Large enough for the parallel paths: GEMM tiles (group 1) and (image, group) units.
  std::vector<float> x(2 * 8 * 20 * 20), w(8 * 8 * 3 * 3);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 13) - 6;
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i % 7) * 0.25f;
  for (int64_t group : {1, 8}) {
    const Tensor weights = floats({8, 8 / group, 3, 3}, std::vector<float>(w.begin(), w.begin() + 8 * 8 / group * 9));
    const AttributeList attributes = {{"group", integer(group)}, {"pads", ints({1, 1, 1, 1})}};
    const auto serial = run("Conv", {floats({2, 8, 20, 20}, x), weights}, attributes, 11, 1, 1);
    const auto parallel = run("Conv", {floats({2, 8, 20, 20}, x), weights}, attributes, 11, 1, 2);
    expect_near(values(parallel[0]), values(serial[0]));
  }
}

TEST(ConvTranspose, StrideAndOutputPadding) {
  const Tensor x = floats({1, 1, 3}, {1, 2, 3}), w = floats({1, 1, 2}, {1, 1});
  expect_near(values(run("ConvTranspose", {x, w}, {{"strides", ints({2})}})[0]), {1, 1, 2, 2, 3, 3});
  expect_near(values(run("ConvTranspose", {x, w}, {{"strides", ints({2})}, {"output_padding", ints({1})}})[0]),
              {1, 1, 2, 2, 3, 3, 0});
  // Overlapping windows add up; pads trim the ends.
  expect_near(values(run("ConvTranspose", {x, w, floats({1}, {10})}, {{"pads", ints({1, 1})}})[0]), {13, 15});
}

TEST(ConvTranspose, GroupsAndOutputShape) {
  const Tensor x = floats({1, 2, 2}, {1, 2, 3, 4}), w = floats({2, 1, 1}, {2, -1});
  const auto y = run("ConvTranspose", {x, w}, {{"group", integer(2)}, {"output_shape", ints({3})}});
  EXPECT_EQ(y[0].shape(), (Shape{1, 2, 3}));
  expect_near(values(y[0]), {2, 4, 0, -3, -4, 0});
}

}  // namespace
}  // namespace vigil
