// SPDX-License-Identifier: Apache-2.0
// Checksums inside the GEMM drivers (kernels/gemm_check.h), on every f32 path and every
// int8 micro-kernel this CPU runs, in both schemes, with 1 and 2 threads:
//   - a clean product never fails its check, whatever the epilogue (bias, residual,
//     activation, scale, requantization) and the shape (tails, blocks of depth crossed);
//   - int8: a flip of any of the 32 bits of any sampled accumulator always fails it, and so
//     does a flip in a packed weight after packing; separate also catches a fault in the
//     packing of B;
//   - fp32: flips of the sign, of every exponent bit and of the high mantissa bits of a
//     sampled accumulator fail it; so does a corrupted packed weight;
//   - the weights on either side (A packed: columns checked; B packed: rows), or none.
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <random>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/f32_gemm.h"
#include "kernels/f32_gemm_microkernel.h"
#include "kernels/gemm_check.h"
#include "kernels/gemm_checksum_predict.h"
#include "kernels/qs8_gemm.h"
#include "kernels/qs8_gemm_microkernel.h"
#include "random_data.h"

namespace vigil::kernels {
namespace {

const GemmCheckScheme kSchemes[] = {GemmCheckScheme::Fused, GemmCheckScheme::Separate};
const char* scheme_name(GemmCheckScheme scheme) { return scheme == GemmCheckScheme::Fused ? "fused" : "separate"; }

// Flips one bit of one accumulator (element `target` of C, on its first block of depth)
// through the thread's tile hook, as a fault in a register would.
template <typename Sum>
struct BitFlip {
  const void* c = nullptr;
  int64_t ldc = 0, target_row = 0, target_column = 0;
  int element_bytes = 4;
  int bit = 0;
  int flips = 0;

  static void on_tile(void* context, const GemmTile<Sum>& tile) {
    auto& flip = *static_cast<BitFlip*>(context);
    if (!tile.first) return;
    const int64_t offset = (static_cast<const char*>(tile.c) - static_cast<const char*>(flip.c)) / flip.element_bytes;
    const int64_t r = flip.target_row - offset / flip.ldc, j = flip.target_column - offset % flip.ldc;
    if (r < 0 || r >= tile.rows || j < 0 || j >= tile.cols) return;
    Sum& sum = tile.sums[r * tile.ld + j];
    sum = std::bit_cast<Sum>(std::bit_cast<uint32_t>(sum) ^ (uint32_t{1} << flip.bit));
    ++flip.flips;
  }
};

// Runs `product` with a check sink (and optionally a tile hook) on this thread.
template <typename Product>
GemmCheckTally checked(GemmCheckScheme scheme, Product&& product, const F32TileHook* f32_hook = nullptr,
                       const S32TileHook* s32_hook = nullptr) {
  GemmCheckSink sink(scheme, scheme == GemmCheckScheme::Separate);
  GemmThreadContext context;
  context.check = &sink;
  context.f32_tile_hook = f32_hook;
  context.s32_tile_hook = s32_hook;
  const GemmThreadScope scope(context);
  product();
  return sink.take();
}

std::vector<Isa> f32_paths() {
  std::vector<Isa> paths;
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    if (static_cast<int>(isa) <= static_cast<int>(detected_isa())) paths.push_back(isa);
  }
  return paths;
}

class F32GemmCheckOnPath : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override { set_active_isa(GetParam()); }
  void TearDown() override { set_active_isa(detected_isa()); }
};

