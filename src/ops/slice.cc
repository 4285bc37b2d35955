// Slice: a strided window of a tensor. Opset 1 takes starts/ends/axes as attributes;
// from opset 10 they are inputs, with optional axes and steps (negative steps walk
// backwards). Bounds are clamped as numpy does, so INT64_MAX/INT64_MIN mean "to the end".
#include <algorithm>

#include "ops/data_movement.h"
#include "ops/tensor_ops_internal.h"

namespace vigil {

namespace {

struct SliceSpec {
  std::vector<int64_t> starts, ends, axes, steps;
};

Tensor run_slice(const Tensor& data, const SliceSpec& spec) {
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
    int64_t count;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      count = end > start ? (end - start + step - 1) / step : 0;
    } else if (dim == 0) {
      count = 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      count = start > end ? (start - end + (-step) - 1) / (-step) : 0;
    }
    shape[axis] = count;
    strides[axis] = in_strides[axis] * step;
    if (count > 0) offset += start * in_strides[axis];
  }
  return gather_view(data, offset, strides, shape);
}

}  // namespace

std::unique_ptr<Operator> create_slice(const OpCreateInfo& info) {
  if (info.opset < 10) {
    SliceSpec spec{info.attributes().get_ints("starts"), info.attributes().get_ints("ends"),
                   info.attributes().get_ints("axes"), {}};
    return make_operator([spec](const OpInputs& in, OpOutputs& out) {
      out[0] = run_slice(require_input(in, 0, "Slice"), spec);
    });
  }
  return make_operator([](const OpInputs& in, OpOutputs& out) {
    SliceSpec spec{require_input(in, 1, "Slice").to_int64_vector(), require_input(in, 2, "Slice").to_int64_vector(),
                   optional_int64s(in, 3), optional_int64s(in, 4)};
    out[0] = run_slice(require_input(in, 0, "Slice"), spec);
  });
}

}  // namespace vigil
