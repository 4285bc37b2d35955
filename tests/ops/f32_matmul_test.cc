// SPDX-License-Identifier: Apache-2.0
// The fast float32 MatMul and Gemm (ops/f32_matmul.cc) against the reference operators
// (the double instantiation of the same operators, on the reference GEMM), with constant
// weights packed at creation, batch broadcasting, 1-D operands, every Gemm C broadcast,
// threads, and the fused "vigil" FusedMatMul and FusedGemm epilogues.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "kernels/epilogue.h"
#include "ops/op_test_util.h"
#include "random_data.h"

namespace vigil::testing {
namespace {

Tensor to_double(const Tensor& t) {
  if (t.empty()) return t;
  Tensor d(DType::Float64, t.shape());
  for (int64_t i = 0; i < t.numel(); ++i) d.data<double>()[i] = t.data<float>()[i];
  return d;
}

// The operator on float32 (fast path, optionally with constant B) against double (reference).
void expect_matches_reference(OpRunner runner, const std::vector<Tensor>& inputs, float tolerance = 2e-5f) {
  std::vector<Tensor> doubles;
  for (const Tensor& t : inputs) doubles.push_back(to_double(t));
  const Tensor expected = runner.run1(doubles);
  for (bool constant_b : {false, true}) {
    OpRunner fast = runner;
    if (constant_b) fast.constant(1);
    const Tensor got = fast.run1(inputs);
    ASSERT_EQ(got.shape(), expected.shape());
    for (int64_t i = 0; i < got.numel(); ++i) {
      ASSERT_NEAR(got.data<float>()[i], expected.data<double>()[i], tolerance) << "element " << i;
    }
  }
}

TEST(F32MatMul, MatchesTheReferenceOnModelShapes) {
  const Shape shapes[][2] = {{{128, 256}, {256, 256}},
                             {{1, 128, 256}, {256, 1024}},
                             {{4, 128, 64}, {4, 64, 128}},
                             {{2, 3, 5, 7}, {7, 9}},
                             {{5}, {5, 3}},
                             {{3, 5}, {5}},
                             {{1, 4, 17, 33}, {4, 1, 33, 19}}};
  uint32_t seed = 1;
  for (const auto& s : shapes) {
    for (int threads : {1, 2}) {
      expect_matches_reference(OpRunner("MatMul", 13).threads(threads),
                               {random_tensor(s[0], seed), random_tensor(s[1], seed + 1)});
    }
    seed += 2;
  }
}

TEST(F32Gemm, EveryBroadcastOfCMatchesTheReference) {
  const Shape c_shapes[] = {{}, {1}, {40}, {1, 40}, {30, 1}, {30, 40}};
  for (const Shape& c_shape : c_shapes) {
    for (int trans = 0; trans < 4; ++trans) {
      const bool ta = trans & 1, tb = trans & 2;
      const Tensor a = random_tensor(ta ? Shape{50, 30} : Shape{30, 50}, 3);
      const Tensor b = random_tensor(tb ? Shape{40, 50} : Shape{50, 40}, 4);
      OpRunner gemm = OpRunner("Gemm", 13).attr("transA", ta ? 1 : 0).attr("transB", tb ? 1 : 0);
      expect_matches_reference(gemm.attr("alpha", 0.5f).attr("beta", 2.0f), {a, b, random_tensor(c_shape, 5)});
      expect_matches_reference(OpRunner("Gemm", 13).attr("transA", ta ? 1 : 0).attr("transB", tb ? 1 : 0),
                               {a, b, random_tensor(c_shape, 6)});
    }
  }
}

TEST(FusedMatMul, AppliesScaleBiasResidualAndActivation) {
  const Tensor a = random_tensor({2, 16, 24}, 7), b = random_tensor({24, 40}, 8);
  const Tensor bias = random_tensor({40}, 9), z = random_tensor({2, 16, 40}, 10);
  const Tensor product = OpRunner("MatMul", 13).run1({to_double(a), to_double(b)});
  const Tensor y = OpRunner("FusedMatMul")
                       .domain("vigil")
                       .attr("alpha", 0.125f)
                       .attr("activation", std::string("Gelu"))
                       .constant(1)
                       .threads(2)
                       .run1({a, b, bias, z});
  ASSERT_EQ(y.shape(), (Shape{2, 16, 40}));
  for (int64_t i = 0; i < y.numel(); ++i) {
    const double x = 0.125 * product.data<double>()[i] + bias.data<float>()[i % 40] + z.data<float>()[i];
    const double gelu = 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    ASSERT_NEAR(y.data<float>()[i], gelu, 1e-5) << i;
  }
}

TEST(FusedGemm, ClipActivationFollowsBetaC) {
  const Tensor a = random_tensor({9, 11}, 11), b = random_tensor({11, 13}, 12), c = random_tensor({13}, 13);
  const Tensor plain = OpRunner("Gemm", 13).attr("beta", 0.5f).run1({to_double(a), to_double(b), to_double(c)});
  const Tensor y = OpRunner("FusedGemm")
                       .domain("vigil")
                       .attr("beta", 0.5f)
                       .attr("activation", std::string("Clip"))
                       .attr("activation_params", std::vector<float>{-0.2f, 0.3f})
                       .run1({a, b, c});
  for (int64_t i = 0; i < y.numel(); ++i) {
    ASSERT_NEAR(y.data<float>()[i], std::clamp(plain.data<double>()[i], -0.2, 0.3), 1e-5) << i;
  }
}

TEST(FusedMatMul, RefusesBadActivationsAndOtherTypes) {
  const Tensor a = random_tensor({2, 3}, 14), b = random_tensor({3, 4}, 15);
  expect_error(ErrorKind::BadInput, [&] {
    OpRunner("FusedMatMul").domain("vigil").attr("activation", std::string("Swish")).run1({a, b});
  });
  expect_error(ErrorKind::BadInput, [&] {
    OpRunner("FusedMatMul").domain("vigil").attr("activation", std::string("Clip")).run1({a, b});
  });
  expect_error(ErrorKind::Unsupported, [&] {
    OpRunner("FusedMatMul").domain("vigil").run1({to_double(a), to_double(b)});
  });
  expect_error(ErrorKind::BadInput, [&] {
    OpRunner("FusedMatMul").domain("vigil").run1({a, b, random_tensor({3}, 16)});
  });
}

}  // namespace
}  // namespace vigil::testing
