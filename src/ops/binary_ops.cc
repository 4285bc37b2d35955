// SPDX-License-Identifier: Apache-2.0
// Binary elementwise operators: arithmetic (Add, Sub, Mul, Div, Pow, Mod), bit shifts,
// logic (And, Or, Xor), comparisons and PRelu. Operands broadcast numpy-style from opset
// 7 on; before that only B broadcasts onto A, and only when the `broadcast` attribute
// says so (with `axis` placing B inside A). float16 and bfloat16 compute in float.
// Float32 Add, Sub, Mul, Div (opset 7 on) take the planned path: the broadcast is merged
// into runs once per shape, and each run is one vector primitive of kernels/binary.h
// (same length, or one operand constant along the run); Pow with a one-element float32
// exponent squares or takes square roots by vector kernels.
#include <algorithm>
#include <cmath>
#include <optional>
#include <type_traits>

#include "core/wrapping_arithmetic.h"
#include "kernels/binary.h"
#include "kernels/unary.h"
#include "ops/elementwise.h"
#include "ops/f32_fast_path.h"
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// The pre-opset-7 broadcasting rule of a node, read once.
struct LegacyBroadcast {
  bool legacy = false;   // opset < 7
  bool enabled = false;  // the `broadcast` attribute
  std::optional<int64_t> axis;

  explicit LegacyBroadcast(const OpCreateInfo& info) {
    legacy = info.opset < 7;
    enabled = info.attributes().get_int("broadcast", 0) != 0;
    if (info.attributes().has("axis")) axis = info.attributes().get_int("axis", 0);
  }

  // B reshaped so that numpy broadcasting places it where the legacy rule does.
  Tensor align(const Tensor& a, const Tensor& b, const std::string& what) const {
    if (!legacy) return b;
    if (!enabled) {
      check_input(a.shape() == b.shape(), what, ": shapes ", shape_to_string(a.shape()), " and ",
                  shape_to_string(b.shape()), " differ and broadcast is not set");
      return b;
    }
    if (!axis || b.numel() == 1) return b;  // suffix matching is numpy's rule
    const int64_t start = normalize_axis(*axis, a.rank(), what);
    check_input(start + b.rank() <= a.rank(), what, ": B of shape ", shape_to_string(b.shape()),
                " does not fit into A of shape ", shape_to_string(a.shape()), " at axis ", start);
    Shape shape(static_cast<size_t>(start), 1);
    shape.insert(shape.end(), b.shape().begin(), b.shape().end());
    shape.resize(static_cast<size_t>(a.rank()), 1);
    return b.reshaped(shape);
  }
};

// Builds an operator computing out = combine(a, b, what) on the (aligned) operands.
template <class Combine>
std::unique_ptr<Operator> binary_operator(const OpCreateInfo& info, Combine combine) {
  return make_operator(
      [what = info.describe(), legacy = LegacyBroadcast(info), combine](const OpInputs& in, OpOutputs& out) {
        const Tensor& a = require_input(in, 0, what);
        const Tensor b = legacy.align(a, require_input(in, 1, what), what);
        out[0] = combine(a, b, what);
      });
}

// The element types an operator accepts (after float16/bfloat16 are widened to float).
enum class TypeSet { Arithmetic, Bool, ArithmeticOrBool };

template <TypeSet Types, class F>
decltype(auto) dispatch_set(DType type, const std::string& what, F&& f) {
  if constexpr (Types == TypeSet::Arithmetic) {
    return dispatch_arithmetic(type, what, f);
  } else if constexpr (Types == TypeSet::Bool) {
    check_input(type == DType::Bool, what, ": inputs must be bool, not ", dtype_name(type));
    return f(TypeTag<bool>{});
  } else {
    if (type == DType::Bool) return f(TypeTag<bool>{});
    return dispatch_arithmetic(type, what, f);
  }
}

// out = f(a, b) elementwise; the output is of the inputs' type, or bool when Predicate.
template <TypeSet Types, bool Predicate, class F>
Tensor combine_elementwise(const Tensor& a, const Tensor& b, const std::string& what, const F& f) {
  check_same_dtype(a, b, what);
  const Tensor wa = widen_half(a);
  const Tensor wb = widen_half(b);
  Tensor result = dispatch_set<Types>(wa.dtype(), what, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Out = std::conditional_t<Predicate, bool, T>;
    return apply_elementwise<Out>(
        what, [&f](T x, T y) { return static_cast<Out>(f(x, y)); }, operand<T>(wa), operand<T>(wb));
  });
  return Predicate ? result : convert_tensor(result, a.dtype());
}

