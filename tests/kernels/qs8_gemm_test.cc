// SPDX-License-Identifier: Apache-2.0
// The int8 GEMM (kernels/qs8_gemm.h) on every path this CPU runs, bit-exact against a plain
// triple loop and the scalar requantization (kernels/requantize.h): tails below and beyond
// the micro-tile (m < MR, n % NR != 0, k = 0 and 1, k not a multiple of 4, primes, k = 4608),
// extreme values (B = 255 and 0, A = -128 and 127, where AVX2's vpmaddubsw would saturate),
// zero points 0, 128 and 255, per-row and single multipliers, ties, clamps, u8, s8 and
// int32 outputs, a fused residual Add, an int8 B, a transposed B, a packer callback and two
// threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "core/error.h"
#include "kernels/qs8_gemm.h"
#include "kernels/qs8_gemm_microkernel.h"

namespace vigil::kernels {
namespace {

#define VIGIL_QS8_GEMM_KERNEL(name) &name,
const QS8MicroKernel* const kKernels[] = {
#include "kernels/qs8_gemm_kernels.inc"
};
#undef VIGIL_QS8_GEMM_KERNEL

enum class Fill { Random, Extreme, Ones };

struct Case {
  int64_t m, n, k;
  QS8GemmOutput output = QS8GemmOutput::U8;
  bool b_signed = false;
  int32_t b_zero_point = 128;
  bool per_row = true;
  bool bias = true;
  Fill fill = Fill::Random;
  int32_t c_zero_point = 100, c_min = 0, c_max = 255;
  double scale = 0.0;  // 0: chosen so outputs spread over the range
  bool transposed = false, packer = false;
  bool residual = false;  // a fused residual Add after the requantization
  int threads = 1;
};

std::string describe(const Case& c) {
  return "m=" + std::to_string(c.m) + " n=" + std::to_string(c.n) + " k=" + std::to_string(c.k) +
         " zb=" + std::to_string(c.b_zero_point) + (c.b_signed ? " s8 B" : " u8 B") +
         " out=" + std::to_string(static_cast<int>(c.output)) + (c.per_row ? " per-row" : " single") +
         (c.transposed ? " transposed" : "") + (c.packer ? " packer" : "") + (c.residual ? " residual" : "") +
         " threads=" + std::to_string(c.threads);
}

// A packer that forwards to the plain packing, as a convolution's would gather patches.
struct PackerContext {
  QS8GemmB b;
  int64_t k;
};
void pack_through(const void* context, int64_t col0, int64_t cols, int nr, uint8_t* out) {
  const auto* p = static_cast<const PackerContext*>(context);
  qs8_gemm_pack_b_panels(p->b, p->k, col0, cols, nr, out);
}

void check(const QS8MicroKernel& kernel, const Case& c) {
  SCOPED_TRACE(describe(c));
  std::mt19937 engine(static_cast<uint32_t>(c.m * 7919 + c.n * 31 + c.k));
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<int8_t> a(static_cast<size_t>(c.m * c.k));
  std::vector<uint8_t> b_bytes(static_cast<size_t>(c.k * c.n));
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = static_cast<int8_t>(c.fill == Fill::Random ? byte(engine) - 128
                               : c.fill == Fill::Ones ? 1
                                                      : ((i / 3) % 2 ? 127 : -128));
  }
  // Extreme B: the largest byte everywhere (255, or 127 as int8), with a column of the
  // smallest so both ends meet every A.
  for (size_t i = 0; i < b_bytes.size(); ++i) {
    const uint8_t high = c.b_signed ? 127 : 255, low = c.b_signed ? 0x80 : 0;
    b_bytes[i] = c.fill == Fill::Random ? static_cast<uint8_t>(byte(engine))
                 : c.fill == Fill::Ones ? 1
                                        : ((i % static_cast<size_t>(c.n)) % 5 == 4 ? low : high);
  }
  auto b_value = [&](int64_t p, int64_t j) {
    const uint8_t v = c.transposed ? b_bytes[j * c.k + p] : b_bytes[p * c.n + j];
    return c.b_signed ? int32_t{static_cast<int8_t>(v)} : int32_t{v};
  };
  std::vector<int32_t> bias(static_cast<size_t>(c.m));
  for (int32_t& v : bias) v = byte(engine) * 97 - 12000;
  std::vector<FixedPointMultiplier> multipliers(static_cast<size_t>(c.m));
  // Random sums spread about 74 x 74 x sqrt(k): scaled so outputs cover the 8-bit range.
  const double depth = static_cast<double>(std::max<int64_t>(c.k, 1));
  const double spread = c.scale > 0 ? c.scale : 40.0 / (74.0 * 74.0 * std::sqrt(depth));
  for (size_t i = 0; i < multipliers.size(); ++i) {
    multipliers[i] = fixed_point_multiplier(c.scale > 0 ? c.scale : spread * (0.5 + byte(engine) / 255.0));
  }

