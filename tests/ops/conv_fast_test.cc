// SPDX-License-Identifier: Apache-2.0
// The fast float32 Conv algorithms (1x1 GEMM, implicit GEMM, depthwise, Winograd) and
// FusedConv, against a naive double-precision convolution, on every instruction-set path
// the CPU has: odd sizes, channels not a multiple of the vector width, padding on every
// side, strides and dilations, groups, batch 2, one and two threads, the fused epilogue.
// Weights are given as constants, as a session does, so the operator picks its algorithm.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "core/cpu_features.h"
#include "ops/conv_internal.h"
#include "ops/op_test_util.h"
#include "random_data.h"

namespace vigil::testing {
namespace {

struct ConvCase {
  int64_t batch, channels, out_channels, h, w, kernel, stride, dilation, group;
  std::vector<int64_t> pads;  // top, left, bottom, right
  const char* algorithm;      // expected prefix of algorithm()
  bool declared = false;      // the model declares X's shape (some choices depend on it)
};

// Y = act(conv(X, W) + B + Z) in double, straight from the definition.
std::vector<double> naive_conv(const ConvCase& c, const std::vector<float>& x, const std::vector<float>& w,
                               const std::vector<float>& b, const std::vector<float>& z, int64_t oh, int64_t ow,
                               const kernels::ActivationSpec& act) {
  const int64_t cg = c.channels / c.group, mg = c.out_channels / c.group;
  std::vector<double> y(static_cast<size_t>(c.batch * c.out_channels * oh * ow));
  for (int64_t n = 0; n < c.batch; ++n)
    for (int64_t m = 0; m < c.out_channels; ++m)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          double sum = b.empty() ? 0.0 : b[m];
          const int64_t g = m / mg;
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t ky = 0; ky < c.kernel; ++ky)
              for (int64_t kx = 0; kx < c.kernel; ++kx) {
                const int64_t iy = oy * c.stride - c.pads[0] + ky * c.dilation;
                const int64_t ix = ox * c.stride - c.pads[1] + kx * c.dilation;
                if (iy < 0 || iy >= c.h || ix < 0 || ix >= c.w) continue;
                sum += double(w[((m * cg + ci) * c.kernel + ky) * c.kernel + kx]) *
                       x[((n * c.channels + g * cg + ci) * c.h + iy) * c.w + ix];
              }
          const size_t at = static_cast<size_t>(((n * c.out_channels + m) * oh + oy) * ow + ox);
          if (!z.empty()) sum += z[at];
          y[at] = act.kind == kernels::Activation::None ? sum : kernels::apply_activation(act, float(sum));
        }
  return y;
}

struct Fused {
  bool bias = false, residual = false;
  std::string activation;  // "" for none
  std::vector<float> params;
};

// Runs Conv (or FusedConv) with W constant; returns output and algorithm.
std::pair<Tensor, std::string> run_constant(const ConvCase& c, const Tensor& x, const Tensor& w, const Tensor& b,
                                            const Tensor& z, const Fused& f, int threads, bool constant) {
  Node node;
  node.name = "conv";
  node.op_type = f.residual || !f.activation.empty() ? "FusedConv" : "Conv";
  node.domain = node.op_type == "FusedConv" ? "vigil" : "";
  node.inputs = {"x", "w", f.bias ? "b" : "", f.residual ? "z" : ""};
  node.outputs = {"y"};
  node.attributes.set_owner(node.describe());
  auto ints = [](std::vector<int64_t> v) {
    Attribute a;
    a.type = AttributeType::Ints;
    a.ints = std::move(v);
    return a;
  };
  node.attributes.set("strides", ints({c.stride, c.stride}));
  node.attributes.set("dilations", ints({c.dilation, c.dilation}));
  node.attributes.set("pads", ints(c.pads));
  Attribute group;
  group.type = AttributeType::Int;
  group.i = c.group;
  node.attributes.set("group", group);
  if (!f.activation.empty()) {
    Attribute a;
    a.type = AttributeType::String;
    a.s = f.activation;
    node.attributes.set("activation", a);
    Attribute p;
    p.type = AttributeType::Floats;
    p.floats = f.params;
    if (!f.params.empty()) node.attributes.set("activation_params", p);
  }
  Model model;
  ValueInfo declared{"x", DType::Float32, true, {}};
  for (int64_t d : x.shape()) declared.dims.push_back(Dim{d, ""});
  model.graph.inputs.push_back(declared);
  const OpFactory factory = OpRegistry::instance().find(node.domain, node.op_type);
  const OpCreateInfo info{
      node, 17, c.declared ? &model : nullptr,
      [&](const std::string& name) -> const Tensor* { return constant && name == "w" ? &w : nullptr; }, threads};
  const auto op = factory(info);
  OpInputs in{&x, &w, f.bias ? &b : nullptr, f.residual ? &z : nullptr};
  OpOutputs out(1);
  op->run(in, out);
  op->run(in, out);  // a second run on the same plan and scratch
  return {out[0], op->algorithm()};
}

