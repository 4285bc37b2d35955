// SPDX-License-Identifier: Apache-2.0
// The reference GEMM kernel, MatMul (1-D operands, broadcast batches, integers), Gemm
// (transposes, alpha, beta, broadcast C) and Einsum equations, against hand-computed
// results; mismatched shapes raise vigil::Error.
#include "kernels/ref/gemm_ref.h"
#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

TEST(GemmRef, LeadingDimensionsTransposesAndBeta) {
  // A = [[1, 2], [3, 4]] stored transposed; B = [[1, 0], [0, 1], ...] with ld 3.
  const float a_t[] = {1, 3, 2, 4};
  const float b[] = {5, 6, -1, 7, 8, -1};
  float c[] = {1, 1, 9, 1, 1, 9};
  kernels::f32_gemm_ref(2, 2, 2, 2.0f, {a_t, 2, true}, {b, 3}, 1.0f, c, 3);
  // A * B = [[19, 22], [43, 50]]; C = 2 * A * B + C; column 2 untouched.
  expect_near(std::vector<float>(c, c + 6), {39, 45, 9, 87, 101, 9});
  double y[4] = {7, 7, 7, 7};
  const double x[] = {1, 2, 3, 4};
  kernels::f64_gemm_ref(2, 2, 2, 1.0, {x, 2}, {x, 2, true}, 0.0, y, 2);
  EXPECT_DOUBLE_EQ(y[1], 11.0);
}

TEST(MatMul, VectorsAndBroadcastBatches) {
  const OpRunner matmul("MatMul");
  Tensor y = matmul.run1({make<float>({2}, {1, 2}), make<float>({2}, {3, 4})});
  EXPECT_EQ(y.shape(), Shape{});
  expect_near(y, {11});
  y = matmul.run1({make<float>({2, 1, 2}, {1, 2, 3, 4}), make<float>({2, 1}, {1, 1})});
  EXPECT_EQ(y.shape(), (Shape{2, 1, 1}));
  expect_near(y, {3, 7});
  y = matmul.run1({make<float>({3}, {1, 1, 1}), make<float>({2, 3, 1}, {1, 2, 3, 4, 5, 6})});
  EXPECT_EQ(y.shape(), (Shape{2, 1}));
  expect_near(y, {6, 15});
}

TEST(MatMul, IntegersAndBadShapes) {
  const OpRunner matmul("MatMul");
  const Tensor y = matmul.run1({make<int64_t>({1, 2}, {2, 3}), make<int64_t>({2, 1}, {4, 5})});
  EXPECT_EQ(values<int64_t>(y), (std::vector<int64_t>{23}));
  expect_error(ErrorKind::BadInput, [&] {
    matmul.run1({make<float>({2, 3}, std::vector<float>(6)), make<float>({2, 3}, std::vector<float>(6))});
  });
  expect_error(ErrorKind::BadInput, [&] {
    matmul.run1({make<float>({2, 2, 2}, std::vector<float>(8)), make<float>({3, 2, 2}, std::vector<float>(12))});
  });
}

TEST(Gemm, AllAttributes) {
  const Tensor a = make<float>({2, 1}, {1, 2});        // transA: 1 x 2
  const Tensor b = make<float>({2, 2}, {1, 2, 3, 4});  // transB: [[1, 3], [2, 4]]
  const Tensor y = OpRunner("Gemm")
                       .attr("transA", 1)
                       .attr("transB", 1)
                       .attr("alpha", 2.0f)
                       .attr("beta", 0.5f)
                       .run1({a, b, make<float>({2}, {10, 20})});
  EXPECT_EQ(y.shape(), (Shape{1, 2}));
  expect_near(y, {15, 32});
  expect_near(OpRunner("Gemm").run1({make<float>({1, 1}, {2}), make<float>({1, 1}, {3})}), {6});
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("Gemm").run1(
        {make<float>({2, 2}, {1, 2, 3, 4}), make<float>({2, 2}, {1, 2, 3, 4}), make<float>({3}, {1, 2, 3})});
  });
}

TEST(Einsum, Equations) {
  const Tensor m = make<float>({2, 2}, {1, 2, 3, 4});
  auto einsum = [](const char* equation) { return OpRunner("Einsum").attr("equation", equation); };
  expect_near(einsum("ii->i").run1({m}), {1, 4});
  expect_near(einsum("ii").run1({m}), {5});
  expect_near(einsum("ij->").run1({m}), {10});
  expect_near(einsum("ba").run1({m}), {1, 3, 2, 4});
  expect_near(einsum("ij,jk").run1({m, m}), {7, 10, 15, 22});
  const Tensor y = einsum("...ij,jk->...ik").run1({make<float>({2, 1, 2}, {1, 2, 3, 4}), m});
  EXPECT_EQ(y.shape(), (Shape{2, 1, 2}));
  expect_near(y, {7, 10, 15, 22});
  expect_error(ErrorKind::BadInput, [&] { einsum("ij,jk").run1({m}); });
  expect_error(ErrorKind::BadInput, [&] { einsum("i->i").run1({m}); });
}

}  // namespace
}  // namespace vigil::testing
