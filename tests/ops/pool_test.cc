// Pooling operators against hand-computed results: MaxPool indices in both storage
// orders, AveragePool's count_include_pad, ceil_mode, LpPool, global pools, MaxUnpool.
#include <cmath>

#include "ops/nn_test_util.h"

namespace vigil {
namespace {

using namespace nn_testing;

TEST(MaxPool, IndicesInBothStorageOrders) {
  const Tensor x = floats({1, 1, 2, 3}, {1, 6, 3, 4, 5, 2});
  const AttributeList kernel = {{"kernel_shape", ints({2, 2})}};
  auto y = run("MaxPool", {x}, kernel, 12, 2);
  expect_near(values(y[0]), {6, 6});
  EXPECT_EQ(values<int64_t>(y[1]), (std::vector<int64_t>{1, 1}));
  AttributeList column_major = kernel;
  column_major.push_back({"storage_order", integer(1)});
  y = run("MaxPool", {x}, column_major, 12, 2);
  EXPECT_EQ(values<int64_t>(y[1]), (std::vector<int64_t>{2, 2}));
}

TEST(MaxPool, CeilModeAndIntegers) {
  const Tensor x = Tensor::from_vector<uint8_t>({1, 1, 5}, {1, 2, 3, 4, 5});
  const auto y = run("MaxPool", {x}, {{"kernel_shape", ints({2})}, {"strides", ints({2})}, {"ceil_mode", integer(1)}});
  EXPECT_EQ(values<uint8_t>(y[0]), (std::vector<uint8_t>{2, 4, 5}));
}

TEST(AveragePool, CountIncludePad) {
  const Tensor x = floats({1, 1, 2}, {2, 4});
  const AttributeList attributes = {{"kernel_shape", ints({2})}, {"pads", ints({1, 1})}};
  expect_near(values(run("AveragePool", {x}, attributes)[0]), {2, 3, 4});
  AttributeList include = attributes;
  include.push_back({"count_include_pad", integer(1)});
  expect_near(values(run("AveragePool", {x}, include)[0]), {1, 3, 2});
}

TEST(LpPool, NormOfEachWindow) {
  const Tensor x = floats({1, 1, 3}, {-1, 2, -3});
  expect_near(values(run("LpPool", {x}, {{"kernel_shape", ints({3})}, {"p", integer(1)}})[0]), {6});
  expect_near(values(run("LpPool", {x}, {{"kernel_shape", ints({2})}})[0]), {std::sqrt(5.0f), std::sqrt(13.0f)});
}

TEST(GlobalPool, ReducesEverySpatialDimension) {
  const Tensor x = floats({1, 2, 2, 2}, {1, 2, 3, 4, -1, -2, -3, -4});
  auto y = run("GlobalAveragePool", {x});
  EXPECT_EQ(y[0].shape(), (Shape{1, 2, 1, 1}));
  expect_near(values(y[0]), {2.5f, -2.5f});
  expect_near(values(run("GlobalMaxPool", {x})[0]), {4, -1});
  expect_near(values(run("GlobalLpPool", {x})[0]), {std::sqrt(30.0f), std::sqrt(30.0f)});
}

TEST(Pool, BadInputRaises) {
  EXPECT_THROW(run("MaxPool", {floats({1, 1, 2}, {1, 2})}), Error);  // no kernel_shape
  EXPECT_THROW(run("MaxPool", {floats({1, 1, 2}, {1, 2})}, {{"kernel_shape", ints({3})}}), Error);
  EXPECT_THROW(run("AveragePool", {floats({2}, {1, 2})}, {{"kernel_shape", ints({1})}}), Error);
}

TEST(MaxUnpool, ScattersAndChecksIndices) {
  const Tensor x = floats({1, 1, 2}, {5, 7});
  const AttributeList attributes = {{"kernel_shape", ints({2})}, {"strides", ints({2})}};
  expect_near(values(run("MaxUnpool", {x, Tensor::from_vector<int64_t>({1, 1, 2}, {1, 2})}, attributes)[0]),
              {0, 5, 7, 0});
  EXPECT_THROW(run("MaxUnpool", {x, Tensor::from_vector<int64_t>({1, 1, 2}, {1, 4})}, attributes), Error);
}

}  // namespace
}  // namespace vigil
