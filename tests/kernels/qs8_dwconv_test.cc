// SPDX-License-Identifier: Apache-2.0
// The depthwise int8 convolution (kernels/qs8_dwconv.h): every kernel this CPU runs (AVX-512,
// AVX-512 VNNI + VBMI), whatever the active features, bit-exact with the scalar loop over random bytes and weights, on
// the shapes MobileNet meets (3x3 at stride 1 and 2, planes of 112 down to 7, where the
// VBMI path packs several output rows into one step) and the edges (planes of 1, 4 and
// 15 columns, 17 columns, 2x2 and 1x4 filters, asymmetric padding, signed input, clamps);
// which kernel each shape gets under which features; and the plane checksum (ABFT): every
// kernel's sums agree with it on every shape (planes wider than 128 columns and taller than
// 128 rows take the vector paths' loops), a checked plane's output is the unchecked one,
// and any bit flipped in any working weight breaks the agreement.
#include <gtest/gtest.h>

#include <random>
#include <span>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/qs8_dwconv.h"

namespace vigil::testing {
namespace {

using kernels::QS8DwconvKernel;
using kernels::QS8DwconvShape;

QS8DwconvShape conv_shape(int64_t in_h, int64_t in_w, int64_t k_h, int64_t k_w, int64_t stride, int64_t pad) {
  QS8DwconvShape s;
  s.in_h = in_h;
  s.in_w = in_w;
  s.kernel_h = k_h;
  s.kernel_w = k_w;
  s.stride_h = s.stride_w = stride;
  s.pad_top = s.pad_left = pad;
  s.out_h = (in_h + 2 * pad - k_h) / stride + 1;
  s.out_w = (in_w + 2 * pad - k_w) / stride + 1;
  return s;
}

std::vector<uint8_t> random_plane(const QS8DwconvShape& s, std::mt19937& generator) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<uint8_t> x(static_cast<size_t>(s.in_h * s.in_w));
  for (uint8_t& v : x) v = static_cast<uint8_t>(byte(generator));
  return x;
}

std::vector<int8_t> random_filter(const QS8DwconvShape& s, std::mt19937& generator) {
  std::uniform_int_distribution<int> weight(-128, 127);
  std::vector<int8_t> w(static_cast<size_t>(s.kernel_h * s.kernel_w));
  for (int8_t& v : w) v = static_cast<int8_t>(weight(generator));
  return w;
}

std::vector<uint8_t> run(const QS8DwconvShape& s, const QS8DwconvKernel& kernel, const std::vector<uint8_t>& x,
                         bool is_signed, const kernels::QS8DwconvChannel& c) {
  std::vector<uint8_t> y(static_cast<size_t>(s.out_h * s.out_w) + 64, 0xA5);
  std::vector<uint8_t> scratch(kernels::qs8_dwconv_scratch_bytes(s));
  kernels::qs8_dwconv_fill_scratch(s, c.x_zero_point, is_signed, scratch.data());
  // Two channels through one scratch: the second must not see the first's interior.
  std::vector<uint8_t> other(x.size());
  for (size_t i = 0; i < x.size(); ++i) other[i] = static_cast<uint8_t>(x[i] * 7 + 3);
  kernels::qs8_dwconv_channel(s, kernel, other.data(), is_signed, c, y.data(), scratch.data());
  kernels::qs8_dwconv_channel(s, kernel, x.data(), is_signed, c, y.data(), scratch.data());
  return y;
}

TEST(QS8Dwconv, EveryKernelBitExactWithTheScalarOne) {
  const std::vector<QS8DwconvShape> shapes = {
      conv_shape(112, 112, 3, 3, 1, 1), conv_shape(112, 112, 3, 3, 2, 1), conv_shape(56, 56, 3, 3, 2, 1),
      conv_shape(28, 28, 3, 3, 1, 1),   conv_shape(14, 14, 3, 3, 1, 1),   conv_shape(14, 14, 3, 3, 2, 1),
      conv_shape(7, 7, 3, 3, 1, 1),     conv_shape(1, 1, 3, 3, 1, 1),     conv_shape(9, 4, 3, 3, 1, 1),
      conv_shape(5, 15, 3, 3, 1, 1),    conv_shape(6, 17, 3, 3, 2, 1),    conv_shape(8, 8, 2, 2, 1, 0),
      conv_shape(5, 11, 1, 4, 1, 0),    conv_shape(13, 9, 3, 3, 2, 0),    conv_shape(9, 9, 5, 5, 1, 2),
  };
  // Small planes are written whole from their pieces, larger ones row by row: the shapes
  // above take both.
  const auto has_pieces = [](const QS8DwconvShape& s) {
    std::vector<uint8_t> scratch(kernels::qs8_dwconv_scratch_bytes(s));
    kernels::qs8_dwconv_fill_scratch(s, 0, false, scratch.data());
    return kernels::qs8_dwconv_plane_pieces(s, scratch.data()) != nullptr;
  };
  EXPECT_TRUE(has_pieces(conv_shape(7, 7, 3, 3, 1, 1)));
  EXPECT_TRUE(has_pieces(conv_shape(14, 14, 3, 3, 1, 1)));  // 16 x 16 padded: four pieces
  EXPECT_TRUE(has_pieces(conv_shape(14, 14, 3, 3, 2, 1)));
  EXPECT_FALSE(has_pieces(conv_shape(28, 28, 3, 3, 1, 1)));
  std::mt19937 generator(11);
  std::uniform_int_distribution<int> byte(0, 255);
  int vbmi_shapes = 0;
  for (const QS8DwconvShape& s : shapes) {
    for (bool is_signed : {false, true}) {
      const std::vector<uint8_t> x = random_plane(s, generator);
      std::vector<int8_t> w = random_filter(s, generator);
      kernels::QS8DwconvChannel c;
      c.weights = w.data();
      c.bias = 1234 - byte(generator) * 20;
      c.multiplier = kernels::fixed_point_multiplier(0.0021);
      c.x_zero_point = is_signed ? -7 : 131;
      c.y_zero_point = is_signed ? 3 : 120;
      c.y_min = is_signed ? -100 : 10;  // a clamp inside the type's range, as a fused Relu6 gives
      c.y_max = is_signed ? 127 : 250;
      const std::span<const QS8DwconvKernel* const> all = kernels::qs8_dwconv_kernels().kernels();
      const std::vector<uint8_t> expected = run(s, *all[0], x, is_signed, c);
      for (const QS8DwconvKernel* kernel : all.subspan(1)) {
        if (!kernels::KernelRegistry<QS8DwconvKernel>::runs_here(*kernel) || !kernel->suits(s)) continue;
        vbmi_shapes += kernel == all.back();
        // The bytes past the output stay untouched too (masked stores).
        EXPECT_EQ(run(s, *kernel, x, is_signed, c), expected)
            << kernel->name << " " << s.in_h << "x" << s.in_w << " kernel " << s.kernel_h << "x" << s.kernel_w
            << " stride " << s.stride_w << (is_signed ? " signed" : "");
      }
    }
  }
  if (kernels::KernelRegistry<QS8DwconvKernel>::runs_here(*kernels::qs8_dwconv_kernels().kernels().back())) {
    EXPECT_EQ(vbmi_shapes, 2 * 14);  // every shape but the 5x5
  }
}

// Multipliers whose products land on ties (small integer sums times 2^-k), of 1 and more
// (the rounded value may pass 32 bits, settled in 64-bit lanes), and clamps at both ends.
TEST(QS8Dwconv, EveryKernelRoundsTiesAndWideMultipliersAsTheScalarOne) {
  std::mt19937 generator(13);
  std::uniform_int_distribution<int> small_weight(-2, 2);
  int compared = 0;
  for (const QS8DwconvShape& s : {conv_shape(7, 7, 3, 3, 1, 1), conv_shape(14, 14, 3, 3, 2, 1),
                                  conv_shape(28, 28, 3, 3, 1, 1), conv_shape(13, 9, 3, 3, 2, 0)}) {
    for (const double multiplier : {0.5, 0.25, 0.125, 1.0, 1.5, 3.0, 37.0}) {
      for (bool is_signed : {false, true}) {
        const std::vector<uint8_t> x = random_plane(s, generator);
        std::vector<int8_t> w(static_cast<size_t>(s.kernel_h * s.kernel_w));
        for (int8_t& v : w) v = static_cast<int8_t>(small_weight(generator));
        kernels::QS8DwconvChannel c;
        c.weights = w.data();
        c.bias = 3;
        c.multiplier = kernels::fixed_point_multiplier(multiplier);
        c.x_zero_point = is_signed ? -1 : 128;
        c.y_zero_point = is_signed ? 0 : 128;
        c.y_min = is_signed ? -128 : 0;
        c.y_max = is_signed ? 127 : 255;
        const std::span<const QS8DwconvKernel* const> all = kernels::qs8_dwconv_kernels().kernels();
        const std::vector<uint8_t> expected = run(s, *all[0], x, is_signed, c);
        for (const QS8DwconvKernel* kernel : all.subspan(1)) {
          if (!kernels::KernelRegistry<QS8DwconvKernel>::runs_here(*kernel) || !kernel->suits(s)) continue;
          ++compared;
          EXPECT_EQ(run(s, *kernel, x, is_signed, c), expected)
              << kernel->name << " " << s.in_h << "x" << s.in_w << " multiplier " << multiplier
              << (is_signed ? " signed" : "");
        }
      }
    }
  }
  if (kernels::KernelRegistry<QS8DwconvKernel>::runs_here(*kernels::qs8_dwconv_kernels().kernels()[1])) {
    EXPECT_GT(compared, 0);
  }
}

TEST(QS8Dwconv, EveryKernelsPlaneAgreesWithItsChecksumAndCorruptWeightsDoNot) {
  // Small planes predict by footprint, the others by columns: the shapes below take both.
  EXPECT_TRUE(kernels::qs8_dwconv_checksum_by_footprint(conv_shape(7, 7, 3, 3, 1, 1)));
  EXPECT_TRUE(kernels::qs8_dwconv_checksum_by_footprint(conv_shape(14, 14, 3, 3, 1, 1)));  // 16 x 16 padded
  EXPECT_FALSE(kernels::qs8_dwconv_checksum_by_footprint(conv_shape(20, 20, 3, 3, 3, 1)));
  EXPECT_FALSE(kernels::qs8_dwconv_checksum_by_footprint(conv_shape(112, 112, 3, 3, 1, 1)));
  std::mt19937 generator(12);
  int checked = 0;
  for (const QS8DwconvShape& s :
       {conv_shape(112, 112, 3, 3, 1, 1), conv_shape(56, 56, 3, 3, 2, 1), conv_shape(7, 7, 3, 3, 1, 1),
        conv_shape(9, 4, 3, 3, 1, 1), conv_shape(6, 17, 3, 3, 2, 1), conv_shape(5, 11, 1, 4, 1, 0),
        conv_shape(13, 9, 3, 3, 2, 0), conv_shape(9, 9, 5, 5, 1, 2), conv_shape(20, 20, 3, 3, 3, 1),
        conv_shape(140, 140, 3, 3, 1, 1)}) {
    for (bool is_signed : {false, true}) {
      const std::vector<uint8_t> x = random_plane(s, generator);
      std::vector<int8_t> w = random_filter(s, generator);
      kernels::QS8DwconvChannel c;
      c.weights = w.data();
      c.bias = 2000000000;  // the sums wrap: the check is modulo 2^32
      c.multiplier = kernels::fixed_point_multiplier(0.0021);
      c.x_zero_point = is_signed ? -7 : 131;
      for (const QS8DwconvKernel* kernel : kernels::qs8_dwconv_kernels().kernels()) {
        if (!kernels::KernelRegistry<QS8DwconvKernel>::runs_here(*kernel) || !kernel->suits(s)) continue;
        const std::string what = std::string(kernel->name) + " " + std::to_string(s.in_h) + "x" +
                                 std::to_string(s.in_w) + " stride " + std::to_string(s.stride_w);
        std::vector<uint8_t> scratch(kernels::qs8_dwconv_scratch_bytes(s));
        kernels::qs8_dwconv_fill_scratch(s, c.x_zero_point, is_signed, scratch.data());
        std::vector<uint8_t> plain(static_cast<size_t>(s.out_h * s.out_w)), y(plain.size());
        EXPECT_TRUE(kernels::qs8_dwconv_channel(s, *kernel, x.data(), is_signed, c, plain.data(), scratch.data()));
        std::vector<int16_t> weights(static_cast<size_t>(kernels::qs8_dwconv_checksum_size(s)));
        const kernels::QS8DwconvChecksum checksum{
            weights.data(),
            kernels::qs8_dwconv_make_checksum(s, w.data(), c.bias, c.x_zero_point, is_signed, weights.data())};
        EXPECT_TRUE(
            kernels::qs8_dwconv_channel(s, *kernel, x.data(), is_signed, c, y.data(), scratch.data(), &checksum))
            << what;
        EXPECT_EQ(y, plain) << what;
        ++checked;
        // The working copy corrupted after the checksum was made from the weights as loaded.
        const std::vector<int8_t> loaded = w;
        for (size_t tap = 0; tap < w.size(); ++tap) {
          for (int bit = 0; bit < 8; ++bit) {
            w[tap] = static_cast<int8_t>(loaded[tap] ^ (1 << bit));
            EXPECT_FALSE(
                kernels::qs8_dwconv_channel(s, *kernel, x.data(), is_signed, c, y.data(), scratch.data(), &checksum))
                << what << " tap " << tap << " bit " << bit;
            w[tap] = loaded[tap];
          }
        }
      }
    }
  }
  EXPECT_GE(checked, 20);  // the scalar kernel on every shape, at least
}

TEST(QS8Dwconv, KernelChoiceAndRowsPerStep) {
  // Planes narrower than 16 pack floor(16 / out_w) output rows into a step while their
  // windows span at most 64 bytes.
  EXPECT_EQ(kernels::qs8_dwconv_vbmi_rows_per_step(conv_shape(112, 112, 3, 3, 1, 1)), 1);
  EXPECT_EQ(kernels::qs8_dwconv_vbmi_rows_per_step(conv_shape(7, 7, 3, 3, 1, 1)), 2);
  EXPECT_EQ(kernels::qs8_dwconv_vbmi_rows_per_step(conv_shape(14, 14, 3, 3, 2, 1)), 2);  // 7 wide, stride 2
  EXPECT_EQ(kernels::qs8_dwconv_vbmi_rows_per_step(conv_shape(9, 4, 3, 3, 1, 1)), 4);
  EXPECT_EQ(kernels::qs8_dwconv_vbmi_rows_per_step(conv_shape(1, 1, 3, 3, 1, 1)), 16);
  EXPECT_EQ(kernels::qs8_dwconv_vbmi_rows_per_step(conv_shape(9, 9, 5, 5, 1, 2)), 0);  // 5 wide
  // Stride 4 over 16 columns spans 63 bytes, stride 5 78 bytes: too wide for one permute.
  EXPECT_EQ(kernels::qs8_dwconv_vbmi_rows_per_step(conv_shape(64, 64, 3, 3, 4, 1)), 1);
  EXPECT_EQ(kernels::qs8_dwconv_vbmi_rows_per_step(conv_shape(100, 100, 3, 3, 5, 1)), 0);
  // The choice under explicit feature sets, whatever this CPU has.
  const CpuFeatures vbmi = kAvx512Features | CpuFeatures{CpuFeature::Avx512Vnni, CpuFeature::Avx512Vbmi};
  auto chosen = [](const QS8DwconvShape& s, CpuFeatures allowed) {
    return std::string(kernels::qs8_dwconv_kernel(s, allowed).name);
  };
  EXPECT_EQ(chosen(conv_shape(7, 7, 3, 3, 1, 1), {}), "qs8_dwconv_requant__scalar");
  EXPECT_EQ(chosen(conv_shape(7, 7, 3, 3, 1, 1), kAvx2Features), "qs8_dwconv_requant__scalar");
  EXPECT_EQ(chosen(conv_shape(7, 7, 3, 3, 1, 1), kAvx512Features), "qs8_dwconv_requant__avx512");
  EXPECT_EQ(chosen(conv_shape(7, 7, 3, 3, 1, 1), vbmi), "qs8_dwconv_requant__avx512vbmi");
  EXPECT_EQ(chosen(conv_shape(7, 7, 3, 3, 1, 1), vbmi.without(CpuFeature::Avx512Vbmi)), "qs8_dwconv_requant__avx512");
  EXPECT_EQ(chosen(conv_shape(9, 9, 5, 5, 1, 2), vbmi), "qs8_dwconv_requant__avx512");  // 5 wide
}

}  // namespace
}  // namespace vigil::testing