template <TypeSet Types, bool Predicate, auto Fn>
std::unique_ptr<Operator> create_elementwise(const OpCreateInfo& info) {
  return binary_operator(info, [](const Tensor& a, const Tensor& b, const std::string& what) {
    return combine_elementwise<Types, Predicate>(a, b, what, Fn);
  });
}

// Integers wrap on overflow (core/wrapping_arithmetic.h).
constexpr auto add_fn = [](auto a, auto b) { return wrapping_add(a, b); };
constexpr auto sub_fn = [](auto a, auto b) { return wrapping_sub(a, b); };
constexpr auto mul_fn = [](auto a, auto b) { return wrapping_mul(a, b); };
// Integer division truncates toward zero, as C does; division by zero is bad input
// rather than a crash, and MIN / -1 wraps.
constexpr auto div_fn = [](auto a, auto b) {
  using T = decltype(a);
  if constexpr (std::is_integral_v<T>) {
    if (b == 0) fail_bad_input("integer division by zero");
    if constexpr (std::is_signed_v<T>) {
      if (b == -1) return wrapping_negate(a);
    }
  }
  return static_cast<T>(a / b);
};

constexpr auto and_fn = [](bool a, bool b) { return a && b; };
constexpr auto or_fn = [](bool a, bool b) { return a || b; };
constexpr auto xor_fn = [](bool a, bool b) { return a != b; };
constexpr auto equal_fn = [](auto a, auto b) { return a == b; };
constexpr auto less_fn = [](auto a, auto b) { return a < b; };
constexpr auto greater_fn = [](auto a, auto b) { return a > b; };
constexpr auto less_equal_fn = [](auto a, auto b) { return a <= b; };
constexpr auto greater_equal_fn = [](auto a, auto b) { return a >= b; };

// Mod. fmod=1: the remainder of truncated division (C's % and fmod), sign of the
// dividend. fmod=0: the remainder of floored division (Python's %), sign of the divisor.
template <bool Truncated, class T>
T mod_element(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == 0) fail_bad_input("integer modulo by zero");
    if constexpr (std::is_signed_v<T>) {
      if (b == -1) return 0;  // and MIN % -1 would trap
    }
    T r = static_cast<T>(a % b);
    if constexpr (!Truncated && std::is_signed_v<T>) {
      if (r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
    }
    return r;
  } else {
    T r = std::fmod(a, b);
    if constexpr (!Truncated) {
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
    }
    return r;
  }
}

template <bool Truncated>
Tensor mod_tensors(const Tensor& a, const Tensor& b, const std::string& what) {
  return combine_elementwise<TypeSet::Arithmetic, false>(a, b, what,
                                                         [](auto x, auto y) { return mod_element<Truncated>(x, y); });
}

std::unique_ptr<Operator> create_mod(const OpCreateInfo& info) {
  const bool truncated = info.attributes().get_int("fmod", 0) != 0;
  return binary_operator(info, truncated ? mod_tensors<true> : mod_tensors<false>);
}

// BitShift on unsigned integers; shifting by the width or more gives 0 (C leaves it
// undefined).
std::unique_ptr<Operator> create_bit_shift(const OpCreateInfo& info) {
  const std::string direction = info.attributes().get_string("direction", "");
  check_input(direction == "LEFT" || direction == "RIGHT", info.describe(), ": direction must be LEFT or RIGHT, not '",
              direction, "'");
  const bool left = direction == "LEFT";
  return binary_operator(info, [left](const Tensor& a, const Tensor& b, const std::string& what) {
    check_input(!dtype_is_signed(a.dtype()) && dtype_is_integer(a.dtype()), what,
                ": BitShift takes unsigned integers, not ", dtype_name(a.dtype()));
    return combine_elementwise<TypeSet::Arithmetic, false>(a, b, what, [left](auto x, auto y) {
      using T = decltype(x);
      if constexpr (std::is_unsigned_v<T>) {
        if (y >= sizeof(T) * 8) return T(0);
        return static_cast<T>(left ? x << y : x >> y);
      } else {
        return x;  // not reached: checked above
      }
    });
  });
}

