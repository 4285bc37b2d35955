// SPDX-License-Identifier: Apache-2.0
// Reductions over a set of axes: ReduceSum, ReduceMean, ReduceMax, ReduceMin,
// ReduceProd, ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp, ReduceSumSquare
// (ArgMax/ArgMin live in arg_reduce.cc). The axes are an attribute, or an input for
// ReduceSum from opset 13 and for all of them from opset 18. No axes means all axes,
// unless noop_with_empty_axes, which makes the operator an identity. The input is read
// once in memory order; each element is folded into the accumulator of its output
// position (stride 0 along reduced axes). Floats accumulate in double. Float32 ReduceSum,
// ReduceMean, ReduceMax and ReduceSumSquare over trailing axes (contiguous rows) with
// constant axes take the planned path through the row reductions of kernels/reduce.h.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "core/wrapping_arithmetic.h"
#include "kernels/reduce.h"
#include "ops/data_movement.h"
#include "ops/f32_fast_path.h"
#include "ops/families.h"
#include "ops/reduce_internal.h"
#include "ops/registry.h"

namespace vigil {

namespace {

enum class ReduceKind { Sum, Mean, Max, Min, Prod, L1, L2, LogSum, LogSumExp, SumSquare };

struct ReducePlan {
  Shape kept_shape;   // the input shape with reduced axes set to 1
  Shape acc_strides;  // per input axis, stride into the accumulators (0 if reduced)
  Shape out_shape;    // kept_shape, or without the reduced axes if !keepdims
  int64_t count = 1;  // elements folded into each output
};

ReducePlan make_plan(const Shape& shape, const std::vector<int64_t>& axes, bool keep_dims) {
  ReducePlan plan;
  plan.kept_shape = shape;
  for (int64_t a : axes) {
    plan.count *= shape[a];
    plan.kept_shape[a] = 1;
  }
  plan.acc_strides = shape_strides(plan.kept_shape);
  for (int64_t a : axes) plan.acc_strides[a] = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    const bool reduced = std::find(axes.begin(), axes.end(), static_cast<int64_t>(d)) != axes.end();
    if (keep_dims || !reduced) plan.out_shape.push_back(plan.kept_shape[d]);
  }
  return plan;
}

// Calls step(accumulator index, element) for every input element, in memory order.
template <class T, class Step>
void for_each_element(const T* x, const Shape& shape, const Shape& acc_strides, Step step) {
  const int64_t total = shape_numel(shape);
  if (total == 0) return;
  if (shape.empty()) {
    step(0, x[0]);
    return;
  }
  const size_t rank = shape.size();
  const int64_t inner = shape[rank - 1];
  const int64_t inner_stride = acc_strides[rank - 1];
  std::vector<int64_t> index(rank - 1, 0);
  int64_t base = 0;
  for (int64_t row = 0; row < total; row += inner) {
    for (int64_t j = 0; j < inner; ++j) step(base + j * inner_stride, x[row + j]);
    for (int64_t d = static_cast<int64_t>(rank) - 2; d >= 0; --d) {
      base += acc_strides[d];
      if (++index[d] < shape[d]) break;
      base -= acc_strides[d] * shape[d];
      index[d] = 0;
    }
  }
}

template <class T>
Tensor reduce_typed(const Tensor& data, const ReducePlan& plan, ReduceKind kind) {
  using Acc = std::conditional_t<std::is_integral_v<T>, T, double>;
  using Limits = std::numeric_limits<Acc>;
  const Acc lowest = Limits::has_infinity ? -Limits::infinity() : Limits::lowest();
  const Acc highest = Limits::has_infinity ? Limits::infinity() : Limits::max();
  const int64_t n = shape_numel(plan.kept_shape);
  const Acc init = kind == ReduceKind::Prod  ? Acc(1)
                   : kind == ReduceKind::Max ? lowest
                   : kind == ReduceKind::Min ? highest
                                             : Acc(0);
  std::vector<Acc> acc(static_cast<size_t>(n), init);
  const T* x = data.data<T>();
  auto fold = [&](auto step) {
    for_each_element(x, data.shape(), plan.acc_strides, [&](int64_t i, T v) { step(acc[i], convert_element<Acc>(v)); });
  };
  std::vector<Acc> peak;  // LogSumExp: the maximum, subtracted before exp for stability
  switch (kind) {
    case ReduceKind::Sum:
    case ReduceKind::Mean:
    case ReduceKind::LogSum: fold([](Acc& a, Acc v) { a = wrapping_add(a, v); }); break;
    case ReduceKind::Prod: fold([](Acc& a, Acc v) { a = wrapping_mul(a, v); }); break;
    case ReduceKind::Max: fold([](Acc& a, Acc v) { a = std::max(a, v); }); break;
    case ReduceKind::Min: fold([](Acc& a, Acc v) { a = std::min(a, v); }); break;
    case ReduceKind::L1:
      fold([](Acc& a, Acc v) {
        if constexpr (std::is_unsigned_v<Acc>)
          a = wrapping_add(a, v);
        else
          a = wrapping_add(a, v < 0 ? wrapping_negate(v) : v);
      });
      break;
    case ReduceKind::L2:
    case ReduceKind::SumSquare: fold([](Acc& a, Acc v) { a = wrapping_add(a, wrapping_mul(v, v)); }); break;
    case ReduceKind::LogSumExp: {
      fold([](Acc& a, Acc v) { a = std::max(a, v); });
      peak.swap(acc);
      acc.assign(static_cast<size_t>(n), Acc(0));
      for_each_element(x, data.shape(), plan.acc_strides, [&](int64_t i, T v) {
        const double p = static_cast<double>(peak[i]);
        acc[i] += static_cast<Acc>(std::exp(convert_element<double>(v) - (std::isinf(p) ? 0.0 : p)));
      });
      break;
    }
  }
  Tensor out(data.dtype(), plan.out_shape);
  T* o = out.data<T>();
  for (int64_t i = 0; i < n; ++i) {
    const double a = static_cast<double>(acc[i]);
    switch (kind) {
      case ReduceKind::Mean: o[i] = convert_element<T>(a / static_cast<double>(plan.count)); break;
      case ReduceKind::L2: o[i] = convert_element<T>(std::sqrt(a)); break;
      case ReduceKind::LogSum: o[i] = convert_element<T>(std::log(a)); break;
      case ReduceKind::LogSumExp: {
        const double p = static_cast<double>(peak[i]);
        o[i] = convert_element<T>(std::log(a) + (std::isinf(p) ? 0.0 : p));
        break;
      }
      default: o[i] = convert_element<T>(acc[i]); break;
    }
  }
  return out;
}

struct ReduceConfig {
  ReduceKind kind;
  std::string name;
  bool axes_as_input;
  std::vector<int64_t> axes;
  bool keep_dims;
  bool noop_with_empty_axes;
};

Tensor run_reduce(const ReduceConfig& config, const OpInputs& in) {
  const Tensor& data = require_input(in, 0, config.name);
  std::vector<int64_t> axes = config.axes_as_input ? optional_int64s(in, 1) : config.axes;
  if (axes.empty()) {
    if (config.noop_with_empty_axes) return data;
    for (int64_t d = 0; d < data.rank(); ++d) axes.push_back(d);
  }
  axes = normalize_axes(axes, data.rank(), config.name);
  const ReducePlan plan = make_plan(data.shape(), axes, config.keep_dims);
  return dispatch_dtype(data.dtype(), config.name, [&](auto tag) -> Tensor {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) {
      fail_unsupported(config.name, ": element type bool is not supported");
    } else {
      return reduce_typed<T>(data, plan, config.kind);
    }
  });
}

