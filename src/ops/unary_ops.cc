// SPDX-License-Identifier: Apache-2.0
// Unary elementwise operators: math functions, activations, predicates (IsNaN, IsInf,
// Not), Clip, and the pass-through operators Identity and Dropout. Each maps one input
// to one output of the same shape through the shared elementwise loop (elementwise.h);
// float16 and bfloat16 inputs are computed in float and converted back. Float32 inputs of
// the activations and the common math functions take the planned path through the
// vector primitives of kernels/unary.h, split over threads when large.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/wrapping_arithmetic.h"
#include "kernels/unary.h"
#include "ops/elementwise.h"
#include "ops/f32_fast_path.h"
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// y = f(x) with y of x's type. FloatOnly restricts to the float types (integer inputs
// are unsupported); otherwise integers are computed in their own type.
template <bool FloatOnly, class F>
Tensor map_unary(const Tensor& x, const std::string& what, const F& f) {
  const Tensor wide = widen_half(x);
  auto body = [&](auto tag) {
    using T = typename decltype(tag)::type;
    return apply_elementwise<T>(
        what, [&f](T v) { return convert_element<T>(f(v)); }, operand<T>(wide));
  };
  Tensor result;
  if constexpr (FloatOnly) {
    result = dispatch_float(wide.dtype(), what, body);
  } else {
    result = dispatch_arithmetic(wide.dtype(), what, body);
  }
  return convert_tensor(result, x.dtype());
}

template <bool FloatOnly, class F>
std::unique_ptr<Operator> unary_operator(const OpCreateInfo& info, F f) {
  return make_operator([what = info.describe(), f](const OpInputs& in, OpOutputs& out) {
    out[0] = map_unary<FloatOnly>(require_input(in, 0, what), what, f);
  });
}

// Operators without attributes, from a captureless function object.
template <auto Fn>
std::unique_ptr<Operator> create_float_unary(const OpCreateInfo& info) {
  return unary_operator<true>(info, Fn);
}
template <auto Fn>
std::unique_ptr<Operator> create_numeric_unary(const OpCreateInfo& info) {
  return unary_operator<false>(info, Fn);
}

// The math functions. Float-only ones receive float or double.
constexpr auto sqrt_fn = [](auto x) { return std::sqrt(x); };
constexpr auto exp_fn = [](auto x) { return std::exp(x); };
constexpr auto log_fn = [](auto x) { return std::log(x); };
constexpr auto sin_fn = [](auto x) { return std::sin(x); };
constexpr auto cos_fn = [](auto x) { return std::cos(x); };
constexpr auto tan_fn = [](auto x) { return std::tan(x); };
constexpr auto asin_fn = [](auto x) { return std::asin(x); };
constexpr auto acos_fn = [](auto x) { return std::acos(x); };
constexpr auto atan_fn = [](auto x) { return std::atan(x); };
constexpr auto sinh_fn = [](auto x) { return std::sinh(x); };
constexpr auto cosh_fn = [](auto x) { return std::cosh(x); };
constexpr auto asinh_fn = [](auto x) { return std::asinh(x); };
constexpr auto acosh_fn = [](auto x) { return std::acosh(x); };
constexpr auto atanh_fn = [](auto x) { return std::atanh(x); };
constexpr auto tanh_fn = [](auto x) { return std::tanh(x); };
constexpr auto ceil_fn = [](auto x) { return std::ceil(x); };
constexpr auto floor_fn = [](auto x) { return std::floor(x); };
// nearbyint in the default rounding mode rounds halves to even, as ONNX Round requires.
constexpr auto round_fn = [](auto x) { return std::nearbyint(x); };
constexpr auto reciprocal_fn = [](auto x) { return decltype(x)(1) / x; };
// Written to avoid overflow of exp for large |x|.
constexpr auto sigmoid_fn = [](auto x) {
  using T = decltype(x);
  if (x >= 0) return T(1) / (T(1) + std::exp(-x));
  const T e = std::exp(x);
  return e / (T(1) + e);
};
constexpr auto softplus_fn = [](auto x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); };
constexpr auto softsign_fn = [](auto x) { return x / (decltype(x)(1) + std::fabs(x)); };