// Pow: from opset 12 the exponent may have another numeric type than the base; the
// result has the base's type. Integer bases with non-negative integral exponents are
// computed exactly (wrapping on overflow); everything else through double pow.
template <class T>
T pow_element(T base, double exponent) {
  if constexpr (std::is_integral_v<T>) {
    if (exponent >= 0 && exponent == std::floor(exponent) && exponent < 18446744073709551616.0) {
      using U = std::make_unsigned_t<T>;
      U result = 1;
      U factor = static_cast<U>(base);
      for (uint64_t e = static_cast<uint64_t>(exponent); e != 0; e >>= 1) {
        if (e & 1) result = static_cast<U>(result * factor);
        factor = static_cast<U>(factor * factor);
      }
      return static_cast<T>(result);
    }
  }
  return static_cast<T>(std::pow(static_cast<double>(base), exponent));
}

Tensor pow_tensors(const Tensor& base, const Tensor& exponent, const std::string& what) {
  const Tensor wide = widen_half(base);
  const Tensor exponents = convert_tensor(exponent, DType::Float64);
  const Tensor result = dispatch_arithmetic(wide.dtype(), what, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return apply_elementwise<T>(
        what, [](T x, double e) { return pow_element(x, e); }, operand<T>(wide), operand<double>(exponents));
  });
  return convert_tensor(result, base.dtype());
}

std::unique_ptr<Operator> create_pow(const OpCreateInfo& info) { return binary_operator(info, pow_tensors); }

// PRelu: y = x < 0 ? slope * x : x, the slope broadcasting onto x (unidirectionally:
// the output has x's shape). Before opset 7 a 1-D slope of x's channel count applies
// per channel (axis 1), as Caffe's PReLU did.
std::unique_ptr<Operator> create_prelu(const OpCreateInfo& info) {
  const bool channel_slope = info.opset < 7;
  return make_operator([what = info.describe(), channel_slope](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, what);
    Tensor slope = require_input(in, 1, what);
    if (channel_slope && slope.rank() == 1 && x.rank() >= 2 && slope.dim(0) == x.dim(1) && slope.numel() > 1) {
      Shape shape(static_cast<size_t>(x.rank() - 1), 1);
      shape[0] = slope.dim(0);
      slope = slope.reshaped(shape);
    }
    check_input(broadcast_shapes(x.shape(), slope.shape(), what) == x.shape(), what, ": slope of shape ",
                shape_to_string(slope.shape()), " does not broadcast onto X of shape ", shape_to_string(x.shape()));
    out[0] = combine_elementwise<TypeSet::Arithmetic, false>(
        x, slope, what, [](auto v, auto s) { return v < decltype(v)(0) ? static_cast<decltype(v)>(v * s) : v; });
  });
}

// The float32 path of Add, Sub, Mul, Div and of Pow with a one-element exponent. plan()
// merges the broadcast into an outer odometer and inner runs (elementwise.h's layout);
// execute() walks the outer index and hands each run to one primitive.
class F32BinaryOperator final : public F32FastOperator {
 public:
  // `pow`: the operator is Pow (op unused), else Add, Sub, Mul or Div as `op`.
  F32BinaryOperator(std::unique_ptr<Operator> reference, kernels::BinaryOp op, bool pow, int threads)
      : F32FastOperator(std::move(reference)), op_(op), pow_(pow), threads_(threads) {}