std::vector<Isa> available_paths() {
  std::vector<Isa> paths;
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512})
    if (static_cast<int>(isa) <= static_cast<int>(detected_isa())) paths.push_back(isa);
  return paths;
}

void check(const ConvCase& c, const Fused& f, bool constant = true) {
  const int64_t extent = (c.kernel - 1) * c.dilation + 1;
  const int64_t oh = (c.h + c.pads[0] + c.pads[2] - extent) / c.stride + 1;
  const int64_t ow = (c.w + c.pads[1] + c.pads[3] - extent) / c.stride + 1;
  const auto xv = random_values(size_t(c.batch * c.channels * c.h * c.w), 1);
  const auto wv = random_values(size_t(c.out_channels * c.channels / c.group * c.kernel * c.kernel), 2);
  const auto bv = f.bias ? random_values(size_t(c.out_channels), 3) : std::vector<float>{};
  const auto zv = f.residual ? random_values(size_t(c.batch * c.out_channels * oh * ow), 4) : std::vector<float>{};
  kernels::ActivationSpec act;
  if (f.activation == "Relu") act.kind = kernels::Activation::Relu;
  if (f.activation == "Clip") act = {kernels::Activation::Clip, f.params[0], f.params[1]};
  if (f.activation == "Sigmoid") act.kind = kernels::Activation::Sigmoid;
  const auto expected = naive_conv(c, xv, wv, bv, zv, oh, ow, act);
  const Tensor x = make<float>({c.batch, c.channels, c.h, c.w}, xv);
  const Tensor w = make<float>({c.out_channels, c.channels / c.group, c.kernel, c.kernel}, wv);
  const Tensor b = f.bias ? make<float>({c.out_channels}, bv) : Tensor();
  const Tensor z = f.residual ? make<float>({c.batch, c.out_channels, oh, ow}, zv) : Tensor();
  double magnitude = 1e-30;
  for (double e : expected) magnitude = std::max(magnitude, std::fabs(e));
  for (Isa isa : available_paths()) {
    set_active_isa(isa);
    for (int threads : {1, 2}) {
      const auto [y, algorithm] = run_constant(c, x, w, b, z, f, threads, constant);
      ASSERT_EQ(y.shape(), (Shape{c.batch, c.out_channels, oh, ow}));
      // Small maps with the AVX-512 GEMM take implicit GEMM (ops/conv_winograd.cc).
      const bool narrow = std::string(c.algorithm) == "winograd_f2x2_3x3" && isa == Isa::Avx512;
      EXPECT_EQ(algorithm.rfind(narrow ? "implicit_gemm" : c.algorithm, 0), 0u) << algorithm;
      double max_error = 0.0;
      for (int64_t i = 0; i < y.numel(); ++i)
        max_error = std::max(max_error, std::fabs(y.data<float>()[i] - expected[size_t(i)]));
      // Sums of C*k*k products of values in [-1, 1] in float: a few ulps of sqrt(terms),
      // relative to the output's magnitude.
      const double bound = 2e-6 * magnitude * std::sqrt(double(c.channels / c.group * c.kernel * c.kernel) + 4);
      EXPECT_LE(max_error, bound) << isa_name(isa) << " " << algorithm << " threads " << threads << " max error "
                                  << max_error;
      // Each image of a batch comes out bit for bit as it does alone (replays batch
      // several injections into one run and must give each the bits of its own run).
      const int64_t in_image = c.channels * c.h * c.w, out_image = c.out_channels * oh * ow;
      for (int64_t n = 0; n < c.batch && c.batch > 1; ++n) {
        ConvCase alone = c;
        alone.batch = 1;
        const auto slice = [](const std::vector<float>& v, int64_t at, int64_t count) {
          return std::vector<float>(v.begin() + at, v.begin() + at + count);
        };
        const Tensor x1 = make<float>({1, c.channels, c.h, c.w}, slice(xv, n * in_image, in_image));
        const Tensor z1 = f.residual ? make<float>({1, c.out_channels, oh, ow}, slice(zv, n * out_image, out_image))
                                     : Tensor();
        const auto [y1, algorithm1] = run_constant(alone, x1, w, b, z1, f, threads, constant);
        EXPECT_EQ(algorithm1, algorithm);
        EXPECT_EQ(std::memcmp(y1.raw(), y.data<float>() + n * out_image, sizeof(float) * out_image), 0)
            << isa_name(isa) << " " << algorithm << " threads " << threads << " image " << n;
      }
    }
  }
  set_active_isa(detected_isa());
}

