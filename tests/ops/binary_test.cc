// SPDX-License-Identifier: Apache-2.0
// Binary elementwise operators: broadcasting corner cases (also of the shared loop in
// elementwise.h), integer division and modulo semantics, mixed-type Pow, bit shifts,
// the pre-opset-7 broadcast attributes and PRelu's slope.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ops/elementwise.h"
#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

template <class T>
std::vector<T> iota(int64_t n, T start = 0) {
  std::vector<T> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[i] = static_cast<T>(start + static_cast<T>(i));
  return v;
}

TEST(BroadcastLayout, MergesContiguousDimensions) {
  const Shape out{2, 3, 4, 5};
  const Shape same{2, 3, 4, 5}, scalar{}, channel{3, 1, 1}, row{5};
  BroadcastLayout<2> equal(out, {&same, &scalar});
  EXPECT_EQ(equal.dims, (Shape{120}));
  EXPECT_EQ(equal.strides[0], (Shape{1}));
  EXPECT_EQ(equal.strides[1], (Shape{0}));
  BroadcastLayout<2> per_channel(out, {&same, &channel});
  EXPECT_EQ(per_channel.dims, (Shape{2, 3, 20}));
  EXPECT_EQ(per_channel.strides[1], (Shape{0, 1, 0}));
  BroadcastLayout<2> per_row(out, {&same, &row});
  EXPECT_EQ(per_row.dims, (Shape{24, 5}));
  EXPECT_EQ(per_row.strides[1], (Shape{0, 1}));
}

TEST(BinaryOps, BroadcastShapes) {
  const Tensor a = Tensor::from_vector<int32_t>({2, 1, 3}, iota<int32_t>(6));
  const Tensor b = Tensor::from_vector<int32_t>({2, 1}, {10, 20});
  const Tensor sum = OpRunner("Add").run1({a, b});
  EXPECT_EQ(sum.shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(values<int32_t>(sum), (std::vector<int32_t>{10, 11, 12, 20, 21, 22, 13, 14, 15, 23, 24, 25}));
  // Both sides broadcast, scalar with scalar, scalar with a tensor.
  const Tensor column = Tensor::from_vector<float>({3, 1}, {1, 2, 3});
  const Tensor row = Tensor::from_vector<float>({1, 2}, {10, 100});
  EXPECT_EQ(values<float>(OpRunner("Mul").run1({column, row})), (std::vector<float>{10, 100, 20, 200, 30, 300}));
  EXPECT_EQ(values<float>(OpRunner("Sub").run1({Tensor::scalar<float>(5), Tensor::scalar<float>(2)})),
            (std::vector<float>{3}));
  EXPECT_EQ(OpRunner("Sub").run1({Tensor::scalar<float>(5), Tensor::scalar<float>(2)}).shape(), Shape{});
  EXPECT_EQ(values<float>(OpRunner("Sub").run1({Tensor::scalar<float>(5), column})), (std::vector<float>{4, 3, 2}));
  // Empty dimensions broadcast to empty results.
  const Tensor empty = OpRunner("Add").run1({Tensor(DType::Float32, {0, 3}), Tensor(DType::Float32, {1, 3})});
  EXPECT_EQ(empty.shape(), (Shape{0, 3}));
  expect_error(ErrorKind::BadInput, [&] {
    OpRunner("Add").run1({Tensor(DType::Float32, {2, 3}), Tensor(DType::Float32, {4})});
  });
  expect_error(ErrorKind::BadInput, [&] {
    OpRunner("Add").run1({Tensor(DType::Float32, {2}), Tensor(DType::Float64, {2})});
  });
}

TEST(BinaryOps, LegacyBroadcastAttributes) {
  const Tensor a(DType::Float32, {2, 3, 2});
  const Tensor b = Tensor::from_vector<float>({3}, {1, 2, 3});
  const Tensor placed = OpRunner("Add", 6).attr("broadcast", 1).attr("axis", 1).run1({a, b});
  EXPECT_EQ(values<float>(placed), (std::vector<float>{1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}));
  const Tensor suffix = Tensor::from_vector<float>({2}, {1, 2});
  EXPECT_EQ(values<float>(OpRunner("Add", 6).attr("broadcast", 1).run1({a, suffix}))[1], 2.0f);
  // Without the attribute, opset 6 requires equal shapes.
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Add", 6).run1({a, suffix}); });
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Add", 6).attr("broadcast", 1).attr("axis", 2).run1({a, b}); });
}

// As numpy and ONNX Runtime compute them: two's complement, without undefined behaviour.
TEST(BinaryOps, IntegerOverflowWraps) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  const Tensor a = Tensor::from_vector<int64_t>({3}, {kMax, kMin, 1000000007});
  const Tensor b = Tensor::from_vector<int64_t>({3}, {1, 1, 1000000007});
  EXPECT_EQ(OpRunner("Add").run1({a, b}).to_int64_vector(), (std::vector<int64_t>{kMin, kMin + 1, 2000000014}));
  EXPECT_EQ(OpRunner("Sub").run1({b, a}).to_int64_vector(), (std::vector<int64_t>{kMin + 2, kMin + 1, 0}));
  EXPECT_EQ(OpRunner("Mul").run1({a, b}).to_int64_vector()[2], int64_t{1000000014000000049});
  const Tensor big = Tensor::from_vector<int32_t>({2}, {1000000007, 1000000007});
  EXPECT_EQ(OpRunner("ReduceProd", 13).attr("keepdims", 0).run1({big}).to_int64_vector()[0],
            static_cast<int32_t>(static_cast<uint32_t>(1000000007u * 1000000007u)));
}

