// SPDX-License-Identifier: Apache-2.0
// The unary primitives (kernels/unary.h) on every instruction-set path: each activation
// and function against the scalar reference over the tail sizes, in place and out of
// place; then the stated error bounds of the approximations (exp, sigmoid, tanh, erf,
// gelu) against double-precision std:: functions over a dense sweep of a wide range,
// with NaN, infinities and signed zeros.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "kernels/f32_vmath_test_util.h"
#include "kernels/unary.h"

namespace vigil::kernels {
namespace {

using testing::IsaTest;
using testing::kTailSizes;
using testing::random_floats;

constexpr float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();

bool same_or_close(float got, float want, double tolerance) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  return std::fabs(static_cast<double>(got) - want) <= tolerance;
}

// The inputs of the accuracy sweeps: a dense grid over [-limit, limit], and specials.
std::vector<float> sweep(float limit) {
  std::vector<float> x;
  for (float v = -limit; v <= limit; v += limit / 20000.0f) x.push_back(v);
  for (float v : {0.0f,  -0.0f, 1e-30f, -1e-30f, 1e-7f,   0.5f,  -0.5f,  0.625f, -0.625f, 88.5f,
                  88.8f, 89.5f, -87.5f, -103.0f, -104.5f, 1e30f, -1e30f, kInf,   -kInf,   kNaN})
    x.push_back(v);
  return x;
}

class F32UnaryTest : public IsaTest {};

TEST_P(F32UnaryTest, ActivationsMatchTheReferenceOnTails) {
  const std::vector<ActivationSpec> specs = {{Activation::None},
                                             {Activation::Relu},
                                             {Activation::Clip, -0.5f, 0.75f},
                                             {Activation::LeakyRelu, 0.1f},
                                             {Activation::Sigmoid},
                                             {Activation::Tanh},
                                             {Activation::Gelu},
                                             {Activation::HardSigmoid, 0.2f, 0.5f}};
  for (const ActivationSpec& spec : specs) {
    for (int64_t n : kTailSizes) {
      const std::vector<float> x = random_floats(static_cast<size_t>(n), -6.0f, 6.0f, static_cast<uint32_t>(n + 1));
      std::vector<float> y(x.size(), -7.0f), in_place = x;
      f32_activation(spec, n, x.data(), y.data());
      f32_activation(spec, n, in_place.data(), in_place.data());
      for (int64_t i = 0; i < n; ++i) {
        const float want = apply_activation(spec, x[i]);
        EXPECT_TRUE(same_or_close(y[i], want, 4e-7 * std::max(1.0f, std::fabs(x[i]))))
            << "activation " << static_cast<int>(spec.kind) << " n " << n << " x " << x[i] << " got " << y[i];
        EXPECT_EQ(y[i], in_place[i]) << "in place differs at " << i;
      }
    }
  }
}

TEST_P(F32UnaryTest, FunctionsMatchTheReferenceOnTails) {
  for (UnaryFunction f : {UnaryFunction::Exp, UnaryFunction::Sqrt, UnaryFunction::Reciprocal, UnaryFunction::Erf,
                          UnaryFunction::HardSwish, UnaryFunction::Neg, UnaryFunction::Abs}) {
    for (int64_t n : kTailSizes) {
      const std::vector<float> x = random_floats(static_cast<size_t>(n), 0.1f, 5.0f, static_cast<uint32_t>(n + 7));
      std::vector<float> y(x.size()), in_place = x;
      f32_unary(f, n, x.data(), y.data());
      f32_unary(f, n, in_place.data(), in_place.data());
      for (int64_t i = 0; i < n; ++i) {
        const float want = apply_unary(f, x[i]);
        EXPECT_TRUE(same_or_close(y[i], want, 4e-7 * std::max(1.0f, std::fabs(want))))
            << "function " << static_cast<int>(f) << " x " << x[i] << " got " << y[i] << " want " << want;
        EXPECT_EQ(y[i], in_place[i]);
      }
    }
  }
}

TEST_P(F32UnaryTest, AffineMatchesTheReference) {
  for (int64_t n : kTailSizes) {
    const std::vector<float> x = random_floats(static_cast<size_t>(n), -3.0f, 3.0f, 5);
    std::vector<float> y(x.size());
    f32_affine(n, x.data(), 1.5f, -0.25f, y.data());
    for (int64_t i = 0; i < n; ++i) EXPECT_NEAR(y[i], x[i] * 1.5f - 0.25f, 1e-6f);
  }
}

// Runs `compute` on the sweep and returns the largest error that `error` reports, which
// compares against the double-precision value; NaN and infinities must match exactly.
template <class Compute, class Exact, class Error>
double max_sweep_error(float limit, const Compute& compute, const Exact& exact, const Error& error) {
  const std::vector<float> x = sweep(limit);
  std::vector<float> y(x.size());
  compute(static_cast<int64_t>(x.size()), x.data(), y.data());
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = exact(static_cast<double>(x[i]));
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(y[i])) << "x " << x[i];
    } else if (std::isinf(want) || std::fabs(want) > std::numeric_limits<float>::max()) {
      EXPECT_EQ(y[i], static_cast<float>(want)) << "x " << x[i];
    } else {
      EXPECT_FALSE(std::isnan(y[i])) << "x " << x[i];
      worst = std::max(worst, error(static_cast<double>(y[i]), want, static_cast<double>(x[i])));
    }
  }
  return worst;
}

