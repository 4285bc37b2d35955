// SPDX-License-Identifier: Apache-2.0
// The f32 GEMM on every instruction-set path this CPU allows, against the reference
// GEMM (kernels/ref/gemm_ref.h) plus the scalar epilogue: tails below and beyond the
// micro-tile (m < MR, n % NR != 0, k = 1, prime sizes, blocks of k and columns crossed),
// transposed and packed operands, every epilogue part, and thread counts.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/f32_gemm.h"
#include "kernels/ref/gemm_ref.h"
#include "random_data.h"

namespace vigil::kernels {
namespace {

using testing::random_values;

struct Case {
  int64_t m, n, k;
  bool transpose_a, transpose_b, pack_a, pack_b;
  int threads;
};

// Runs one case on `isa` and compares with the reference; returns the max abs error.
void check_case(Isa isa, const Case& c, const Epilogue& epilogue_in) {
  const std::vector<float> a = random_values(c.m * c.k, 1), b = random_values(c.k * c.n, 2);
  const std::vector<float> bias = random_values(std::max(c.m, c.n), 3), residual = random_values(c.m * c.n, 4);
  Epilogue epilogue = epilogue_in;
  if (epilogue.bias) epilogue.bias = bias.data();
  if (epilogue.residual) {
    epilogue.residual = residual.data();
    epilogue.residual_ld = c.n;
  }
  const F32Matrix a_matrix{a.data(), c.transpose_a ? c.m : c.k, c.transpose_a};
  const F32Matrix b_matrix{b.data(), c.transpose_b ? c.k : c.n, c.transpose_b};
  std::vector<float> expected(c.m * c.n);
  gemm_ref<float>(c.m, c.n, c.k, 1.0f, {a_matrix.data, a_matrix.ld, a_matrix.transposed},
                  {b_matrix.data, b_matrix.ld, b_matrix.transposed}, 0.0f, expected.data(), c.n);
  for (int64_t i = 0; i < c.m; ++i) {
    for (int64_t j = 0; j < c.n; ++j) {
      float v = expected[i * c.n + j] * epilogue.scale;
      if (epilogue.bias) v += epilogue.bias_per_column ? bias[j] : bias[i];
      if (epilogue.residual) v += residual[i * c.n + j];
      expected[i * c.n + j] = apply_activation(epilogue.activation, v);
    }
  }
  F32PackedA packed_a;
  F32PackedB packed_b;
  F32GemmA a_operand;
  a_operand.matrix = a_matrix;
  F32GemmB b_operand;
  b_operand.matrix = b_matrix;
  if (c.pack_a) {
    packed_a = F32PackedA(c.m, c.k, a_matrix, isa);
    a_operand.packed = &packed_a;
  }
  if (c.pack_b) {
    packed_b = F32PackedB(c.k, c.n, b_matrix, isa);
    b_operand.packed = &packed_b;
  }
  std::vector<float> got(c.m * c.n, std::nanf(""));
  set_active_isa(isa);
  f32_gemm(c.m, c.n, c.k, a_operand, b_operand, got.data(), c.n, epilogue, c.threads);
  double max_error = 0.0;
  for (size_t i = 0; i < got.size(); ++i) max_error = std::max<double>(max_error, std::fabs(got[i] - expected[i]));
  // Sums of k products of values in [-1, 1], reordered: a few ulps of sqrt(k).
  const double bound = 2e-6 * (c.k + 4);
  EXPECT_LE(max_error, bound) << isa_name(isa) << " m=" << c.m << " n=" << c.n << " k=" << c.k
                              << " ta=" << c.transpose_a << " tb=" << c.transpose_b << " pa=" << c.pack_a
                              << " pb=" << c.pack_b << " threads=" << c.threads;
}

std::vector<Isa> available_paths() {
  std::vector<Isa> paths;
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    if (static_cast<int>(isa) <= static_cast<int>(detected_isa())) paths.push_back(isa);
  }
  return paths;
}

class F32GemmOnPath : public ::testing::TestWithParam<Isa> {
 protected:
  void TearDown() override { set_active_isa(detected_isa()); }
};

TEST_P(F32GemmOnPath, ShapesAndLayoutsMatchTheReference) {
  const int64_t sizes[][3] = {{1, 1, 1},    {7, 13, 1},    {8, 32, 5},       {9, 33, 17},  {31, 47, 257},
                              {3, 100, 64}, {64, 49, 576}, {150, 1030, 300}, {200, 5, 513}};
  for (const auto& s : sizes) {
    for (int layout = 0; layout < 16; ++layout) {
      const Case c{s[0], s[1], s[2], bool(layout & 1), bool(layout & 2), bool(layout & 4), bool(layout & 8), 1};
      check_case(GetParam(), c, {});
    }
  }
}

// A product of one row (a fully connected layer at batch 1) takes a path of its own in the
// micro-kernels; it adds in the same order as a full tile, so each row's outputs are the
// same bits whether the row is computed alone or with others (first and last row tiles).
TEST_P(F32GemmOnPath, OneRowAloneIsTheSameBitsAsInAFullProduct) {
  const Isa isa = GetParam();
  set_active_isa(isa);
  for (const int64_t k : {5, 300, 700}) {
    for (const int64_t n : {33, 100}) {
      for (const bool pack_b : {false, true}) {
        const int64_t m = 9;
        const std::vector<float> a = random_values(m * k, 5), b = random_values(k * n, 6);
        const F32Matrix b_matrix{b.data(), n, false};
        F32PackedB packed_b;
        F32GemmB b_operand;
        b_operand.matrix = b_matrix;
        if (pack_b) {
          packed_b = F32PackedB(k, n, b_matrix, isa);
          b_operand.packed = &packed_b;
        }
        std::vector<float> all(m * n), one(n);
        F32GemmA a_operand;
        a_operand.matrix = F32Matrix{a.data(), k, false};
        f32_gemm(m, n, k, a_operand, b_operand, all.data(), n, {}, 1);
        for (const int64_t i : {int64_t{0}, m - 1}) {
          a_operand.matrix = F32Matrix{a.data() + i * k, k, false};
          f32_gemm(1, n, k, a_operand, b_operand, one.data(), n, {}, 1);
          for (int64_t j = 0; j < n; ++j) {
            ASSERT_EQ(one[j], all[i * n + j]) << isa_name(isa) << " k=" << k << " n=" << n << " row " << i;
          }
        }
      }
    }
  }
}

TEST_P(F32GemmOnPath, EpiloguePartsMatchTheScalarEpilogue) {
  const ActivationSpec activations[] = {{Activation::None},
                                        {Activation::Relu},
                                        {Activation::Clip, -0.5f, 0.25f},
                                        {Activation::LeakyRelu, 0.1f},
                                        {Activation::Sigmoid},
                                        {Activation::Tanh},
                                        {Activation::Gelu},
                                        {Activation::HardSigmoid, 0.2f, 0.5f}};
  static const float marker = 0.0f;  // any non-null pointer: check_case substitutes the data
  for (const ActivationSpec& activation : activations) {
    for (int parts = 0; parts < 8; ++parts) {
      Epilogue e;
      e.activation = activation;
      e.scale = (parts & 4) ? 0.5f : 1.0f;
      if (parts & 1) e.bias = &marker;
      e.bias_per_column = parts & 2;
      if (parts & 4) e.residual = &marker;
      check_case(GetParam(), {37, 45, 300, false, false, (parts & 1) != 0, false, 1}, e);
    }
  }
}

TEST_P(F32GemmOnPath, NaNPassesEveryClampAsInTheReference) {
  // A NaN in row 3 of A makes row 3 of C NaN through Relu and Clip fused into the epilogue,
  // on full and edge tiles; the other rows stay finite.
  set_active_isa(GetParam());
  for (const int64_t n : {int64_t{64}, int64_t{37}}) {
    const int64_t m = 16, k = 20;
    std::vector<float> a = random_values(m * k, 8), b = random_values(k * n, 9);
    a[3 * k + 5] = std::nanf("");
    for (const ActivationSpec activation :
         {ActivationSpec{Activation::Relu}, ActivationSpec{Activation::Clip, -0.5f, 0.5f}}) {
      Epilogue e;
      e.activation = activation;
      F32GemmA a_operand;
      a_operand.matrix = {a.data(), k, false};
      F32GemmB b_operand;
      b_operand.matrix = {b.data(), n, false};
      std::vector<float> c(m * n, 7.0f);
      f32_gemm(m, n, k, a_operand, b_operand, c.data(), n, e, 1);
      for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
          ASSERT_EQ(std::isnan(c[i * n + j]), i == 3)
              << isa_name(GetParam()) << " n=" << n << " (" << i << ", " << j << ")";
        }
      }
    }
  }
}

