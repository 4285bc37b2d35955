// SPDX-License-Identifier: Apache-2.0
// Operators over a variable number of inputs: Sum, Mean, Max, Min fold 1..N inputs
// pairwise under numpy broadcasting (opset 8 on; before, inputs had equal shapes, which
// broadcasting accepts too); Where selects between two inputs by a bool condition.
// float16 and bfloat16 compute in float.
#include <cmath>
#include <type_traits>

#include "core/wrapping_arithmetic.h"
#include "ops/elementwise.h"
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// The present inputs, at least one, all of one element type.
std::vector<const Tensor*> variadic_inputs(const OpInputs& in, const std::string& what) {
  std::vector<const Tensor*> inputs;
  for (const Tensor* t : in) {
    if (!t) continue;
    if (!inputs.empty()) check_same_dtype(*inputs.front(), *t, what);
    inputs.push_back(t);
  }
  check_input(!inputs.empty(), what, ": needs at least one input");
  return inputs;
}

// acc = f(acc, input) over the inputs in order; then finish(acc, count) in place.
// The accumulator is updated in place once it is a tensor of our own with the final
// shape: reading and writing the same position is safe.
template <class F, class Finish>
Tensor fold_inputs(const OpInputs& in, const std::string& what, const F& f, const Finish& finish) {
  const std::vector<const Tensor*> inputs = variadic_inputs(in, what);
  const DType dtype = inputs.front()->dtype();
  const Tensor result = dispatch_arithmetic(widen_half(*inputs.front()).dtype(), what, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const auto step = [&f](T a, T b) { return static_cast<T>(f(a, b)); };
    Tensor acc = widen_half(*inputs.front());
    bool owned = false;
    for (size_t k = 1; k < inputs.size(); ++k) {
      const Tensor next = widen_half(*inputs[k]);
      const Shape shape = broadcast_shapes(acc.shape(), next.shape(), what);
      if (owned && shape == acc.shape()) {
        map_broadcast(shape, acc.data<T>(), step, operand<T>(acc), operand<T>(next));
      } else {
        acc = apply_elementwise<T>(what, step, operand<T>(acc), operand<T>(next));
        owned = true;
      }
    }
    if constexpr (!std::is_same_v<Finish, std::nullptr_t>) {
      if (!owned) acc = acc.clone();
      finish(acc.data<T>(), acc.numel(), static_cast<int64_t>(inputs.size()));
    }
    return acc;
  });
  return convert_tensor(result, dtype);
}

template <auto Fn>
std::unique_ptr<Operator> create_fold(const OpCreateInfo& info) {
  return make_operator(
      [what = info.describe()](const OpInputs& in, OpOutputs& out) { out[0] = fold_inputs(in, what, Fn, nullptr); });
}

constexpr auto sum_fn = [](auto a, auto b) { return wrapping_add(a, b); };  // integers wrap
// Max and Min propagate NaN, like numpy's maximum and minimum.
template <class T>
bool is_nan_value(T value) {
  if constexpr (std::is_floating_point_v<T>)
    return std::isnan(value);
  else
    return false;
}
constexpr auto max_fn = [](auto a, auto b) { return (a > b || is_nan_value(a)) ? a : b; };
constexpr auto min_fn = [](auto a, auto b) { return (a < b || is_nan_value(a)) ? a : b; };

std::unique_ptr<Operator> create_mean(const OpCreateInfo& info) {
  return make_operator([what = info.describe()](const OpInputs& in, OpOutputs& out) {
    out[0] = fold_inputs(in, what, sum_fn, [](auto* data, int64_t n, int64_t count) {
      using T = std::remove_pointer_t<decltype(data)>;
      for (int64_t i = 0; i < n; ++i) data[i] = static_cast<T>(data[i] / static_cast<T>(count));
    });
  });
}

// Where: out = condition ? x : y, all three broadcast together.
std::unique_ptr<Operator> create_where(const OpCreateInfo& info) {
  return make_operator([what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor& condition = require_input(in, 0, what);
    const Tensor& x = require_input(in, 1, what);
    const Tensor& y = require_input(in, 2, what);
    check_input(condition.dtype() == DType::Bool, what, ": condition must be bool, not ",
                dtype_name(condition.dtype()));
    check_same_dtype(x, y, what);
    out[0] = dispatch_dtype(x.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      return apply_elementwise<T>(
          what, [](bool c, T a, T b) { return c ? a : b; }, operand<bool>(condition), operand<T>(x), operand<T>(y));
    });
  });
}

}  // namespace

void register_variadic_operators(OpRegistry& registry) {
  registry.add("", "Sum", create_fold<sum_fn>);
  registry.add("", "Max", create_fold<max_fn>);
  registry.add("", "Min", create_fold<min_fn>);
  registry.add("", "Mean", create_mean);
  registry.add("", "Where", create_where);
}

}  // namespace vigil