TEST_P(F32UnaryTest, ExpIsWithinItsBound) {
  const double worst = max_sweep_error(
      110.0f, [](int64_t n, const float* x, float* y) { f32_unary(UnaryFunction::Exp, n, x, y); },
      [](double x) { return std::exp(x); },
      [](double got, double want, double) {
        // Relative in the normal range; below it, within the subnormal spacing.
        return want >= 1.17549435e-38 ? std::fabs(got - want) / want : std::fabs(got - want) / 1.17549435e-38 * 1e-7;
      });
  std::printf("exp max relative error %.3g\n", worst);
  EXPECT_LE(worst, 3e-7);
}

TEST_P(F32UnaryTest, SigmoidTanhErfGeluAreWithinTheirBounds) {
  auto absolute = [](double got, double want, double) { return std::fabs(got - want); };
  const double sigmoid = max_sweep_error(
      120.0f, [](int64_t n, const float* x, float* y) { f32_activation({Activation::Sigmoid}, n, x, y); },
      [](double x) { return 1.0 / (1.0 + std::exp(-x)); }, absolute);
  const double tanh = max_sweep_error(
      20.0f, [](int64_t n, const float* x, float* y) { f32_activation({Activation::Tanh}, n, x, y); },
      [](double x) { return std::tanh(x); }, absolute);
  const double tanh_small = max_sweep_error(
      0.6f, [](int64_t n, const float* x, float* y) { f32_activation({Activation::Tanh}, n, x, y); },
      [](double x) { return std::tanh(x); },
      [](double got, double want, double) {
        return want == 0 ? std::fabs(got) : std::fabs(got - want) / std::fabs(want);
      });
  const double erf = max_sweep_error(
      10.0f, [](int64_t n, const float* x, float* y) { f32_unary(UnaryFunction::Erf, n, x, y); },
      [](double x) { return std::erf(x); }, absolute);
  const double gelu = max_sweep_error(
      20.0f, [](int64_t n, const float* x, float* y) { f32_activation({Activation::Gelu}, n, x, y); },
      [](double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); },
      [](double got, double want, double x) { return std::fabs(got - want) / std::max(1.0, std::fabs(x)); });
  std::printf("max abs error: sigmoid %.3g tanh %.3g (relative below 0.6: %.3g) erf %.3g gelu/max(1,|x|) %.3g\n",
              sigmoid, tanh, tanh_small, erf, gelu);
  EXPECT_LE(sigmoid, 2e-7);
  EXPECT_LE(tanh, 3e-7);
  EXPECT_LE(tanh_small, 3e-7);
  EXPECT_LE(erf, 3e-7);
  EXPECT_LE(gelu, 3e-7);
}

VIGIL_INSTANTIATE_ISA_TESTS(F32UnaryTest);

}  // namespace
}  // namespace vigil::kernels