TEST(ConvFast, PointwiseRunsAGemmOnTheInput) {
  check({1, 19, 23, 7, 9, 1, 1, 1, 1, {0, 0, 0, 0}, "gemm_1x1"}, {});
  check({2, 64, 40, 14, 14, 1, 1, 1, 1, {0, 0, 0, 0}, "gemm_1x1"}, {true, false, "", {}});
}

TEST(ConvFast, SmallMapsRunTheTransposedProduct) {
  check({1, 40, 37, 7, 7, 1, 1, 1, 1, {0, 0, 0, 0}, "gemm_1x1_transposed", true}, {true, false, "", {}});
  check({2, 17, 70, 5, 3, 1, 1, 1, 1, {0, 0, 0, 0}, "gemm_1x1_transposed", true}, {});
  for (const Fused& f :
       {Fused{true, true, "Clip", {-0.5f, 0.75f}}, Fused{false, true, "Sigmoid", {}}, Fused{true, false, "Relu", {}}}) {
    check({2, 33, 48, 7, 7, 1, 1, 1, 1, {0, 0, 0, 0}, "gemm_1x1_transposed", true}, f);
    check({2, 24, 40, 7, 7, 3, 1, 1, 1, {1, 1, 1, 1}, "implicit_gemm_transposed", true}, f);  // ResNet's layer4
  }
  // Padding, strides and dilations gather the patches first.
  check({1, 8, 8, 6, 6, 1, 1, 1, 1, {1, 0, 0, 1}, "gemm_1x1_transposed", true}, {});
  check({1, 20, 36, 14, 14, 3, 2, 1, 1, {1, 1, 1, 1}, "implicit_gemm_transposed", true}, {true, false, "", {}});
  check({2, 13, 9, 11, 10, 3, 2, 2, 1, {2, 1, 0, 3}, "implicit_gemm_transposed", true}, {});
  check({1, 17, 21, 9, 7, 5, 1, 1, 1, {2, 2, 2, 2}, "implicit_gemm_transposed", true}, {});
  // A larger map, or groups: the direct product.
  check({1, 8, 8, 9, 9, 1, 1, 1, 1, {0, 0, 0, 0}, "gemm_1x1 ", true}, {});
  check({1, 12, 18, 9, 9, 3, 1, 1, 1, {1, 1, 1, 1}, "implicit_gemm ", true}, {});
  check({1, 12, 18, 7, 7, 3, 2, 1, 3, {1, 1, 1, 1}, "implicit_gemm ", true}, {});
}

