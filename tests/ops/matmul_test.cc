// The reference GEMM kernel, MatMul (1-D operands, broadcast batches, integers), Gemm
// (transposes, alpha, beta, broadcast C) and Einsum equations, against hand-computed
// results; mismatched shapes raise vigil::Error.
#include "kernels/ref/gemm_ref.h"
#include "ops/nn_test_util.h"

namespace vigil {
namespace {

using namespace nn_testing;

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
  auto y = run("MatMul", {floats({2}, {1, 2}), floats({2}, {3, 4})});
  EXPECT_EQ(y[0].shape(), Shape{});
  expect_near(values(y[0]), {11});
  y = run("MatMul", {floats({2, 1, 2}, {1, 2, 3, 4}), floats({2, 1}, {1, 1})});
  EXPECT_EQ(y[0].shape(), (Shape{2, 1, 1}));
  expect_near(values(y[0]), {3, 7});
  y = run("MatMul", {floats({3}, {1, 1, 1}), floats({2, 3, 1}, {1, 2, 3, 4, 5, 6})});
  EXPECT_EQ(y[0].shape(), (Shape{2, 1}));
  expect_near(values(y[0]), {6, 15});
}

TEST(MatMul, IntegersAndBadShapes) {
  const auto y = run("MatMul", {Tensor::from_vector<int64_t>({1, 2}, {2, 3}), Tensor::from_vector<int64_t>({2, 1}, {4, 5})});
  EXPECT_EQ(values<int64_t>(y[0]), (std::vector<int64_t>{23}));
  EXPECT_THROW(run("MatMul", {floats({2, 3}, std::vector<float>(6)), floats({2, 3}, std::vector<float>(6))}), Error);
  EXPECT_THROW(run("MatMul", {floats({2, 2, 2}, std::vector<float>(8)), floats({3, 2, 2}, std::vector<float>(12))}),
               Error);
}

TEST(Gemm, AllAttributes) {
  const Tensor a = floats({2, 1}, {1, 2});       // transA: 1 x 2
  const Tensor b = floats({2, 2}, {1, 2, 3, 4});  // transB: [[1, 3], [2, 4]]
  const auto y = run("Gemm", {a, b, floats({2}, {10, 20})},
                     {{"transA", integer(1)}, {"transB", integer(1)}, {"alpha", real(2)}, {"beta", real(0.5f)}});
  EXPECT_EQ(y[0].shape(), (Shape{1, 2}));
  expect_near(values(y[0]), {15, 32});
  expect_near(values(run("Gemm", {floats({1, 1}, {2}), floats({1, 1}, {3})})[0]), {6});
  EXPECT_THROW(run("Gemm", {floats({2, 2}, {1, 2, 3, 4}), floats({2, 2}, {1, 2, 3, 4}), floats({3}, {1, 2, 3})}),
               Error);
}

TEST(Einsum, Equations) {
  const Tensor m = floats({2, 2}, {1, 2, 3, 4});
  expect_near(values(run("Einsum", {m}, {{"equation", text("ii->i")}})[0]), {1, 4});
  expect_near(values(run("Einsum", {m}, {{"equation", text("ii")}})[0]), {5});
  expect_near(values(run("Einsum", {m}, {{"equation", text("ij->")}})[0]), {10});
  expect_near(values(run("Einsum", {m}, {{"equation", text("ba")}})[0]), {1, 3, 2, 4});
  expect_near(values(run("Einsum", {m, m}, {{"equation", text("ij,jk")}})[0]), {7, 10, 15, 22});
  const auto y = run("Einsum", {floats({2, 1, 2}, {1, 2, 3, 4}), m}, {{"equation", text("...ij,jk->...ik")}});
  EXPECT_EQ(y[0].shape(), (Shape{2, 1, 2}));
  expect_near(values(y[0]), {7, 10, 15, 22});
  EXPECT_THROW(run("Einsum", {m}, {{"equation", text("ij,jk")}}), Error);
  EXPECT_THROW(run("Einsum", {m}, {{"equation", text("i->i")}}), Error);
}

}  // namespace
}  // namespace vigil