template <ReduceKind Kind>
std::unique_ptr<Operator> create_reduce(const OpCreateInfo& info) {
  ReduceConfig config{Kind,
                      info.node.op_type,
                      info.opset >= 18 || (Kind == ReduceKind::Sum && info.opset >= 13),
                      info.attributes().get_ints("axes"),
                      info.attributes().get_int("keepdims", 1) != 0,
                      info.attributes().get_int("noop_with_empty_axes", 0) != 0};
  return make_operator([config](const OpInputs& in, OpOutputs& out) { out[0] = run_reduce(config, in); });
}

// The float32 path: the reduced axes are the last ones, so each output is one contiguous
// row of the input.
class F32RowReduceOperator final : public F32FastOperator {
 public:
  F32RowReduceOperator(std::unique_ptr<Operator> reference, ReduceKind kind, std::vector<int64_t> axes, bool keep_dims,
                       int threads)
      : F32FastOperator(std::move(reference)),
        kind_(kind),
        axes_(std::move(axes)),
        keep_dims_(keep_dims),
        threads_(threads) {}

  bool plan(const OpInputs& in, std::vector<TensorSpec>& out) override {
    if (!is_f32(in, 0)) return false;
    const int64_t rank = in[0]->rank();
    std::vector<bool> reduced(static_cast<size_t>(rank), false);
    for (int64_t a : axes_) {
      if (a < -rank || a >= rank) return false;  // the reference reports it
      reduced[static_cast<size_t>(a < 0 ? a + rank : a)] = true;
    }
    // Trailing: no kept axis after a reduced one.
    Shape shape;
    row_ = 1;
    bool seen_reduced = false;
    for (int64_t d = 0; d < rank; ++d) {
      if (reduced[d]) {
        seen_reduced = true;
        row_ *= in[0]->dim(d);
        if (keep_dims_) shape.push_back(1);
      } else {
        if (seen_reduced && in[0]->dim(d) != 1) return false;
        shape.push_back(in[0]->dim(d));
      }
    }
    if (row_ == 0 || !seen_reduced) return false;
    out.assign(1, TensorSpec{DType::Float32, shape});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    const int64_t n = row_, rows = in[0]->numel() / n;
    const float* x = in[0]->data<float>();
    float* y = out[0].data<float>();
    parallel_ranges_if_large(rows, n, threads_, [&](int64_t begin, int64_t end) {
      const int64_t count = end - begin;
      const float* xs = x + begin * n;
      float* ys = y + begin;
      switch (kind_) {
        case ReduceKind::Max: kernels::f32_max_rows(count, n, xs, ys); break;
        case ReduceKind::SumSquare: kernels::f32_sum_squares_rows(count, n, xs, ys); break;
        default: {
          kernels::f32_sum_rows(count, n, xs, ys);
          if (kind_ == ReduceKind::Mean) {
            for (int64_t r = 0; r < count; ++r) ys[r] /= static_cast<float>(n);
          }
        }
      }
    });
  }