TEST_P(F32GemmOnPath, ThreadSplitsAgreeWithOneThread) {
  for (int threads : {2, 3, 4}) {
    for (const auto& s : {std::array<int64_t, 3>{64, 3136, 64}, {512, 49, 300}, {5, 700, 400}}) {
      check_case(GetParam(), {s[0], s[1], s[2], false, false, true, false, threads}, {});
      check_case(GetParam(), {s[0], s[1], s[2], false, true, false, true, threads}, {});
    }
  }
}

TEST_P(F32GemmOnPath, ResidualMayAliasTheOutput) {
  const int64_t m = 20, n = 40, k = 30;
  const std::vector<float> a = random_values(m * k, 5), b = random_values(k * n, 6);
  std::vector<float> c = random_values(m * n, 7), expected(m * n);
  gemm_ref<float>(m, n, k, 1.0f, {a.data(), k}, {b.data(), n}, 0.0f, expected.data(), n);
  for (size_t i = 0; i < expected.size(); ++i) expected[i] += c[i];
  Epilogue e;
  e.residual = c.data();
  e.residual_ld = n;
  set_active_isa(GetParam());
  F32GemmA a_operand;
  a_operand.matrix = {a.data(), k};
  F32GemmB b_operand;
  b_operand.matrix = {b.data(), n};
  f32_gemm(m, n, k, a_operand, b_operand, c.data(), n, e);
  for (size_t i = 0; i < c.size(); ++i) EXPECT_NEAR(c[i], expected[i], 1e-4);
}

