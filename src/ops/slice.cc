// SPDX-License-Identifier: Apache-2.0
// Slice: a strided window of a tensor. Opset 1 takes starts/ends/axes as attributes;
// from opset 10 they are inputs, with optional axes and steps (negative steps walk
// backwards). Bounds are clamped as numpy does, so INT64_MAX/INT64_MIN mean "to the end".
// With starts, ends, axes and steps known at creation (attributes, or constant inputs)
// Slice has a planned path: the view is resolved once per input shape, and execute()
// copies its rows (memcpy where the last axis is not strided).
#include <algorithm>
#include <cstring>

#include "ops/data_movement.h"
#include "ops/f32_fast_path.h"
#include "ops/tensor_ops_internal.h"

namespace vigil {

namespace {

struct SliceSpec {
  std::vector<int64_t> starts, ends, axes, steps;
};

// The slice as a view of the input: first element, strides and shape (in elements).
struct SliceView {
  int64_t offset = 0;
  Shape strides, shape;
};

SliceView resolve_slice(const Tensor& data, const SliceSpec& spec) {
  const int64_t rank = data.rank();
  check_input(spec.starts.size() == spec.ends.size(), "Slice: starts and ends differ in length");
  std::vector<int64_t> axes = spec.axes;
  if (axes.empty()) {
    for (size_t i = 0; i < spec.starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  }
  check_input(axes.size() == spec.starts.size(), "Slice: axes and starts differ in length");
  check_input(spec.steps.empty() || spec.steps.size() == axes.size(), "Slice: steps and starts differ in length");
  axes = normalize_axes(axes, rank, "Slice");

  const Shape in_strides = shape_strides(data.shape());
  Shape shape = data.shape();
  Shape strides = in_strides;
  int64_t offset = 0;
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t axis = axes[i];
    const int64_t dim = data.dim(axis);
    const int64_t step = spec.steps.empty() ? 1 : spec.steps[i];
    check_input(step != 0, "Slice: step 0 on axis ", axis);
    int64_t start = spec.starts[i];
    int64_t end = spec.ends[i];
    if (start < 0) start += dim;
    if (end < 0) end += dim;
    // Counted in unsigned arithmetic: a step of INT64_MIN or INT64_MAX is one element
    // (where the span is not empty), and neither its negation nor a rounded-up quotient
    // may overflow.
    const uint64_t magnitude = step > 0 ? static_cast<uint64_t>(step) : 0 - static_cast<uint64_t>(step);
    int64_t count;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      count = end > start ? static_cast<int64_t>(1 + static_cast<uint64_t>(end - start - 1) / magnitude) : 0;
    } else if (dim == 0) {
      count = 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      count = start > end ? static_cast<int64_t>(1 + static_cast<uint64_t>(start - end - 1) / magnitude) : 0;
    }
    shape[axis] = count;
    // More than one element means |step| < dim: the stride fits.
    strides[axis] = count > 1 ? in_strides[axis] * step : in_strides[axis];
    if (count > 0) offset += start * in_strides[axis];
  }
  return {offset, strides, shape};
}

Tensor run_slice(const Tensor& data, const SliceSpec& spec) {
  const SliceView view = resolve_slice(data, spec);
  return gather_view(data, view.offset, view.strides, view.shape);
}

class PlannedSliceOperator final : public F32FastOperator {
 public:
  PlannedSliceOperator(std::unique_ptr<Operator> reference, SliceSpec spec)
      : F32FastOperator(std::move(reference)), spec_(std::move(spec)) {}

  bool plan(const OpInputs& in, std::vector<TensorSpec>& out) override {
    if (!has_input(in, 0) || in[0]->dtype() == DType::String) return false;
    view_ = resolve_slice(*in[0], spec_);
    if (view_.shape.empty()) {  // a scalar: one element
      view_.shape.push_back(1);
      view_.strides.push_back(1);
      out.assign(1, TensorSpec{in[0]->dtype(), {}});
    } else {
      out.assign(1, TensorSpec{in[0]->dtype(), view_.shape});
    }
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    const size_t element = dtype_size(in[0]->dtype());
    const std::byte* src = static_cast<const std::byte*>(in[0]->raw());
    std::byte* dst = static_cast<std::byte*>(out[0].raw());
    const size_t rank = view_.shape.size();
    const int64_t inner = view_.shape.back(), step = view_.strides.back();
    const int64_t rows = inner == 0 ? 0 : shape_numel(view_.shape) / inner;
    for (int64_t r = 0; r < rows; ++r) {
      int64_t offset = view_.offset, rest = r;
      for (size_t d = rank - 1; d-- > 0;) {
        offset += (rest % view_.shape[d]) * view_.strides[d];
        rest /= view_.shape[d];
      }
      std::byte* to = dst + static_cast<size_t>(r * inner) * element;
      if (step == 1) {
        std::memcpy(to, src + static_cast<size_t>(offset) * element, static_cast<size_t>(inner) * element);
      } else {
        for (int64_t j = 0; j < inner; ++j) {
          std::memcpy(to + static_cast<size_t>(j) * element, src + static_cast<size_t>(offset + j * step) * element,
                      element);
        }
      }
    }
  }

  std::string algorithm() const override { return "slice_rows"; }

 private:
  SliceSpec spec_;
  SliceView view_;
};

}  // namespace

std::unique_ptr<Operator> create_slice(const OpCreateInfo& info) {
  if (info.opset < 10) {
    SliceSpec spec{info.attributes().get_ints("starts"),
                   info.attributes().get_ints("ends"),
                   info.attributes().get_ints("axes"),
                   {}};
    auto reference = make_operator(
        [spec](const OpInputs& in, OpOutputs& out) { out[0] = run_slice(require_input(in, 0, "Slice"), spec); });
    return std::make_unique<PlannedSliceOperator>(std::move(reference), spec);
  }
  auto reference = make_operator([](const OpInputs& in, OpOutputs& out) {
    SliceSpec spec{require_input(in, 1, "Slice").to_int64_vector(), require_input(in, 2, "Slice").to_int64_vector(),
                   optional_int64s(in, 3), optional_int64s(in, 4)};
    out[0] = run_slice(require_input(in, 0, "Slice"), spec);
  });
  // The planned path needs every given parameter input (starts, ends, axes, steps) constant.
  const std::vector<std::string>& names = info.node.inputs;
  std::vector<std::vector<int64_t>> values(4);
  for (size_t i = 1; i < 5; ++i) {
    const bool given = i < names.size() && !names[i].empty();
    if (!given && i <= 2) return reference;
    if (!given) continue;
    const Tensor* constant = info.find_constant ? info.find_constant(names[i]) : nullptr;
    if (!constant) return reference;
    values[i - 1] = constant->to_int64_vector();
  }
  return std::make_unique<PlannedSliceOperator>(std::move(reference),
                                                SliceSpec{values[0], values[1], values[2], values[3]});
}

}  // namespace vigil