// Numeric ones also receive integers, which wrap: -INT64_MIN is INT64_MIN.
constexpr auto neg_fn = [](auto x) { return wrapping_negate(x); };
constexpr auto abs_fn = [](auto x) {
  if constexpr (std::is_signed_v<decltype(x)>)
    return x < 0 ? neg_fn(x) : x;
  else
    return x;
};
constexpr auto sign_fn = [](auto x) {
  using T = decltype(x);
  if (x > T(0)) return T(1);
  if constexpr (std::is_signed_v<T> || std::is_floating_point_v<T>) {
    if (x < T(0)) return T(-1);
  }
  return x;  // zero, or NaN which stays NaN
};
constexpr auto relu_fn = [](auto x) {
  using T = decltype(x);
  if constexpr (std::is_unsigned_v<T>)
    return x;
  else
    return x < T(0) ? T(0) : x;  // NaN passes through, as numpy's maximum
};
constexpr auto erf_fn = [](auto x) { return std::erf(x); };

// Activations with attributes.
std::unique_ptr<Operator> create_leaky_relu(const OpCreateInfo& info) {
  const double alpha = info.attributes().get_float("alpha", 0.01f);
  return unary_operator<true>(info, [alpha](auto x) { return x < 0 ? x * decltype(x)(alpha) : x; });
}

std::unique_ptr<Operator> create_elu(const OpCreateInfo& info) {
  const double alpha = info.attributes().get_float("alpha", 1.0f);
  return unary_operator<true>(info, [alpha](auto x) { return x < 0 ? alpha * std::expm1(x) : x; });
}

std::unique_ptr<Operator> create_selu(const OpCreateInfo& info) {
  const double alpha = info.attributes().get_float("alpha", 1.67326319217681884765625f);
  const double gamma = info.attributes().get_float("gamma", 1.05070102214813232421875f);
  return unary_operator<true>(info,
                              [alpha, gamma](auto x) { return x > 0 ? gamma * x : gamma * alpha * std::expm1(x); });
}

std::unique_ptr<Operator> create_celu(const OpCreateInfo& info) {
  const double alpha = info.attributes().get_float("alpha", 1.0f);
  check_input(alpha != 0, info.describe(), ": alpha must not be 0");
  return unary_operator<true>(info, [alpha](auto x) { return x > 0 ? double(x) : alpha * std::expm1(x / alpha); });
}

std::unique_ptr<Operator> create_hard_sigmoid(const OpCreateInfo& info) {
  const double alpha = info.attributes().get_float("alpha", 0.2f);
  const double beta = info.attributes().get_float("beta", 0.5f);
  return unary_operator<true>(info, [alpha, beta](auto x) {
    using T = decltype(x);
    return std::clamp(T(alpha) * x + T(beta), T(0), T(1));
  });
}

std::unique_ptr<Operator> create_hard_swish(const OpCreateInfo& info) {
  return unary_operator<true>(info, [](auto x) {
    using T = decltype(x);
    return x * std::clamp(x / T(6) + T(0.5), T(0), T(1));
  });
}

std::unique_ptr<Operator> create_thresholded_relu(const OpCreateInfo& info) {
  const double alpha = info.attributes().get_float("alpha", 1.0f);
  return unary_operator<true>(info, [alpha](auto x) { return x > alpha ? x : decltype(x)(0); });
}

std::unique_ptr<Operator> create_shrink(const OpCreateInfo& info) {
  const double bias = info.attributes().get_float("bias", 0.0f);
  const double lambd = info.attributes().get_float("lambd", 0.5f);
  // Computed in double so that integer inputs compare against the float thresholds.
  return unary_operator<false>(info, [bias, lambd](auto x) {
    const double v = static_cast<double>(x);
    return v < -lambd ? v + bias : (v > lambd ? v - bias : 0.0);
  });
}

// Predicates: float input, bool output.
template <class F>
std::unique_ptr<Operator> float_predicate_operator(const OpCreateInfo& info, F f) {
  return make_operator([what = info.describe(), f](const OpInputs& in, OpOutputs& out) {
    const Tensor x = widen_half(require_input(in, 0, what));
    out[0] = dispatch_float(x.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      return apply_elementwise<bool>(
          what, [&f](T v) { return f(v); }, operand<T>(x));
    });
  });
}

std::unique_ptr<Operator> create_is_nan(const OpCreateInfo& info) {
  return float_predicate_operator(info, [](auto x) { return std::isnan(x); });
}