TEST(BinaryOps, IntegerDivisionTruncates) {
  const Tensor a = Tensor::from_vector<int32_t>({4}, {7, -7, 7, std::numeric_limits<int32_t>::min()});
  const Tensor b = Tensor::from_vector<int32_t>({4}, {2, 2, -2, -1});
  EXPECT_EQ(values<int32_t>(OpRunner("Div").run1({a, b})),
            (std::vector<int32_t>{3, -3, -3, std::numeric_limits<int32_t>::min()}));
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Div").run1({a, Tensor::scalar<int32_t>(0)}); });
  EXPECT_TRUE(std::isinf(values<float>(OpRunner("Div").run1({Tensor::scalar<float>(1), Tensor::scalar<float>(0)}))[0]));
}

TEST(BinaryOps, ModSignConventions) {
  const Tensor a = Tensor::from_vector<int32_t>({4}, {-7, 7, -7, 6});
  const Tensor b = Tensor::from_vector<int32_t>({4}, {3, -3, -3, 3});
  EXPECT_EQ(values<int32_t>(OpRunner("Mod").run1({a, b})), (std::vector<int32_t>{2, -2, -1, 0}));
  EXPECT_EQ(values<int32_t>(OpRunner("Mod").attr("fmod", 1).run1({a, b})), (std::vector<int32_t>{-1, 1, -1, 0}));
  const Tensor fa = Tensor::from_vector<float>({2}, {-7.5f, 7.5f});
  const Tensor fb = Tensor::from_vector<float>({2}, {2, 2});
  EXPECT_EQ(values<float>(OpRunner("Mod").attr("fmod", 1).run1({fa, fb})), (std::vector<float>{-1.5f, 1.5f}));
  EXPECT_EQ(values<float>(OpRunner("Mod").run1({fa, fb})), (std::vector<float>{0.5f, 1.5f}));
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Mod").run1({a, Tensor::scalar<int32_t>(0)}); });
  EXPECT_EQ(values<uint8_t>(OpRunner("Mod").run1({Tensor::scalar<uint8_t>(250), Tensor::scalar<uint8_t>(7)})),
            (std::vector<uint8_t>{5}));
}

TEST(BinaryOps, PowMixedTypes) {
  const Tensor base = Tensor::from_vector<int64_t>({3}, {3, -2, 5});
  EXPECT_EQ(values<int64_t>(OpRunner("Pow").run1({base, Tensor::from_vector<int64_t>({3}, {4, 3, 0})})),
            (std::vector<int64_t>{81, -8, 1}));
  // Exact beyond double's 53 bits.
  EXPECT_EQ(values<int64_t>(OpRunner("Pow").run1({Tensor::scalar<int64_t>(3), Tensor::scalar<int32_t>(39)}))[0],
            4052555153018976267LL);
  EXPECT_EQ(values<int64_t>(
                OpRunner("Pow").run1({Tensor::from_vector<int64_t>({3}, {3, 4, 5}), Tensor::scalar<float>(0.5f)})),
            (std::vector<int64_t>{1, 2, 2}));
  const Tensor fbase = Tensor::from_vector<float>({2}, {2, 9});
  EXPECT_EQ(values<float>(OpRunner("Pow").run1({fbase, Tensor::scalar<uint64_t>(3)})), (std::vector<float>{8, 729}));
  EXPECT_EQ(values<float>(OpRunner("Pow").run1({fbase, Tensor::scalar<float>(-0.5f)}))[1], 1.0f / 3);
}