// An implicit-GEMM packer that produces B = 2 * M from a stored matrix M.
void pack_doubled(const void* context, int64_t p0, int64_t depth, int64_t col0, int64_t cols, int nr, float* out) {
  const F32Matrix& source = *static_cast<const F32Matrix*>(context);
  f32_pack_b_panels(source, p0, depth, col0, cols, nr, out);
  const int64_t panels = (cols + nr - 1) / nr;
  for (int64_t i = 0; i < panels * nr * depth; ++i) out[i] *= 2.0f;
}

TEST_P(F32GemmOnPath, PackerSuppliesB) {
  const int64_t m = 33, n = 1100, k = 270;
  const std::vector<float> a = random_values(m * k, 8), b = random_values(k * n, 9);
  std::vector<float> expected(m * n), got(m * n);
  gemm_ref<float>(m, n, k, 2.0f, {a.data(), k}, {b.data(), n}, 0.0f, expected.data(), n);
  const F32Matrix source{b.data(), n};
  F32GemmA a_operand;
  a_operand.matrix = {a.data(), k};
  F32GemmB b_operand;
  b_operand.packer = {pack_doubled, &source};
  set_active_isa(GetParam());
  f32_gemm(m, n, k, a_operand, b_operand, got.data(), n, {}, 2);
  for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], expected[i], 1e-4) << i;
}

INSTANTIATE_TEST_SUITE_P(Paths, F32GemmOnPath, ::testing::ValuesIn(available_paths()),
                         [](const ::testing::TestParamInfo<Isa>& info) { return std::string(isa_name(info.param)); });

TEST(F32GemmKernels, NamesFollowTheGrammar) {
  EXPECT_STREQ(f32_gemm_kernel_name(Isa::Scalar), "f32_gemm_4x16__scalar");
  EXPECT_STREQ(f32_gemm_kernel_name(Isa::Avx512), "f32_gemm_8x32__avx512");
}

}  // namespace
}  // namespace vigil::kernels