std::unique_ptr<Operator> create_is_inf(const OpCreateInfo& info) {
  const bool negative = info.attributes().get_int("detect_negative", 1) != 0;
  const bool positive = info.attributes().get_int("detect_positive", 1) != 0;
  return float_predicate_operator(
      info, [negative, positive](auto x) { return std::isinf(x) && (x > 0 ? positive : negative); });
}

std::unique_ptr<Operator> create_not(const OpCreateInfo& info) {
  return make_operator([what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, what);
    check_input(x.dtype() == DType::Bool, what, ": input must be bool, not ", dtype_name(x.dtype()));
    out[0] = apply_elementwise<bool>(
        what, [](bool v) { return !v; }, operand<bool>(x));
  });
}

// Clip: bounds are attributes before opset 11 (float only), optional scalar inputs after.
// A missing bound is no bound; with min > max every element becomes max.
template <class T>
T clip_bound(const OpInputs& in, size_t index, DType dtype, T fallback, const std::string& what) {
  if (!has_input(in, index)) return fallback;
  check_input(in[index]->numel() == 1, what, ": bound input #", index, " must hold one element, not ",
              shape_to_string(in[index]->shape()));
  check_input(in[index]->dtype() == dtype, what, ": bound input #", index, " has element type ",
              dtype_name(in[index]->dtype()), ", expected ", dtype_name(dtype));
  return widen_half(*in[index]).data<T>()[0];
}

std::unique_ptr<Operator> create_clip(const OpCreateInfo& info) {
  if (info.opset < 11) {
    const double lo = info.attributes().get_float("min", -std::numeric_limits<float>::infinity());
    const double hi = info.attributes().get_float("max", std::numeric_limits<float>::infinity());
    return unary_operator<true>(info, [lo, hi](auto x) {
      using T = decltype(x);
      return std::min(std::max(x, T(lo)), T(hi));
    });
  }
  return make_operator([what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, what);
    const Tensor wide = widen_half(x);
    const Tensor result = dispatch_arithmetic(wide.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      using Limits = std::numeric_limits<T>;
      const T lo = clip_bound<T>(in, 1, x.dtype(), Limits::has_infinity ? -Limits::infinity() : Limits::lowest(), what);
      const T hi = clip_bound<T>(in, 2, x.dtype(), Limits::has_infinity ? Limits::infinity() : Limits::max(), what);
      return apply_elementwise<T>(
          what, [lo, hi](T v) { return std::min(std::max(v, lo), hi); }, operand<T>(wide));
    });
    out[0] = convert_tensor(result, x.dtype());
  });
}

// Identity over a tensor. The session picks it where the input is known to be a tensor;
// Identity over sequences and optionals is a value operator (runtime/value_ops/sequence_ops.cc).
// Planned: the output may take the input's buffer and is copied only when the memory plan
// gave it another.
class TensorIdentity final : public Operator {
 public:
  void run(const OpInputs& in, OpOutputs& out) override { out[0] = require_input(in, 0, "Identity input"); }
  bool plan(const OpInputs& in, std::vector<TensorSpec>& out) override {
    if (!has_input(in, 0) || in[0]->dtype() == DType::String) return false;
    out.assign(1, TensorSpec{in[0]->dtype(), in[0]->shape()});
    return true;
  }
  void execute(const OpInputs& in, OpOutputs& out) override {
    if (out[0].raw() != in[0]->raw()) std::memcpy(out[0].raw(), in[0]->raw(), in[0]->nbytes());
  }
  int in_place_input() const override { return 0; }
};

std::unique_ptr<Operator> create_identity(const OpCreateInfo&) { return std::make_unique<TensorIdentity>(); }

// Dropout at inference is the identity, with an all-true mask. Opset 12 made training a
// run-time input; training with a nonzero ratio draws random numbers, which a reference
// engine cannot reproduce. Before opset 12 the operator is run in inference mode (is_test
// of opsets 1-6 is ignored, as inference runtimes do). The mask is bool from opset 10,
// of the input's type before.
std::unique_ptr<Operator> create_dropout(const OpCreateInfo& info) {
  const int64_t opset = info.opset;
  return make_operator([what = info.describe(), opset](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, what);
    if (opset >= 12 && has_input(in, 2)) {
      check_input(in[2]->numel() == 1, what, ": training_mode must hold one element");
      check_input(!has_input(in, 1) || in[1]->numel() == 1, what, ": ratio must hold one element");
      const bool training = in[2]->to_int64_vector()[0] != 0;
      const double ratio = has_input(in, 1) ? in[1]->to_double_vector()[0] : 0.5;
      if (training && ratio > 0) fail_unsupported(what, ": training mode (random dropout) is not supported");
    }
    out[0] = x;
    if (out.size() > 1) {
      const DType mask_type = opset >= 10 ? DType::Bool : x.dtype();
      out[1] = convert_tensor(Tensor::from_vector<bool>(x.shape(), std::vector<bool>(x.numel(), true)), mask_type);
    }
  });
}