TEST(BinaryOps, BitShift) {
  const Tensor x = Tensor::from_vector<uint8_t>({3}, {1, 0x81, 16});
  const Tensor s = Tensor::from_vector<uint8_t>({3}, {3, 1, 8});
  EXPECT_EQ(values<uint8_t>(OpRunner("BitShift").attr("direction", "LEFT").run1({x, s})),
            (std::vector<uint8_t>{8, 2, 0}));
  EXPECT_EQ(values<uint8_t>(OpRunner("BitShift").attr("direction", "RIGHT").run1({x, s})),
            (std::vector<uint8_t>{0, 0x40, 0}));
  expect_error(ErrorKind::BadInput, [&] { OpRunner("BitShift").attr("direction", "UP").run1({x, s}); });
  const Tensor signed_x = Tensor::from_vector<int32_t>({1}, {1});
  expect_error(ErrorKind::BadInput, [&] { OpRunner("BitShift").attr("direction", "LEFT").run1({signed_x, signed_x}); });
}

TEST(BinaryOps, LogicAndComparisons) {
  const Tensor p = Tensor::from_vector<bool>({4}, {true, true, false, false});
  const Tensor q = Tensor::from_vector<bool>({4}, {true, false, true, false});
  EXPECT_EQ(values<bool>(OpRunner("And").run1({p, q})), (std::vector<bool>{true, false, false, false}));
  EXPECT_EQ(values<bool>(OpRunner("Or").run1({p, q})), (std::vector<bool>{true, true, true, false}));
  EXPECT_EQ(values<bool>(OpRunner("Xor").run1({p, q})), (std::vector<bool>{false, true, true, false}));
  EXPECT_EQ(values<bool>(OpRunner("Equal").run1({p, q})), (std::vector<bool>{true, false, false, true}));
  expect_error(ErrorKind::BadInput, [&] {
    OpRunner("And").run1({Tensor::scalar<int32_t>(1), Tensor::scalar<int32_t>(1)});
  });
  const Tensor h = Tensor::from_vector<Half>({3}, {Half(1.0f), Half(2.0f), Half(3.0f)});
  const Tensor two = Tensor::scalar<Half>(Half(2.0f));
  EXPECT_EQ(values<bool>(OpRunner("Less").run1({h, two})), (std::vector<bool>{true, false, false}));
  EXPECT_EQ(values<bool>(OpRunner("LessOrEqual").run1({h, two})), (std::vector<bool>{true, true, false}));
  EXPECT_EQ(values<bool>(OpRunner("Greater").run1({h, two})), (std::vector<bool>{false, false, true}));
  EXPECT_EQ(values<bool>(OpRunner("GreaterOrEqual").run1({h, two})), (std::vector<bool>{false, true, true}));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(values<bool>(OpRunner("Equal").run1({Tensor::scalar<float>(nan), Tensor::scalar<float>(nan)})),
            (std::vector<bool>{false}));
}

TEST(BinaryOps, PReluSlope) {
  const Tensor x = Tensor::from_vector<float>({2, 2}, {-1, 2, -3, 4});
  EXPECT_EQ(values<float>(OpRunner("PRelu").run1({x, Tensor::from_vector<float>({2}, {0.5f, 0.25f})})),
            (std::vector<float>{-0.5f, 2, -1.5f, 4}));
  EXPECT_EQ(values<float>(OpRunner("PRelu").run1({x, Tensor::scalar<float>(0.1f)}))[2], -0.3f);
  // Unidirectional: the slope may not widen x.
  expect_error(ErrorKind::BadInput, [&] { OpRunner("PRelu").run1({Tensor::from_vector<float>({2}, {-1, 1}), x}); });
  // Opset 6: a slope of x's channel count applies along axis 1.
  const Tensor nchw = Tensor::from_vector<float>({1, 2, 1, 2}, {-1, -1, -2, -2});
  EXPECT_EQ(values<float>(OpRunner("PRelu", 6).run1({nchw, Tensor::from_vector<float>({2}, {0.5f, 3})})),
            (std::vector<float>{-0.5f, -0.5f, -6, -6}));
  EXPECT_EQ(
      values<int32_t>(OpRunner("PRelu").run1({Tensor::from_vector<int32_t>({2}, {-4, 4}), Tensor::scalar<int32_t>(2)})),
      (std::vector<int32_t>{-8, 4}));
}

}  // namespace
}  // namespace vigil::testing