  QS8GemmEpilogue e;
  e.bias = c.bias ? bias.data() : nullptr;
  e.multiplier = multipliers.data();
  e.per_row_multiplier = c.per_row;
  e.b_zero_point = c.b_zero_point;
  e.c_zero_point = c.c_zero_point;
  e.c_min = c.c_min;
  e.c_max = c.c_max;
  e.output = c.output;
  // The residual: C's shape with a wider leading dimension, and an Add whose scales put
  // both operands near one step of the output.
  const int64_t ldr = c.n + 5;
  std::vector<uint8_t> residual_bytes(static_cast<size_t>(c.m * ldr));
  for (uint8_t& v : residual_bytes) v = static_cast<uint8_t>(byte(engine));
  QS8GemmResidual residual;
  residual.data = residual_bytes.data();
  residual.ld = ldr;
  const bool signed_c = c.output == QS8GemmOutput::S8;
  residual.add = QS8AddParameters::make(0.031f, c.c_zero_point, 0.027f, signed_c ? -7 : 121, 0.043f, signed_c ? 3 : 9,
                                        signed_c ? -128 : 0, signed_c ? 127 : 255, signed_c);
  if (c.residual) e.residual = &residual;
  auto add_residual = [&](int32_t value, int64_t i, int64_t j) {
    const QS8AddParameters& q = residual.add;
    const uint8_t r = residual_bytes[static_cast<size_t>(i * ldr + j)];
    const int32_t rv = signed_c ? int32_t{static_cast<int8_t>(r)} : int32_t{r};
    const int64_t sum = (value - q.a_zero_point) * q.a_mantissa + (rv - q.b_zero_point) * q.b_mantissa;
    return static_cast<int32_t>(
        std::clamp<int64_t>(round_shift_half_even(sum, 31 + q.shift) + q.y_zero_point, q.y_min, q.y_max));
  };

  std::vector<int32_t> expected(static_cast<size_t>(c.m * c.n));
  for (int64_t i = 0; i < c.m; ++i) {
    for (int64_t j = 0; j < c.n; ++j) {
      int64_t sum = c.bias ? bias[i] : 0;
      for (int64_t p = 0; p < c.k; ++p) sum += int64_t{a[i * c.k + p]} * (b_value(p, j) - c.b_zero_point);
      ASSERT_EQ(sum, static_cast<int32_t>(sum));
      expected[i * c.n + j] =
          c.output == QS8GemmOutput::I32
              ? static_cast<int32_t>(sum)
              : requantize(static_cast<int32_t>(sum), multipliers[c.per_row ? i : 0], c.c_zero_point, c.c_min, c.c_max);
      if (c.residual) expected[i * c.n + j] = add_residual(expected[i * c.n + j], i, j);
    }
  }

  const QS8PackedWeights packed(c.m, c.k, a.data(), c.k, &kernel);
  QS8GemmB b;
  b.data = b_bytes.data();
  b.ld = c.transposed ? c.k : c.n;
  b.transposed = c.transposed;
  b.is_signed = c.b_signed;
  const PackerContext context{b, c.k};
  if (c.packer) b.packer = {pack_through, &context};
  // C's leading dimension is wider than n, with a guard value in the gap that must survive.
  const int64_t ldc = c.n + 3;
  const int element = c.output == QS8GemmOutput::I32 ? 4 : 1;
  std::vector<uint8_t> out(static_cast<size_t>(c.m * ldc * element), 0xA5);
  qs8_gemm(c.m, c.n, c.k, packed, b, out.data(), ldc, e, c.threads);