// The float32 path: one vector primitive over the flat tensor, in place when the memory
// plan gives the input's buffer. Clip reads its bounds (optional scalar inputs from
// opset 11) on every execution, so they need not be constants.
struct F32Map {
  bool is_activation = true;
  kernels::ActivationSpec activation;
  kernels::UnaryFunction function = kernels::UnaryFunction::Exp;
  bool clip_inputs = false;  // Clip from opset 11: bounds from inputs 1 and 2
};

class F32UnaryOperator final : public F32FastOperator {
 public:
  F32UnaryOperator(std::unique_ptr<Operator> reference, F32Map map, int threads)
      : F32FastOperator(std::move(reference)), map_(map), threads_(threads) {}

  bool plan(const OpInputs& in, std::vector<TensorSpec>& out) override {
    if (!is_f32(in, 0)) return false;
    if (map_.clip_inputs) {
      for (size_t b = 1; b < 3; ++b) {
        if (has_input(in, b) && !(in[b]->dtype() == DType::Float32 && in[b]->numel() == 1)) return false;
      }
    }
    out.assign(1, TensorSpec{DType::Float32, in[0]->shape()});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    kernels::ActivationSpec activation = map_.activation;
    if (map_.clip_inputs) {
      activation.alpha = has_input(in, 1) ? in[1]->data<float>()[0] : -std::numeric_limits<float>::infinity();
      activation.beta = has_input(in, 2) ? in[2]->data<float>()[0] : std::numeric_limits<float>::infinity();
    }
    const float* x = in[0]->data<float>();
    float* y = out[0].data<float>();
    parallel_ranges_if_large(in[0]->numel(), 1, threads_, [&](int64_t begin, int64_t end) {
      if (map_.is_activation) {
        kernels::f32_activation(activation, end - begin, x + begin, y + begin);
      } else {
        kernels::f32_unary(map_.function, end - begin, x + begin, y + begin);
      }
    });
  }

  int in_place_input() const override { return 0; }
  std::string algorithm() const override { return "f32_vunary"; }
  std::optional<SpatialDependence> spatial_dependence(const OpInputs& in) const override {
    if (!has_input(in, 0) || in[0]->rank() != 4) return std::nullopt;
    return aligned_spatially(in, in[0]->dim(2), in[0]->dim(3));
  }

 private:
  F32Map map_;
  int threads_;
};

std::unique_ptr<Operator> with_f32_map(const OpCreateInfo& info, std::unique_ptr<Operator> reference, F32Map map) {
  return std::make_unique<F32UnaryOperator>(std::move(reference), map, info.threads);
}

F32Map activation_map(kernels::Activation kind, float alpha = 0.0f, float beta = 0.0f) {
  F32Map map;
  map.activation = {kind, alpha, beta};
  return map;
}

template <OpFactory Reference, kernels::Activation Kind>
std::unique_ptr<Operator> create_fast_activation(const OpCreateInfo& info) {
  return with_f32_map(info, Reference(info), activation_map(Kind));
}

template <OpFactory Reference, kernels::UnaryFunction Function>
std::unique_ptr<Operator> create_fast_function(const OpCreateInfo& info) {
  F32Map map;
  map.is_activation = false;
  map.function = Function;
  return with_f32_map(info, Reference(info), map);
}

std::unique_ptr<Operator> create_fast_leaky_relu(const OpCreateInfo& info) {
  const float alpha = info.attributes().get_float("alpha", 0.01f);
  return with_f32_map(info, create_leaky_relu(info), activation_map(kernels::Activation::LeakyRelu, alpha));
}

std::unique_ptr<Operator> create_fast_hard_sigmoid(const OpCreateInfo& info) {
  const float alpha = info.attributes().get_float("alpha", 0.2f);
  const float beta = info.attributes().get_float("beta", 0.5f);
  return with_f32_map(info, create_hard_sigmoid(info), activation_map(kernels::Activation::HardSigmoid, alpha, beta));
}

