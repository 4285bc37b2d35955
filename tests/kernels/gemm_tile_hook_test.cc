// SPDX-License-Identifier: Apache-2.0
// The GEMM tile hook (kernels/gemm_tile_hook.h) on every f32 and int8 micro-kernel this
// CPU runs: the hook sees every output element's sums exactly once per block of depth
// (int8: once), with flags that say which block, and at the place its `c` pointer names;
// those sums add up to the exact product; a hook that changes nothing leaves the output
// bit-identical to the plain kernel's; a change to one accumulator reaches exactly that
// output element. Tails (m < MR, n % NR != 0, one column), blocks of depth crossed, and
// two threads.
#include <gtest/gtest.h>

#include <cstring>
#include <mutex>
#include <random>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/f32_gemm.h"
#include "kernels/f32_gemm_microkernel.h"
#include "kernels/qs8_gemm.h"
#include "kernels/qs8_gemm_microkernel.h"
#include "random_data.h"

namespace vigil::kernels {
namespace {

// Records what the hook sees per output element, and may add `delta` to one accumulator.
template <typename Sum>
struct TileLog {
  int64_t m = 0, n = 0, ldc = 0;
  const char* c_base = nullptr;
  int element_bytes = 0;
  std::vector<double> sums;  // per element, added over blocks
  std::vector<int> visits, firsts, lasts;
  int64_t target = -1;  // the element whose last-block sum gets `delta`
  Sum delta = 0;
  std::mutex mutex;

  TileLog(int64_t m_, int64_t n_, int64_t ldc_, const void* c, int bytes)
      : m(m_),
        n(n_),
        ldc(ldc_),
        c_base(static_cast<const char*>(c)),
        element_bytes(bytes),
        sums(m_ * n_),
        visits(m_ * n_),
        firsts(m_ * n_),
        lasts(m_ * n_) {}