TEST_P(F32GemmCheckOnPath, CleanProductsPassWithEveryEpilogueAndOperandLayout) {
  const Isa isa = GetParam();
  const int64_t sizes[][3] = {{1, 1, 1}, {7, 13, 5}, {8, 32, 17}, {9, 49, 300}, {31, 47, 513}, {64, 1030, 70}};
  for (const auto& s : sizes) {
    const int64_t m = s[0], n = s[1], k = s[2];
    const std::vector<float> a = testing::random_values(m * k, 1), b = testing::random_values(k * n, 2);
    const std::vector<float> bias = testing::random_values(std::max(m, n), 3);
    const std::vector<float> residual = testing::random_values(m * n, 4);
    const F32PackedA packed_a(m, k, F32Matrix{a.data(), k, false}, isa);
    const F32PackedB packed_b(k, n, F32Matrix{b.data(), n, false}, isa);
    for (const int layout : {0, 1, 2, 3}) {  // A packed; B packed; neither; A packed with B transposed
      std::vector<float> bt;
      F32GemmA a_operand;
      F32GemmB b_operand;
      if (layout == 0 || layout == 3) a_operand.packed = &packed_a;
      a_operand.matrix = F32Matrix{a.data(), k, false};
      b_operand.matrix = F32Matrix{b.data(), n, false};
      if (layout == 1) b_operand.packed = &packed_b;
      if (layout == 3) {
        bt.resize(k * n);
        for (int64_t p = 0; p < k; ++p) {
          for (int64_t j = 0; j < n; ++j) bt[j * k + p] = b[p * n + j];
        }
        b_operand.matrix = F32Matrix{bt.data(), k, true};
      }
      for (const int form : {0, 1, 2, 3}) {  // plain; bias; bias, residual and Relu; scale and Tanh
        Epilogue epilogue;
        if (form >= 1) epilogue.bias = bias.data();
        if (form == 2) {
          epilogue.residual = residual.data();
          epilogue.residual_ld = n;
          epilogue.activation = {Activation::Relu};
        }
        if (form == 3) {
          epilogue.scale = 0.5f;
          epilogue.activation = {Activation::Tanh};
        }
        for (const GemmCheckScheme scheme : kSchemes) {
          for (const int threads : {1, 2}) {
            std::vector<float> c(m * n);
            const GemmCheckTally tally = checked(
                scheme, [&] { f32_gemm(m, n, k, a_operand, b_operand, c.data(), n, epilogue, threads); });
            const std::string where = std::string(isa_name(isa)) + " " + scheme_name(scheme) + " m=" +
                                      std::to_string(m) + " n=" + std::to_string(n) + " k=" + std::to_string(k) +
                                      " layout " + std::to_string(layout) + " form " + std::to_string(form);
            ASSERT_EQ(tally.products, 1) << where;
            ASSERT_EQ(tally.lines, layout == 1 ? m : n) << where;
            ASSERT_EQ(tally.failures, 0) << where << ": " << tally.first_failure;
          }
        }
      }
    }
  }
}

TEST_P(F32GemmCheckOnPath, SignExponentAndHighMantissaFlipsAreDetected) {
  const Isa isa = GetParam();
  // Values of one sign and magnitude, so that every sum sits far from zero.
  const int64_t m = 37, n = 70, k = 300;
  const std::vector<float> a = testing::random_values(m * k, 5, 0.25f, 1.0f);
  const std::vector<float> b = testing::random_values(k * n, 6, 0.25f, 1.0f);
  const F32PackedA packed(m, k, F32Matrix{a.data(), k, false}, isa);
  F32GemmA a_operand;
  a_operand.packed = &packed;
  F32GemmB b_operand;
  b_operand.matrix = F32Matrix{b.data(), n, false};
  std::mt19937 engine(7);
  for (const GemmCheckScheme scheme : kSchemes) {
    for (const int threads : {1, 2}) {
      for (int sample = 0; sample < 3; ++sample) {
        BitFlip<float> flip;
        std::vector<float> c(m * n);
        flip.c = c.data();
        flip.ldc = n;
        flip.target_row = std::uniform_int_distribution<int64_t>(0, m - 1)(engine);
        flip.target_column = std::uniform_int_distribution<int64_t>(0, n - 1)(engine);
        for (int bit = 18; bit < 32; ++bit) {  // mantissa bits 18-22, exponent 23-30, sign 31
          flip.bit = bit;
          flip.flips = 0;
          const F32TileHook hook{&BitFlip<float>::on_tile, &flip};
          const GemmCheckTally tally = checked(
              scheme, [&] { f32_gemm(m, n, k, a_operand, b_operand, c.data(), n, {}, threads); }, &hook);
          ASSERT_EQ(flip.flips, 1);
          EXPECT_EQ(tally.failures, 1) << isa_name(isa) << " " << scheme_name(scheme) << " bit " << bit << " at ("
                                       << flip.target_row << ", " << flip.target_column << ")";
        }
      }
    }
  }
}