std::unique_ptr<Operator> create_fast_clip(const OpCreateInfo& info) {
  F32Map map;
  if (info.opset < 11) {
    const float inf = std::numeric_limits<float>::infinity();
    map = activation_map(kernels::Activation::Clip, info.attributes().get_float("min", -inf),
                         info.attributes().get_float("max", inf));
  } else {
    map = activation_map(kernels::Activation::Clip);
    map.clip_inputs = true;
  }
  return with_f32_map(info, create_clip(info), map);
}

// Gelu of the "vigil" domain (made by the graph passes from the erf form): float only.
std::unique_ptr<Operator> create_gelu(const OpCreateInfo& info) {
  constexpr auto gelu_fn = [](auto x) { return x * (1 + std::erf(x * decltype(x)(0.70710678118654752))) / 2; };
  return with_f32_map(info, unary_operator<true>(info, gelu_fn), activation_map(kernels::Activation::Gelu));
}

}  // namespace

void register_unary_operators(OpRegistry& registry) {
  registry.add("", "Sqrt", create_fast_function<create_float_unary<sqrt_fn>, kernels::UnaryFunction::Sqrt>);
  registry.add("", "Exp", create_fast_function<create_float_unary<exp_fn>, kernels::UnaryFunction::Exp>);
  registry.add("", "Log", create_float_unary<log_fn>);
  registry.add("", "Sin", create_float_unary<sin_fn>);
  registry.add("", "Cos", create_float_unary<cos_fn>);
  registry.add("", "Tan", create_float_unary<tan_fn>);
  registry.add("", "Asin", create_float_unary<asin_fn>);
  registry.add("", "Acos", create_float_unary<acos_fn>);
  registry.add("", "Atan", create_float_unary<atan_fn>);
  registry.add("", "Sinh", create_float_unary<sinh_fn>);
  registry.add("", "Cosh", create_float_unary<cosh_fn>);
  registry.add("", "Asinh", create_float_unary<asinh_fn>);
  registry.add("", "Acosh", create_float_unary<acosh_fn>);
  registry.add("", "Atanh", create_float_unary<atanh_fn>);
  registry.add("", "Tanh", create_fast_activation<create_float_unary<tanh_fn>, kernels::Activation::Tanh>);
  registry.add("", "Ceil", create_float_unary<ceil_fn>);
  registry.add("", "Floor", create_float_unary<floor_fn>);
  registry.add("", "Round", create_float_unary<round_fn>);
  registry.add("", "Reciprocal",
               create_fast_function<create_float_unary<reciprocal_fn>, kernels::UnaryFunction::Reciprocal>);
  registry.add("", "Sigmoid", create_fast_activation<create_float_unary<sigmoid_fn>, kernels::Activation::Sigmoid>);
  registry.add("", "Softplus", create_float_unary<softplus_fn>);
  registry.add("", "Softsign", create_float_unary<softsign_fn>);
  registry.add("", "Abs", create_fast_function<create_numeric_unary<abs_fn>, kernels::UnaryFunction::Abs>);
  registry.add("", "Neg", create_fast_function<create_numeric_unary<neg_fn>, kernels::UnaryFunction::Neg>);
  registry.add("", "Sign", create_numeric_unary<sign_fn>);
  registry.add("", "Relu", create_fast_activation<create_numeric_unary<relu_fn>, kernels::Activation::Relu>);
  registry.add("", "Erf", create_fast_function<create_numeric_unary<erf_fn>, kernels::UnaryFunction::Erf>);
  registry.add("", "LeakyRelu", create_fast_leaky_relu);
  registry.add("", "Elu", create_elu);
  registry.add("", "Selu", create_selu);
  registry.add("", "Celu", create_celu);
  registry.add("", "HardSigmoid", create_fast_hard_sigmoid);
  registry.add("", "HardSwish", create_fast_function<create_hard_swish, kernels::UnaryFunction::HardSwish>);
  registry.add("", "ThresholdedRelu", create_thresholded_relu);
  registry.add("", "Shrink", create_shrink);
  registry.add("", "IsNaN", create_is_nan);
  registry.add("", "IsInf", create_is_inf);
  registry.add("", "Not", create_not);
  registry.add("", "Clip", create_fast_clip);
  registry.add("", "Dropout", create_dropout);
  registry.add("", "Identity", create_identity);
  registry.add("vigil", "Gelu", create_gelu);
}

}  // namespace vigil