  static void on_tile(void* context, const GemmTile<Sum>& tile) {
    auto& log = *static_cast<TileLog*>(context);
    const std::lock_guard<std::mutex> lock(log.mutex);
    const int64_t offset = (static_cast<const char*>(tile.c) - log.c_base) / log.element_bytes;
    const int64_t i0 = offset / log.ldc, j0 = offset % log.ldc;
    ASSERT_LE(i0 + tile.rows, log.m);
    ASSERT_LE(j0 + tile.cols, log.n);
    for (int r = 0; r < tile.rows; ++r) {
      for (int j = 0; j < tile.cols; ++j) {
        const int64_t e = (i0 + r) * log.n + j0 + j;
        Sum& sum = tile.sums[r * tile.ld + j];
        log.sums[e] += sum;
        ++log.visits[e];
        log.firsts[e] += tile.first;
        log.lasts[e] += tile.last;
        if (e == log.target && tile.last) sum += log.delta;
      }
    }
  }
};

std::vector<Isa> f32_paths() {
  std::vector<Isa> paths;
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    if (static_cast<int>(isa) <= static_cast<int>(detected_isa())) paths.push_back(isa);
  }
  return paths;
}

class F32TileHookOnPath : public ::testing::TestWithParam<Isa> {
 protected:
  void TearDown() override { set_active_isa(detected_isa()); }
};

TEST_P(F32TileHookOnPath, SeesEverySumOnceABlockAndReachesTheOutput) {
  const Isa isa = GetParam();
  set_active_isa(isa);
  const int64_t sizes[][3] = {{1, 1, 1}, {7, 13, 5}, {8, 32, 17}, {9, 49, 300}, {31, 47, 513}, {64, 1030, 70}};
  for (const auto& s : sizes) {
    for (const int threads : {1, 2}) {
      const int64_t m = s[0], n = s[1], k = s[2];
      const std::vector<float> a = testing::random_values(m * k, 1), b = testing::random_values(k * n, 2);
      const std::vector<float> bias = testing::random_values(m, 3);
      const F32PackedA packed(m, k, F32Matrix{a.data(), k, false}, isa);
      F32GemmA a_operand;
      a_operand.packed = &packed;
      F32GemmB b_operand;
      b_operand.matrix = F32Matrix{b.data(), n, false};
      Epilogue epilogue;
      epilogue.bias = bias.data();
      epilogue.activation = {Activation::Relu};
      std::vector<float> plain(m * n), hooked(m * n);
      f32_gemm(m, n, k, a_operand, b_operand, plain.data(), n, epilogue, threads);

      TileLog<float> log(m, n, n, hooked.data(), sizeof(float));
      const F32TileHook hook{&TileLog<float>::on_tile, &log};
      epilogue.tile_hook = &hook;
      f32_gemm(m, n, k, a_operand, b_operand, hooked.data(), n, epilogue, threads);
      const int64_t blocks = (k + 255) / 256;
      for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
          const int64_t e = i * n + j;
          double exact = 0.0;
          for (int64_t p = 0; p < k; ++p) exact += double{a[i * k + p]} * b[p * n + j];
          ASSERT_EQ(log.visits[e], blocks) << isa_name(isa) << " m=" << m << " n=" << n << " k=" << k << " at " << e;
          ASSERT_EQ(log.firsts[e], 1);
          ASSERT_EQ(log.lasts[e], 1);
          ASSERT_NEAR(log.sums[e], exact, 1e-5 * (k + 4));
          ASSERT_EQ(hooked[e], plain[e]) << isa_name(isa) << " at " << e;  // a watching hook changes nothing
        }
      }

      // One accumulator raised by 1000: that output moves by 1000 (through the bias), no other.
      epilogue.activation = {};
      epilogue.tile_hook = nullptr;
      f32_gemm(m, n, k, a_operand, b_operand, plain.data(), n, epilogue, threads);
      TileLog<float> changer(m, n, n, hooked.data(), sizeof(float));
      changer.target = (m - 1) * n + n / 2;
      changer.delta = 1000.0f;
      const F32TileHook change{&TileLog<float>::on_tile, &changer};
      epilogue.tile_hook = &change;
      f32_gemm(m, n, k, a_operand, b_operand, hooked.data(), n, epilogue, threads);
      for (int64_t e = 0; e < m * n; ++e) {
        if (e == changer.target) {
          EXPECT_NEAR(hooked[e], plain[e] + 1000.0f, 1e-3) << isa_name(isa) << " at " << e;
        } else {
          ASSERT_EQ(hooked[e], plain[e]) << isa_name(isa) << " at " << e;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, F32TileHookOnPath, ::testing::ValuesIn(f32_paths()),
                         [](const ::testing::TestParamInfo<Isa>& info) { return std::string(isa_name(info.param)); });

#define VIGIL_QS8_GEMM_KERNEL(name) &name,
const QS8MicroKernel* const kQs8Kernels[] = {
#include "kernels/qs8_gemm_kernels.inc"
};
#undef VIGIL_QS8_GEMM_KERNEL

class S32TileHookOnPath : public ::testing::TestWithParam<const QS8MicroKernel*> {
 protected:
  void SetUp() override {
    if (!KernelRegistry<QS8MicroKernel>::runs_here(*GetParam())) GTEST_SKIP() << "this CPU lacks " << GetParam()->name;
  }
};

TEST_P(S32TileHookOnPath, SeesEveryExactSumOnceAndReachesTheOutput) {
  const QS8MicroKernel* kernel = GetParam();
  const int64_t sizes[][3] = {{1, 1, 1}, {5, 1, 67}, {7, 13, 5}, {8, 32, 17}, {13, 67, 300}, {64, 300, 64}};
  std::mt19937 engine(5);
  std::uniform_int_distribution<int> bytes(0, 255);
  for (const auto& s : sizes) {
    for (const int threads : {1, 2}) {
      const int64_t m = s[0], n = s[1], k = s[2];
      std::vector<int8_t> a(m * k);
      std::vector<uint8_t> b(k * n);
      for (int8_t& v : a) v = static_cast<int8_t>(bytes(engine) - 128);
      for (uint8_t& v : b) v = static_cast<uint8_t>(bytes(engine));
      const QS8PackedWeights packed(m, k, a.data(), k, kernel);
      QS8GemmB b_operand;
      b_operand.data = b.data();
      b_operand.ld = n;
      const std::vector<FixedPointMultiplier> multipliers(1, fixed_point_multiplier(0.0007));
      for (const QS8GemmOutput output : {QS8GemmOutput::I32, QS8GemmOutput::U8}) {
        QS8GemmEpilogue epilogue;
        epilogue.b_zero_point = 3;
        epilogue.output = output;
        epilogue.multiplier = multipliers.data();
        epilogue.c_zero_point = 128;
        const int element = output == QS8GemmOutput::I32 ? 4 : 1;
        std::vector<uint8_t> plain(m * n * element), hooked(m * n * element);
        qs8_gemm(m, n, k, packed, b_operand, plain.data(), n, epilogue, threads);

        TileLog<int32_t> log(m, n, n, hooked.data(), element);
        const S32TileHook hook{&TileLog<int32_t>::on_tile, &log};
        epilogue.tile_hook = &hook;
        qs8_gemm(m, n, k, packed, b_operand, hooked.data(), n, epilogue, threads);
        for (int64_t i = 0; i < m; ++i) {
          for (int64_t j = 0; j < n; ++j) {
            const int64_t e = i * n + j;
            int64_t exact = 0;  // before the zero point's correction (the row offset)
            for (int64_t p = 0; p < k; ++p) exact += int64_t{a[i * k + p]} * b[p * n + j];
            ASSERT_EQ(log.visits[e], 1) << GetParam()->name << " m=" << m << " n=" << n << " at " << e;
            ASSERT_EQ(log.firsts[e] + log.lasts[e], 2);
            ASSERT_EQ(log.sums[e], static_cast<double>(exact)) << GetParam()->name << " at " << e;
          }
        }
        EXPECT_EQ(hooked, plain) << GetParam()->name;

        if (output != QS8GemmOutput::I32) continue;
        TileLog<int32_t> changer(m, n, n, hooked.data(), element);
        changer.target = (m - 1) * n + n / 2;
        changer.delta = 1 << 20;
        const S32TileHook change{&TileLog<int32_t>::on_tile, &changer};
        epilogue.tile_hook = &change;
        qs8_gemm(m, n, k, packed, b_operand, hooked.data(), n, epilogue, threads);
        for (int64_t e = 0; e < m * n; ++e) {
          int32_t got, was;
          std::memcpy(&got, hooked.data() + e * 4, 4);
          std::memcpy(&was, plain.data() + e * 4, 4);
          ASSERT_EQ(got, e == changer.target ? was + (1 << 20) : was) << GetParam()->name << " at " << e;
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, S32TileHookOnPath, ::testing::ValuesIn(kQs8Kernels),
                         [](const ::testing::TestParamInfo<const QS8MicroKernel*>& info) {
                           return std::string(info.param->name);
                         });

}  // namespace
}  // namespace vigil::kernels