  bool plan(const OpInputs& in, std::vector<TensorSpec>& out) override {
    if (!is_f32(in, 0) || !is_f32(in, 1)) return false;
    if (pow_ && in[1]->numel() != 1) return false;
    const Shape shape = broadcast_shapes(in[0]->shape(), in[1]->shape(), "binary operator");
    const BroadcastLayout<2> layout(shape, {&in[0]->shape(), &in[1]->shape()});
    dims_ = layout.dims;
    a_strides_ = layout.strides[0];
    b_strides_ = layout.strides[1];
    out.assign(1, TensorSpec{DType::Float32, shape});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    const float* a = in[0]->data<float>();
    const float* b = in[1]->data<float>();
    float* y = out[0].data<float>();
    const int64_t total = out[0].numel();
    if (total == 0) return;
    const int64_t inner = dims_.back();
    const bool a_moves = a_strides_.back() != 0, b_moves = b_strides_.back() != 0;
    const int64_t outer = total / inner;
    if (outer == 1) {  // one run: split it
      parallel_ranges_if_large(inner, 1, threads_, [&](int64_t begin, int64_t end) {
        run(a + (a_moves ? begin : 0), b + (b_moves ? begin : 0), y + begin, end - begin, a_moves, b_moves);
      });
      return;
    }
    const size_t outer_rank = dims_.size() - 1;
    parallel_ranges_if_large(outer, inner, threads_, [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) {
        int64_t rest = o, a_offset = 0, b_offset = 0;
        for (size_t d = outer_rank; d-- > 0;) {
          const int64_t index = rest % dims_[d];
          rest /= dims_[d];
          a_offset += index * a_strides_[d];
          b_offset += index * b_strides_[d];
        }
        run(a + a_offset, b + b_offset, y + o * inner, inner, a_moves, b_moves);
      }
    });
  }

  int in_place_input() const override { return 0; }
  std::string algorithm() const override { return "f32_vbinary"; }
  std::optional<SpatialDependence> spatial_dependence(const OpInputs& in) const override {
    if (!has_input(in, 0) || !has_input(in, 1)) return std::nullopt;
    const Shape shape = broadcast_shapes(in[0]->shape(), in[1]->shape(), "binary operator");
    if (shape.size() != 4) return std::nullopt;
    return aligned_spatially(in, shape[2], shape[3]);
  }

 private:
  void run(const float* a, const float* b, float* y, int64_t n, bool a_moves, bool b_moves) const {
    using kernels::BinaryOp;
    if (pow_) {
      const float e = *b;
      if (!a_moves) {
        std::fill(y, y + n, static_cast<float>(std::pow(static_cast<double>(*a), static_cast<double>(e))));
      } else if (e == 2.0f) {
        kernels::f32_binary(BinaryOp::Mul, n, a, a, y);
      } else if (e == 0.5f) {
        kernels::f32_unary(kernels::UnaryFunction::Sqrt, n, a, y);
      } else {
        for (int64_t i = 0; i < n; ++i) y[i] = static_cast<float>(std::pow(static_cast<double>(a[i]), double(e)));
      }
    } else if (a_moves && b_moves) {
      kernels::f32_binary(op_, n, a, b, y);
    } else if (a_moves) {
      kernels::f32_binary_scalar(op_, n, a, *b, false, y);
    } else if (b_moves) {
      kernels::f32_binary_scalar(op_, n, b, *a, true, y);
    } else {
      std::fill(y, y + n, kernels::apply_binary(op_, *a, *b));
    }
  }

  kernels::BinaryOp op_;
  bool pow_;
  int threads_;
  Shape dims_, a_strides_, b_strides_;
};

// The reference operator, wrapped with the float32 path from opset 7 (numpy broadcasting).
std::unique_ptr<Operator> with_f32_binary(const OpCreateInfo& info, std::unique_ptr<Operator> reference,
                                          kernels::BinaryOp op, bool pow) {
  if (info.opset < 7) return reference;
  return std::make_unique<F32BinaryOperator>(std::move(reference), op, pow, info.threads);
}

template <auto Fn, kernels::BinaryOp Op>
std::unique_ptr<Operator> create_arithmetic(const OpCreateInfo& info) {
  return with_f32_binary(info, create_elementwise<TypeSet::Arithmetic, false, Fn>(info), Op, false);
}

std::unique_ptr<Operator> create_fast_pow(const OpCreateInfo& info) {
  return with_f32_binary(info, create_pow(info), kernels::BinaryOp::Mul, true);
}

}  // namespace

void register_binary_operators(OpRegistry& registry) {
  registry.add("", "Add", create_arithmetic<add_fn, kernels::BinaryOp::Add>);
  registry.add("", "Sub", create_arithmetic<sub_fn, kernels::BinaryOp::Sub>);
  registry.add("", "Mul", create_arithmetic<mul_fn, kernels::BinaryOp::Mul>);
  registry.add("", "Div", create_arithmetic<div_fn, kernels::BinaryOp::Div>);
  registry.add("", "Pow", create_fast_pow);
  registry.add("", "Mod", create_mod);
  registry.add("", "BitShift", create_bit_shift);
  registry.add("", "And", create_elementwise<TypeSet::Bool, false, and_fn>);
  registry.add("", "Or", create_elementwise<TypeSet::Bool, false, or_fn>);
  registry.add("", "Xor", create_elementwise<TypeSet::Bool, false, xor_fn>);
  registry.add("", "Equal", create_elementwise<TypeSet::ArithmeticOrBool, true, equal_fn>);
  registry.add("", "Less", create_elementwise<TypeSet::Arithmetic, true, less_fn>);
  registry.add("", "Greater", create_elementwise<TypeSet::Arithmetic, true, greater_fn>);
  registry.add("", "LessOrEqual", create_elementwise<TypeSet::Arithmetic, true, less_equal_fn>);
  registry.add("", "GreaterOrEqual", create_elementwise<TypeSet::Arithmetic, true, greater_equal_fn>);
  registry.add("", "PRelu", create_prelu);
}

}  // namespace vigil