  std::string algorithm() const override { return "f32_reduce_rows"; }

 private:
  ReduceKind kind_;
  std::vector<int64_t> axes_;
  bool keep_dims_;
  int threads_;
  int64_t row_ = 0;
};

template <ReduceKind Kind>
std::unique_ptr<Operator> create_fast_reduce(const OpCreateInfo& info) {
  std::unique_ptr<Operator> reference = create_reduce<Kind>(info);
  const bool axes_as_input = info.opset >= 18 || (Kind == ReduceKind::Sum && info.opset >= 13);
  std::vector<int64_t> axes = info.attributes().get_ints("axes");
  if (axes_as_input) {
    const std::vector<std::string>& names = info.node.inputs;
    const Tensor* constant =
        names.size() > 1 && !names[1].empty() && info.find_constant ? info.find_constant(names[1]) : nullptr;
    if (!constant) return reference;
    axes = constant->to_int64_vector();
  }
  if (axes.empty()) return reference;  // all axes, or the identity: rare in models
  return std::make_unique<F32RowReduceOperator>(std::move(reference), Kind, std::move(axes),
                                                info.attributes().get_int("keepdims", 1) != 0, info.threads);
}

}  // namespace

void register_reduce_operators(OpRegistry& registry) {
  registry.add("", "ReduceSum", create_fast_reduce<ReduceKind::Sum>);
  registry.add("", "ReduceMean", create_fast_reduce<ReduceKind::Mean>);
  registry.add("", "ReduceMax", create_fast_reduce<ReduceKind::Max>);
  registry.add("", "ReduceMin", create_reduce<ReduceKind::Min>);
  registry.add("", "ReduceProd", create_reduce<ReduceKind::Prod>);
  registry.add("", "ReduceL1", create_reduce<ReduceKind::L1>);
  registry.add("", "ReduceL2", create_reduce<ReduceKind::L2>);
  registry.add("", "ReduceLogSum", create_reduce<ReduceKind::LogSum>);
  registry.add("", "ReduceLogSumExp", create_reduce<ReduceKind::LogSumExp>);
  registry.add("", "ReduceSumSquare", create_fast_reduce<ReduceKind::SumSquare>);
  registry.add("", "ArgMax", create_arg_max);
  registry.add("", "ArgMin", create_arg_min);
}

}  // namespace vigil
