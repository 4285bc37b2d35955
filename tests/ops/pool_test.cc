// Pooling operators against hand-computed results: MaxPool indices in both storage
// orders, AveragePool's count_include_pad, ceil_mode, LpPool, global pools, MaxUnpool.
#include <cmath>

#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

TEST(MaxPool, IndicesInBothStorageOrders) {
  const Tensor x = make<float>({1, 1, 2, 3}, {1, 6, 3, 4, 5, 2});
  OpRunner pool = OpRunner("MaxPool", 12).attr("kernel_shape", {2, 2});
  auto y = pool.run({x}, 2);
  expect_near(y[0], {6, 6});
  EXPECT_EQ(values<int64_t>(y[1]), (std::vector<int64_t>{1, 1}));
  y = pool.attr("storage_order", 1).run({x}, 2);
  EXPECT_EQ(values<int64_t>(y[1]), (std::vector<int64_t>{2, 2}));
}

TEST(MaxPool, CeilModeAndIntegers) {
  const Tensor x = make<uint8_t>({1, 1, 5}, {1, 2, 3, 4, 5});
  const Tensor y = OpRunner("MaxPool").attr("kernel_shape", {2}).attr("strides", {2}).attr("ceil_mode", 1).run1({x});
  EXPECT_EQ(values<uint8_t>(y), (std::vector<uint8_t>{2, 4, 5}));
}

TEST(AveragePool, CountIncludePad) {
  const Tensor x = make<float>({1, 1, 2}, {2, 4});
  OpRunner pool = OpRunner("AveragePool").attr("kernel_shape", {2}).attr("pads", {1, 1});
  expect_near(pool.run1({x}), {2, 3, 4});
  expect_near(pool.attr("count_include_pad", 1).run1({x}), {1, 3, 2});
}

TEST(LpPool, NormOfEachWindow) {
  const Tensor x = make<float>({1, 1, 3}, {-1, 2, -3});
  expect_near(OpRunner("LpPool").attr("kernel_shape", {3}).attr("p", 1).run1({x}), {6});
  expect_near(OpRunner("LpPool").attr("kernel_shape", {2}).run1({x}), {std::sqrt(5.0f), std::sqrt(13.0f)});
}

TEST(GlobalPool, ReducesEverySpatialDimension) {
  const Tensor x = make<float>({1, 2, 2, 2}, {1, 2, 3, 4, -1, -2, -3, -4});
  const Tensor y = OpRunner("GlobalAveragePool").run1({x});
  EXPECT_EQ(y.shape(), (Shape{1, 2, 1, 1}));
  expect_near(y, {2.5f, -2.5f});
  expect_near(OpRunner("GlobalMaxPool").run1({x}), {4, -1});
  expect_near(OpRunner("GlobalLpPool").run1({x}), {std::sqrt(30.0f), std::sqrt(30.0f)});
}

TEST(Pool, BadInputRaises) {
  // No kernel_shape.
  expect_error(ErrorKind::BadInput, [] { OpRunner("MaxPool").run1({make<float>({1, 1, 2}, {1, 2})}); });
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("MaxPool").attr("kernel_shape", {3}).run1({make<float>({1, 1, 2}, {1, 2})});
  });
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("AveragePool").attr("kernel_shape", {1}).run1({make<float>({2}, {1, 2})});
  });
}

TEST(MaxUnpool, ScattersAndChecksIndices) {
  const Tensor x = make<float>({1, 1, 2}, {5, 7});
  const OpRunner unpool = OpRunner("MaxUnpool").attr("kernel_shape", {2}).attr("strides", {2});
  expect_near(unpool.run1({x, make<int64_t>({1, 1, 2}, {1, 2})}), {0, 5, 7, 0});
  expect_error(ErrorKind::BadInput, [&] { unpool.run1({x, make<int64_t>({1, 1, 2}, {1, 4})}); });
}

}  // namespace
}  // namespace vigil::testing
