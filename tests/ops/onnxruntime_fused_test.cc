// SPDX-License-Identifier: Apache-2.0
// The com.microsoft operators ONNX Runtime's optimizer writes (ops/onnxruntime_fused.cc and
// FusedConv in conv.cc), against results computed here from their definitions: FusedMatMul
// with every combination of transA, transB, transBatchA and transBatchB, batch broadcasting
// and threads; SkipLayerNormalization with and without beta and bias and with its optional
// outputs; FusedConv as Conv, then + Z, then its activation.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ops/op_test_util.h"
#include "random_data.h"

namespace vigil::testing {
namespace {

// Element (indices) of a row-major tensor.
float at(const Tensor& t, const std::vector<int64_t>& index) {
  int64_t offset = 0;
  for (size_t d = 0; d < index.size(); ++d) offset = offset * t.dim(static_cast<int64_t>(d)) + index[d];
  return t.data<float>()[offset];
}

// op(X)[batch..., i, j] by the definition: dimension 0 moved behind the batch dimensions,
// then the last two swapped. `batch` indexes the moved shape's batch dimensions.
float op_element(const Tensor& x, bool trans_batch, bool trans, const std::vector<int64_t>& batch, int64_t i,
                 int64_t j) {
  if (trans) std::swap(i, j);
  std::vector<int64_t> index;
  if (trans_batch) {
    index.push_back(i);
    index.insert(index.end(), batch.begin(), batch.end());
  } else {
    index = batch;
    index.push_back(i);
  }
  index.push_back(j);
  return at(x, index);
}

TEST(OrtFusedMatMul, EveryTransposeMatchesItsDefinition) {
  // Logical op(A): [2, 3] batches of 4 x 5; op(B): 5 x 6 per batch. Stored shapes follow.
  const int64_t b0 = 2, b1 = 3, m = 4, k = 5, n = 6;
  for (int flags = 0; flags < 16; ++flags) {
    const bool ta = flags & 1, tb = flags & 2, tba = flags & 4, tbb = flags & 8;
    auto stored = [&](bool trans_batch, bool trans, int64_t rows, int64_t cols) {
      const int64_t r = trans ? cols : rows, c = trans ? rows : cols;
      return trans_batch ? Shape{r, b0, b1, c} : Shape{b0, b1, r, c};
    };
    const Tensor a = random_tensor(stored(tba, ta, m, k), 10 + flags);
    const Tensor b = random_tensor(stored(tbb, tb, k, n), 40 + flags);
    for (const int threads : {1, 2}) {
      const Tensor y = OpRunner("FusedMatMul", 1)
                           .domain("com.microsoft")
                           .attr("alpha", 0.5f)
                           .attr("transA", static_cast<int64_t>(ta))
                           .attr("transB", static_cast<int64_t>(tb))
                           .attr("transBatchA", static_cast<int64_t>(tba))
                           .attr("transBatchB", static_cast<int64_t>(tbb))
                           .threads(threads)
                           .run1({a, b});
      ASSERT_EQ(y.shape(), (Shape{b0, b1, m, n})) << flags;
      for (int64_t p = 0; p < b0; ++p) {
        for (int64_t q = 0; q < b1; ++q) {
          for (int64_t i = 0; i < m; ++i) {
            for (int64_t j = 0; j < n; ++j) {
              double sum = 0.0;
              for (int64_t l = 0; l < k; ++l) {
                sum += static_cast<double>(op_element(a, tba, ta, {p, q}, i, l)) * op_element(b, tbb, tb, {p, q}, l, j);
              }
              ASSERT_NEAR(at(y, {p, q, i, j}), 0.5 * sum, 1e-5) << "flags " << flags << " threads " << threads;
            }
          }
        }
      }
    }
  }
}

TEST(OrtFusedMatMul, BroadcastsBatchesAndRefusesOtherTypes) {
  const Tensor a = random_tensor({3, 4, 5}, 1), b = random_tensor({6, 5}, 2);  // B^T shared by every batch
  const Tensor y = OpRunner("FusedMatMul", 1).domain("com.microsoft").attr("transB", int64_t{1}).run1({a, b});
  ASSERT_EQ(y.shape(), (Shape{3, 4, 6}));
  for (int64_t p = 0; p < 3; ++p) {
    for (int64_t i = 0; i < 4; ++i) {
      for (int64_t j = 0; j < 6; ++j) {
        double sum = 0.0;
        for (int64_t l = 0; l < 5; ++l) sum += static_cast<double>(at(a, {p, i, l})) * at(b, {j, l});
        ASSERT_NEAR(at(y, {p, i, j}), sum, 1e-5);
      }
    }
  }
  expect_error(ErrorKind::Unsupported, [&] {
    OpRunner("FusedMatMul", 1).domain("com.microsoft").run1({make<double>({1, 1}, {1}), make<double>({1, 1}, {1})});
  });
  expect_error(ErrorKind::BadInput, [&] {
    OpRunner("FusedMatMul", 1).domain("com.microsoft").run1({random_tensor({2, 3}, 1), random_tensor({4, 2}, 2)});
  });
}

TEST(OrtSkipLayerNormalization, MatchesItsDefinitionWithEveryOptionalPart) {
  const int64_t rows = 6, n = 48;
  const Tensor x = random_tensor({2, 3, n}, 1), skip = random_tensor({2, 3, n}, 2);
  const Tensor gamma = random_tensor({n}, 3), beta = random_tensor({n}, 4), bias = random_tensor({n}, 5);
  for (int parts = 0; parts < 4; ++parts) {
    const bool with_beta = parts & 1, with_bias = parts & 2;
    std::vector<Tensor> inputs{x, skip, gamma, with_beta ? beta : Tensor(), with_bias ? bias : Tensor()};
    const std::vector<Tensor> out =
        OpRunner("SkipLayerNormalization", 1).domain("com.microsoft").attr("epsilon", 1e-5f).run(inputs, 4);
    ASSERT_EQ(out[0].shape(), x.shape());
    ASSERT_EQ(out[1].shape(), (Shape{2, 3, 1}));
    ASSERT_EQ(out[3].shape(), x.shape());
    for (int64_t r = 0; r < rows; ++r) {
      std::vector<double> s(static_cast<size_t>(n));
      double mean = 0.0;
      for (int64_t c = 0; c < n; ++c) {
        const int64_t e = r * n + c;
        s[c] = static_cast<double>(x.data<float>()[e]) + skip.data<float>()[e] + (with_bias ? bias.data<float>()[c] : 0.0f);
        mean += s[c] / n;
      }
      double variance = 0.0;
      for (int64_t c = 0; c < n; ++c) variance += (s[c] - mean) * (s[c] - mean) / n;
      const double rstd = 1.0 / std::sqrt(variance + 1e-5);
      ASSERT_NEAR(out[1].data<float>()[r], mean, 1e-5);
      ASSERT_NEAR(out[2].data<float>()[r], rstd, 1e-4 * rstd);
      for (int64_t c = 0; c < n; ++c) {
        const double expected = (s[c] - mean) * rstd * gamma.data<float>()[c] + (with_beta ? beta.data<float>()[c] : 0.0);
        ASSERT_NEAR(out[0].data<float>()[r * n + c], expected, 1e-4) << "parts " << parts;
        ASSERT_NEAR(out[3].data<float>()[r * n + c], s[c], 1e-6);
      }
    }
  }
  expect_error(ErrorKind::BadInput, [&] {
    OpRunner("SkipLayerNormalization", 1).domain("com.microsoft").run1({x, random_tensor({2, 3, 8}, 9), gamma});
  });
}

TEST(OrtFusedConv, ComMicrosoftIsConvThenResidualThenActivation) {
  const Tensor x = random_tensor({1, 3, 9, 9}, 1), w = random_tensor({4, 3, 3, 3}, 2), b = random_tensor({4}, 3);
  const Tensor z = random_tensor({1, 4, 9, 9}, 4);
  const Tensor conv = OpRunner("Conv", 11).attr("pads", {1, 1, 1, 1}).run1({x, w, b});
  const Tensor fused = OpRunner("FusedConv", 1)
                           .domain("com.microsoft")
                           .attr("pads", {1, 1, 1, 1})
                           .attr("activation", std::string("Clip"))
                           .attr("activation_params", std::vector<float>{-0.5f, 0.75f})
                           .run1({x, w, b, z});
  ASSERT_EQ(fused.shape(), conv.shape());
  for (int64_t i = 0; i < conv.numel(); ++i) {
    const float expected = std::min(0.75f, std::max(-0.5f, conv.data<float>()[i] + z.data<float>()[i]));
    ASSERT_NEAR(fused.data<float>()[i], expected, 1e-5) << i;
  }
}

}  // namespace
}  // namespace vigil::testing