TEST(ConvFast, StridedPointwiseGathersPixels) {
  check({2, 17, 33, 13, 11, 1, 2, 1, 1, {0, 0, 0, 0}, "gemm_1x1"}, {true, false, "", {}});
  check({1, 8, 8, 6, 6, 1, 1, 1, 1, {1, 0, 0, 1}, "gemm_1x1"}, {});  // padded 1x1
}

TEST(ConvFast, ImplicitGemmCoversStridesDilationsPaddingAndGroups) {
  check({1, 3, 16, 23, 19, 7, 2, 1, 1, {3, 3, 3, 3}, "implicit_gemm"}, {true, false, "", {}});  // a ResNet stem
  check({2, 13, 9, 11, 10, 3, 1, 2, 1, {2, 1, 0, 3}, "implicit_gemm"}, {});
  check({1, 12, 18, 9, 9, 3, 2, 1, 3, {1, 1, 1, 1}, "implicit_gemm"}, {true, false, "", {}});
  check({1, 20, 21, 8, 8, 5, 1, 1, 1, {2, 2, 2, 2}, "implicit_gemm"}, {});
}

TEST(ConvFast, DepthwiseKernelsHandleBordersExactly) {
  for (int64_t k : {3, 5})
    for (int64_t s : {1, 2})
      for (int64_t size : {5, 17, 30})
        check({2, 11, 11, size, size + 3, k, s, 1, 11, {k / 2, k / 2 - 1 + s % 2, k / 2, k / 2}, "depthwise"},
              {true, false, "", {}});
  check({1, 6, 6, 12, 13, 3, 1, 2, 6, {2, 2, 2, 2}, "depthwise"}, {});  // dilated: the general kernel
  check({1, 5, 5, 9, 9, 4, 3, 1, 5, {0, 1, 2, 3}, "depthwise"}, {});
}

TEST(ConvFast, FusedEpilogueAppliesBiasResidualAndActivation) {
  const Fused relu{true, true, "Relu", {}}, clip{true, true, "Clip", {-0.5f, 0.75f}},
      sigmoid{true, false, "Sigmoid", {}};
  for (const Fused& f : {relu, clip, sigmoid}) {
    check({2, 16, 24, 9, 9, 1, 1, 1, 1, {0, 0, 0, 0}, "gemm_1x1"}, f);
    check({1, 10, 7, 9, 8, 3, 2, 1, 1, {1, 1, 1, 1}, "implicit_gemm"}, f);
    check({2, 9, 9, 13, 12, 3, 1, 1, 9, {1, 1, 1, 1}, "depthwise"}, f);
  }
}

TEST(ConvFast, WinogradLayersThroughTheOperator) {
  // No declared input size here: 256 channels or fewer take F(4x4), more take F(2x2)
  // (implicit GEMM with the AVX-512 GEMM).
  check({2, 32, 40, 13, 11, 3, 1, 1, 1, {1, 1, 1, 1}, "winograd_f4x4_3x3"}, {true, true, "Relu", {}});
  check({1, 264, 33, 7, 7, 3, 1, 1, 1, {1, 0, 1, 2}, "winograd_f2x2_3x3"}, {true, true, "Clip", {-0.5f, 0.5f}});
  check({1, 16, 40, 9, 9, 3, 1, 1, 1, {1, 1, 1, 1}, "implicit_gemm"}, {});  // too few channels
}

TEST(ConvFast, FusedConvWithoutConstantWeightsUsesTheReference) {
  check({2, 6, 5, 7, 7, 3, 1, 1, 1, {1, 1, 1, 1}, ""}, {true, true, "Clip", {0.0f, 0.5f}}, false);
  check({1, 4, 4, 7, 7, 3, 2, 1, 4, {1, 1, 1, 1}, ""}, {true, true, "Relu", {}}, false);
}

}  // namespace
}  // namespace vigil::testing