TEST_P(F32GemmCheckOnPath, CorruptedPackedWeightsAreDetected) {
  const Isa isa = GetParam();
  const int64_t m = 20, n = 50, k = 40;
  std::vector<float> a = testing::random_values(m * k, 8);
  const std::vector<float> b = testing::random_values(k * n, 9, 0.5f, 1.0f);
  a[3 * k] = 0.75f;  // row 3, k 0: the weight that will change
  for (const GemmCheckScheme scheme : kSchemes) {
    F32PackedA packed(m, k, F32Matrix{a.data(), k, false}, isa);
    // A weight in memory changes after its checksum was encoded: an exponent bit flips
    // (0.75 becomes 0.75 x 2^-64). The first panel holds k 0 of rows 0..MR-1 first.
    float* weight = const_cast<float*>(packed.panel(0)) + 3;
    *weight = std::bit_cast<float>(std::bit_cast<uint32_t>(*weight) ^ (1u << 29));
    F32GemmA a_operand;
    a_operand.packed = &packed;
    F32GemmB b_operand;
    b_operand.matrix = F32Matrix{b.data(), n, false};
    std::vector<float> c(m * n);
    const GemmCheckTally tally =
        checked(scheme, [&] { f32_gemm(m, n, k, a_operand, b_operand, c.data(), n, {}, 1); });
    EXPECT_EQ(tally.failures, n) << isa_name(isa) << " " << scheme_name(scheme);  // every column sees it
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, F32GemmCheckOnPath, ::testing::ValuesIn(f32_paths()),
                         [](const ::testing::TestParamInfo<Isa>& info) { return std::string(isa_name(info.param)); });

#define VIGIL_QS8_GEMM_KERNEL(name) &name,
const QS8MicroKernel* const kQs8Kernels[] = {
#include "kernels/qs8_gemm_kernels.inc"
};
#undef VIGIL_QS8_GEMM_KERNEL

class QS8GemmCheckOnKernel : public ::testing::TestWithParam<const QS8MicroKernel*> {
 protected:
  void SetUp() override {
    if (!KernelRegistry<QS8MicroKernel>::runs_here(*GetParam())) GTEST_SKIP() << "this CPU lacks " << GetParam()->name;
  }
};

struct Int8Problem {
  int64_t m, n, k;
  std::vector<int8_t> a;
  std::vector<uint8_t> b;
  std::vector<int32_t> bias;
  std::vector<FixedPointMultiplier> multipliers;

  Int8Problem(int64_t m_, int64_t n_, int64_t k_, uint32_t seed) : m(m_), n(n_), k(k_), a(m_ * k_), b(k_ * n_) {
    std::mt19937 engine(seed);
    std::uniform_int_distribution<int> bytes(0, 255);
    for (int8_t& v : a) v = static_cast<int8_t>(bytes(engine) - 128);
    for (uint8_t& v : b) v = static_cast<uint8_t>(1 + bytes(engine) % 255);  // never zero
    for (int64_t i = 0; i < m; ++i) bias.push_back(bytes(engine) * 100 - 12800);
    multipliers.assign(1, fixed_point_multiplier(0.0007));
  }
  QS8GemmEpilogue epilogue(QS8GemmOutput output) const {
    QS8GemmEpilogue e;
    e.b_zero_point = 3;
    e.bias = bias.data();
    e.output = output;
    e.multiplier = multipliers.data();
    e.c_zero_point = 128;
    return e;
  }
};

TEST_P(QS8GemmCheckOnKernel, CleanProductsPassAndEveryBitOfAnAccumulatorIsCaught) {
  const QS8MicroKernel* kernel = GetParam();
  // The last two are large enough for two threads, which split the rows of the first
  // (adding their sums into shared columns) and the columns of the second.
  const int64_t sizes[][3] = {{1, 1, 1},      {5, 1, 67},     {7, 13, 5},    {8, 32, 17},
                              {13, 67, 300}, {64, 300, 64}, {256, 20, 512}, {16, 600, 256}};
  std::mt19937 engine(11);
  for (const auto& s : sizes) {
    const Int8Problem problem(s[0], s[1], s[2], 12);
    const int64_t m = problem.m, n = problem.n, k = problem.k;
    const QS8PackedWeights packed(m, k, problem.a.data(), k, kernel);
    QS8GemmB b_operand;
    b_operand.data = problem.b.data();
    b_operand.ld = n;
    for (const QS8GemmOutput output : {QS8GemmOutput::I32, QS8GemmOutput::U8}) {
      const QS8GemmEpilogue epilogue = problem.epilogue(output);
      std::vector<int32_t> c(m * n);
      for (const GemmCheckScheme scheme : kSchemes) {
        for (const int threads : {1, 2}) {
          const std::string where = std::string(kernel->name) + " " + scheme_name(scheme) + " m=" + std::to_string(m) +
                                    " n=" + std::to_string(n) + " k=" + std::to_string(k);
          const GemmCheckTally clean =
              checked(scheme, [&] { qs8_gemm(m, n, k, packed, b_operand, c.data(), n, epilogue, threads); });
          ASSERT_EQ(clean.products, 1) << where;
          ASSERT_EQ(clean.lines, n) << where;
          ASSERT_EQ(clean.failures, 0) << where << ": " << clean.first_failure;
          BitFlip<int32_t> flip;
          flip.c = c.data();
          flip.ldc = n;
          flip.element_bytes = output == QS8GemmOutput::I32 ? 4 : 1;
          flip.target_row = std::uniform_int_distribution<int64_t>(0, m - 1)(engine);
          flip.target_column = std::uniform_int_distribution<int64_t>(0, n - 1)(engine);
          for (int bit = 0; bit < 32; ++bit) {
            flip.bit = bit;
            flip.flips = 0;
            const S32TileHook hook{&BitFlip<int32_t>::on_tile, &flip};
            const GemmCheckTally tally = checked(
                scheme, [&] { qs8_gemm(m, n, k, packed, b_operand, c.data(), n, epilogue, threads); }, nullptr, &hook);
            ASSERT_EQ(flip.flips, 1) << where;
            ASSERT_EQ(tally.failures, 1) << where << " bit " << bit;
          }
        }
      }
    }
  }
}

TEST_P(QS8GemmCheckOnKernel, EveryBitOfAPackedWeightIsCaught) {
  const QS8MicroKernel* kernel = GetParam();
  const Int8Problem problem(19, 45, 70, 13);
  QS8GemmB b_operand;
  b_operand.data = problem.b.data();
  b_operand.ld = problem.n;
  const QS8GemmEpilogue epilogue = problem.epilogue(QS8GemmOutput::U8);
  std::vector<uint8_t> c(problem.m * problem.n);
  for (const GemmCheckScheme scheme : kSchemes) {
    for (int bit = 0; bit < 8 * kernel->a_bytes; ++bit) {
      QS8PackedWeights packed(problem.m, problem.k, problem.a.data(), problem.k, kernel);
      // Byte 5 of the first panel: row 1, k 1 in the c4 layout (int16 elements on AVX2).
      uint8_t* weight = static_cast<uint8_t*>(const_cast<void*>(packed.panel(0))) + 5 * kernel->a_bytes + bit / 8;
      *weight ^= static_cast<uint8_t>(1u << (bit % 8));
      const GemmCheckTally tally = checked(scheme, [&] {
        qs8_gemm(problem.m, problem.n, problem.k, packed, b_operand, c.data(), problem.n, epilogue, 1);
      });
      // w' b differs from w b modulo 2^32 for every column: b is never zero and |w' - w| b < 2^32.
      EXPECT_EQ(tally.failures, problem.n) << kernel->name << " " << scheme_name(scheme) << " bit " << bit;
    }
  }
}

// A packer that corrupts one byte of the first panel it writes, as a fault during the
// gather of convolution patches would.
struct FaultyPacker {
  const QS8GemmB* source;
  int64_t k;
  mutable int calls = 0;
  static void pack(const void* context, int64_t col0, int64_t cols, int nr, uint8_t* out) {
    const auto& self = *static_cast<const FaultyPacker*>(context);
    qs8_gemm_pack_b_panels(*self.source, self.k, col0, cols, nr, out);
    if (self.calls++ == 0) out[9] ^= 0x10;
  }
};

TEST_P(QS8GemmCheckOnKernel, SeparateCatchesAFaultInThePackingOfB) {
  const QS8MicroKernel* kernel = GetParam();
  const Int8Problem problem(16, 40, 36, 14);
  const QS8PackedWeights packed(problem.m, problem.k, problem.a.data(), problem.k, kernel);
  QS8GemmB source;
  source.data = problem.b.data();
  source.ld = problem.n;
  FaultyPacker faulty{&source, problem.k};
  QS8GemmB b_operand;
  b_operand.packer = {&FaultyPacker::pack, &faulty};
  const QS8GemmEpilogue epilogue = problem.epilogue(QS8GemmOutput::U8);
  std::vector<uint8_t> c(problem.m * problem.n);
  const GemmCheckTally tally = checked(GemmCheckScheme::Separate, [&] {
    qs8_gemm(problem.m, problem.n, problem.k, packed, b_operand, c.data(), problem.n, epilogue, 1);
  });
  EXPECT_EQ(faulty.calls, 2);  // the product's packing, then the check's own
  EXPECT_EQ(tally.failures, 1) << kernel->name;
}

INSTANTIATE_TEST_SUITE_P(Kernels, QS8GemmCheckOnKernel, ::testing::ValuesIn(kQs8Kernels),
                         [](const ::testing::TestParamInfo<const QS8MicroKernel*>& info) {
                           return std::string(info.param->name);
                         });

// Every checksum kernel this CPU runs against the scalar one: fp32 predictions within
// rounding of it on panels and widths of every path, rows added in double bit for bit,
// int8 predictions equal to it for checksums of one to five digits (sums up to the int32
// limits), every nr.
TEST(GemmChecksumKernels, AgreeWithTheScalarLoops) {
  const auto& family = gemm_checksum_predict_kernels();
  const GemmChecksumPredictKernel& scalar = *family.kernels()[0];
  std::mt19937 engine(21);
  for (const GemmChecksumPredictKernel* kernel : family.kernels()) {
    if (!KernelRegistry<GemmChecksumPredictKernel>::runs_here(*kernel)) continue;
    for (const int width : {1, 6, 8, 13, 16, 23, 32}) {
      for (const int64_t stride : {int64_t{32}, int64_t{50}}) {
        const int64_t depth = 37;
        const std::vector<float> sums = testing::random_values(depth, 22), panel = testing::random_values(depth * stride, 23);
        std::vector<float> abs_sums(sums.size());
        for (size_t p = 0; p < sums.size(); ++p) abs_sums[p] = std::fabs(sums[p]);
        std::vector<float> e(32, 1.0f), b(32, 1.0f), e_ref(32, 1.0f), b_ref(32, 1.0f);
        kernel->f32(sums.data(), abs_sums.data(), depth, panel.data(), stride, width, e.data(), b.data());
        scalar.f32(sums.data(), abs_sums.data(), depth, panel.data(), stride, width, e_ref.data(), b_ref.data());
        for (int c = 0; c < 32; ++c) {
          ASSERT_NEAR(e[c], e_ref[c], 1e-4) << kernel->name << " width " << width << " at " << c;
          ASSERT_NEAR(b[c], b_ref[c], 1e-4) << kernel->name << " width " << width << " at " << c;
        }
        // Rows added in double: the same additions in the same order, so the same bits; also
        // rows as wide as the stride (50: more than one block of 32 columns).
        for (const int64_t count : {int64_t{width}, stride}) {
          std::vector<double> sums_of_rows(stride, 0.5), magnitudes(stride, 0.25);
          std::vector<double> sums_ref(stride, 0.5), magnitudes_ref(stride, 0.25);
          kernel->f64_add_rows(panel.data(), stride, depth, count, sums_of_rows.data(), magnitudes.data());
          for (int64_t p = 0; p < depth; ++p) {
            scalar.f64_add_rows(panel.data() + p * stride, stride, 1, count, sums_ref.data(), magnitudes_ref.data());
          }
          ASSERT_EQ(sums_of_rows, sums_ref) << kernel->name << " count " << count;
          ASSERT_EQ(magnitudes, magnitudes_ref) << kernel->name << " count " << count;
        }
      }
    }
    for (const int nr : {8, 16, 32}) {
      for (const int32_t limit : {50, 5000, 500000, 50000000, 2147483647}) {
        const int64_t groups = 9;
        std::vector<int32_t> values(groups * 4);
        std::uniform_int_distribution<int64_t> value(-int64_t{limit} - (limit == 2147483647), limit);
        for (int32_t& v : values) v = static_cast<int32_t>(value(engine));
        QS8PackedWeights digits_of(1, 4 * groups, std::vector<int8_t>(4 * groups).data(), 4 * groups);
        // The digits of `values` the way packed weights encode theirs (one row of weights
        // cannot reach these sums, so the encoding is checked on its own below).
        std::vector<int8_t> digits(5 * values.size());
        int used = 1;
        for (size_t p = 0; p < values.size(); ++p) {
          int64_t rest = values[p];
          for (int d = 0; rest != 0; ++d) {
            const int64_t digit = ((rest + 64) % 128 + 128) % 128 - 64;
            digits[d * values.size() + p] = static_cast<int8_t>(digit);
            rest = (rest - digit) / 128;
            used = std::max(used, d + 1);
          }
        }
        std::vector<int8_t> compact(digits.begin(), digits.begin() + used * static_cast<int64_t>(values.size()));
        const S32Checksum checksum{values.data(), compact.data(), used};
        std::vector<uint8_t> panel(groups * nr * 4);
        for (uint8_t& byte : panel) byte = static_cast<uint8_t>(engine());
        for (const int cols : {1, nr / 2 + 1, nr}) {
          std::vector<uint32_t> expected(nr, 7u), expected_ref(nr, 7u);
          kernel->s32(checksum, groups, panel.data(), nr, cols, expected.data());
          scalar.s32(checksum, groups, panel.data(), nr, cols, expected_ref.data());
          ASSERT_EQ(expected, expected_ref) << kernel->name << " nr " << nr << " cols " << cols << " digits " << used;
        }
      }
    }
  }
}

TEST(GemmChecksumKernels, PackedWeightsEncodeTheirColumnSumsInDigits) {
  std::mt19937 engine(24);
  for (const int64_t m : {1, 3, 64, 700}) {
    const int64_t k = 13;
    std::vector<int8_t> a(m * k);
    for (int8_t& v : a) v = static_cast<int8_t>(engine() % 256 - 128);
    a[0] = -128;  // a sum at the int8 extreme
    const QS8PackedWeights packed(m, k, a.data(), k);
    const S32Checksum checksum = packed.checksum();
    const int64_t count = (k + 3) / 4 * 4;
    for (int64_t p = 0; p < count; ++p) {
      int64_t column = 0, decoded = 0, scale = 1;
      for (int64_t i = 0; p < k && i < m; ++i) column += a[i * k + p];
      for (int d = 0; d < checksum.digit_count; ++d, scale *= 128) {
        const int digit = checksum.digits[d * count + p];
        ASSERT_GE(digit, -64);
        ASSERT_LE(digit, 63);
        decoded += digit * scale;
      }
      ASSERT_EQ(checksum.sums[p], column) << "m " << m << " k " << p;
      ASSERT_EQ(decoded, column) << "m " << m << " k " << p;
    }
  }
}

}  // namespace
}  // namespace vigil::kernels