  int64_t mismatches = 0;
  for (int64_t i = 0; i < c.m; ++i) {
    for (int64_t j = 0; j < ldc; ++j) {
      const uint8_t* at = out.data() + (i * ldc + j) * element;
      if (j >= c.n) {
        for (int byte_index = 0; byte_index < element; ++byte_index) ASSERT_EQ(at[byte_index], 0xA5) << i << "," << j;
        continue;
      }
      int32_t got = 0;
      switch (c.output) {
        case QS8GemmOutput::U8: got = *at; break;
        case QS8GemmOutput::S8: got = static_cast<int8_t>(*at); break;
        case QS8GemmOutput::I32: std::memcpy(&got, at, 4); break;
      }
      if (got != expected[i * c.n + j] && mismatches++ < 5) {
        ADD_FAILURE() << "C(" << i << ", " << j << ") = " << got << ", expected " << expected[i * c.n + j];
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
}

// Each micro-kernel through weights packed for its path, whichever path the Isa selects.
class S8GemmTest : public ::testing::TestWithParam<const QS8MicroKernel*> {
 protected:
  void SetUp() override {
    if (!KernelRegistry<QS8MicroKernel>::runs_here(*GetParam())) GTEST_SKIP() << "this CPU lacks " << GetParam()->name;
  }
  const QS8MicroKernel& kernel_ = *GetParam();
};

TEST_P(S8GemmTest, TailsOfEveryTileAndDepth) {
  for (const int64_t m : {1, 3, 6, 7, 8, 9, 13, 17}) {
    for (const int64_t n : {1, 5, 8, 16, 31, 32, 33, 67}) {
      for (const int64_t k : {1, 3, 4, 5, 17, 64, 67}) {
        Case c{m, n, k};
        check(kernel_, c);
      }
    }
  }
}

TEST_P(S8GemmTest, EmptyDepthGivesTheBiasAlone) {
  check(kernel_, {5, 40, 0});
  Case c{9, 3, 0};
  c.output = QS8GemmOutput::I32;
  check(kernel_, c);
}

TEST_P(S8GemmTest, PrimeSizesAndDeepProducts) {
  check(kernel_, {97, 101, 103});
  check(kernel_, {20, 40, 4608});
  check(kernel_, {1000, 1, 1280});  // a classifier: one column, the one-column loop
  Case deep{3, 70, 4611};
  deep.output = QS8GemmOutput::I32;
  check(kernel_, deep);
}

TEST_P(S8GemmTest, ExtremeValuesAreExact) {
  for (const int32_t zero_point : {0, 128, 255}) {
    for (const QS8GemmOutput output : {QS8GemmOutput::I32, QS8GemmOutput::U8}) {
      for (const int64_t k : {4, 37, 1024}) {
        Case c{19, 45, k};
        c.fill = Fill::Extreme;
        c.b_zero_point = zero_point;
        c.output = output;
        check(kernel_, c);
      }
    }
  }
}

TEST_P(S8GemmTest, SignedOutputSingleMultiplierAndClamp) {
  Case c{21, 50, 90};
  c.output = QS8GemmOutput::S8;
  c.per_row = false;
  c.c_zero_point = -5;
  c.c_min = -128;
  c.c_max = 127;
  check(kernel_, c);
  c.c_min = -5;  // a fused Relu: the clamp starts at the zero point
  c.c_max = 60;  // and a Clip's upper bound
  check(kernel_, c);
  c.output = QS8GemmOutput::U8;
  c.c_zero_point = 0;
  c.c_min = 0;
  c.c_max = 6;
  check(kernel_, c);
}

TEST_P(S8GemmTest, TiesAndLargeMultipliers) {
  for (const double scale : {0.5, 0.125, 3.0, 0x1p20, 0x1p-20, 1e-12}) {  // 2^20: products past 32 bits
    Case c{11, 37, 9};
    c.fill = Fill::Ones;  // sums are small integers: x 0.5 and x 0.125 land on ties
    c.b_zero_point = 0;
    c.scale = scale;
    c.bias = true;
    c.c_zero_point = 128;
    check(kernel_, c);
    c.fill = Fill::Random;
    check(kernel_, c);
  }
}

TEST_P(S8GemmTest, FusedResidualAddOnEveryTileShape) {
  for (const int64_t m : {1, 7, 8, 19}) {
    for (const int64_t n : {1, 17, 32, 45}) {
      for (const QS8GemmOutput output : {QS8GemmOutput::U8, QS8GemmOutput::S8}) {
        Case c{m, n, 37};
        c.output = output;
        c.c_zero_point = output == QS8GemmOutput::S8 ? -4 : 100;
        c.c_min = output == QS8GemmOutput::S8 ? -128 : 0;
        c.c_max = output == QS8GemmOutput::S8 ? 127 : 255;
        c.residual = true;
        check(kernel_, c);
      }
    }
  }
  Case threaded{64, 300, 150};
  threaded.residual = true;
  threaded.threads = 2;
  check(kernel_, threaded);
}

TEST_P(S8GemmTest, SignedB) {
  for (const int32_t zero_point : {-128, 0, 127}) {
    for (const Fill fill : {Fill::Random, Fill::Extreme}) {
      Case c{17, 41, 29};
      c.b_signed = true;
      c.b_zero_point = zero_point;
      c.fill = fill;
      check(kernel_, c);
      c.output = QS8GemmOutput::I32;
      check(kernel_, c);
    }
  }
}

TEST_P(S8GemmTest, Int32OutputWithAndWithoutBias) {
  for (const bool bias : {true, false}) {
    Case c{9, 70, 300};
    c.output = QS8GemmOutput::I32;
    c.bias = bias;
    c.b_zero_point = 3;
    check(kernel_, c);
  }
}

TEST_P(S8GemmTest, TransposedBAndPackerCallback) {
  Case c{13, 75, 39};
  c.transposed = true;
  check(kernel_, c);
  c.transposed = false;
  c.packer = true;
  check(kernel_, c);
  c.b_signed = true;
  c.b_zero_point = -3;
  check(kernel_, c);
}

TEST_P(S8GemmTest, TwoThreadsAndManyColumnBlocks) {
  Case wide{40, 3000, 200};
  wide.threads = 2;
  check(kernel_, wide);
  Case tall{130, 20, 1000};
  tall.threads = 2;
  tall.packer = true;
  check(kernel_, tall);
}

INSTANTIATE_TEST_SUITE_P(Paths, S8GemmTest, ::testing::ValuesIn(kKernels),
                         [](const ::testing::TestParamInfo<const QS8MicroKernel*>& info) {
                           return std::string(info.param->name);
                         });

TEST(S8GemmKernelChoiceTest, EachFeatureSetSelectsTheBestKernelItAllows) {
  auto chosen = [](CpuFeatures allowed) { return std::string(qs8_gemm_kernels().best(allowed).name); };
  const CpuFeatures vnni512 = kAvx512Features | CpuFeatures{CpuFeature::Avx512Vnni};
  const CpuFeatures vnni256 = kAvx2Features | CpuFeatures{CpuFeature::AvxVnni};
  EXPECT_EQ(chosen({}), "qs8_gemm_requant_4x16c4__scalar");
  EXPECT_EQ(chosen(kAvx2Features), "qs8_gemm_requant_6x8c4__avx2");
  EXPECT_EQ(chosen(vnni256), "qs8_gemm_requant_6x16c4__avxvnni");
  EXPECT_EQ(chosen(kAvx512Features), "qs8_gemm_requant_6x8c4__avx2");  // AVX-512 without VNNI
  EXPECT_EQ(chosen(vnni512), "qs8_gemm_requant_8x32c4__avx512vnni");
  EXPECT_EQ(chosen(vnni512 | vnni256), "qs8_gemm_requant_8x32c4__avx512vnni");
  EXPECT_EQ(chosen((vnni512 | vnni256).without(CpuFeature::Avx512Vnni)), "qs8_gemm_requant_6x16c4__avxvnni");
  // The active kernel is one this CPU runs, and weights pack for it by default.
  EXPECT_TRUE(KernelRegistry<QS8MicroKernel>::runs_here(qs8_gemm_kernels().active()));
  const int8_t a = 1;
  EXPECT_EQ(&QS8PackedWeights(1, 1, &a, 1).kernel(), &qs8_gemm_kernels().active());
}

TEST(S8GemmPackingTest, PlainPackingFollowsTheDocumentedLayout) {
  const int64_t k = 6, n = 19;
  const int nr = 8;
  std::vector<int8_t> b(static_cast<size_t>(k * n));
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<int8_t>(i * 37);
  QS8GemmB operand;
  operand.data = b.data();
  operand.ld = n;
  operand.is_signed = true;
  std::vector<uint8_t> out(static_cast<size_t>(qs8_gemm_b_packed_bytes(k, nr, n - 2)), 0xEE);
  qs8_gemm_pack_b_panels(operand, k, 2, n - 2, nr, out.data());
  for (int64_t p = 0; p < k; ++p) {
    for (int64_t j = 0; j < n - 2; ++j) {
      EXPECT_EQ(out[qs8_gemm_b_packed_offset(k, nr, p, j)], static_cast<uint8_t>(b[p * n + j + 2] + 128))
          << p << "," << j;
    }
  }
  // The padding is written too: rows 6 and 7 of every group, columns 17 to 23 of the last panel.
  for (int64_t p = 0; p < 8; ++p) {
    for (int64_t j = 0; j < 24; ++j) {
      if (p >= k || j >= n - 2) {
        EXPECT_EQ(out[qs8_gemm_b_packed_offset(k, nr, p, j)], 0) << p << "," << j;
      }
    }
  }
}

TEST(S8GemmPackingTest, DepthBeyondTheInt32RangeIsBadInput) {
  const int8_t a = 1;
  EXPECT_THROW(QS8PackedWeights(1, kQS8GemmMaxDepth + 1, &a, 1), Error);
}

}  // namespace
}  // namespace vigil::kernels
