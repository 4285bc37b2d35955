// SPDX-License-Identifier: Apache-2.0
// Output sizes and paddings of sliding windows, following the formulas of the ONNX Conv
// and pooling specifications (auto_pad SAME_* pads so that output = ceil(input / stride)).
#include "ops/conv_geometry.h"

#include <algorithm>

#include "core/error.h"

namespace vigil {

WindowAttributes WindowAttributes::read(const Attributes& attributes, const std::string& what) {
  WindowAttributes result;
  result.auto_pad = attributes.get_string("auto_pad", "NOTSET");
  check_input(result.auto_pad == "NOTSET" || result.auto_pad == "SAME_UPPER" || result.auto_pad == "SAME_LOWER" ||
                  result.auto_pad == "VALID",
              what, ": unknown auto_pad '", result.auto_pad, "'");
  result.kernel_shape = attributes.get_ints("kernel_shape");
  result.strides = attributes.get_ints("strides");
  result.dilations = attributes.get_ints("dilations");
  result.pads = attributes.get_ints("pads");
  result.ceil_mode = attributes.get_int("ceil_mode", 0) != 0;
  return result;
}

std::optional<SpatialDependence> window_dependence(const WindowAttributes& attributes, const WindowPlan& plan,
                                                   size_t inputs) {
  if (plan.input.size() != 2 || attributes.ceil_mode ||
      (attributes.auto_pad != "NOTSET" && attributes.auto_pad != "VALID")) {
    return std::nullopt;
  }
  const auto axis = [&](size_t d) {
    return AxisWindow{(plan.kernel[d] - 1) * plan.dilations[d] + 1, plan.strides[d], plan.pads_begin[d],
                      plan.pads_end[d]};
  };
  SpatialDependence dependence{axis(0), axis(1), {}};
  dependence.roles.assign(inputs, SpatialDependence::Role::Whole);
  if (inputs > 0) dependence.roles[0] = SpatialDependence::Role::Windowed;
  return dependence;
}

Shape per_dimension(const Shape& values, size_t rank, int64_t fallback, const std::string& name,
                    const std::string& what) {
  if (values.empty()) return Shape(rank, fallback);
  check_input(values.size() == rank, what, ": attribute ", name, " has ", values.size(), " values for ", rank,
              " spatial dimensions");
  return values;
}

WindowPlan plan_window(const WindowAttributes& attributes, const Shape& input, const Shape& kernel,
                       const std::string& what) {
  const size_t rank = input.size();
  check_input(rank >= 1, what, ": the input needs at least one spatial dimension");
  WindowPlan plan;
  plan.input = input;
  plan.kernel = per_dimension(kernel, rank, 1, "kernel_shape", what);
  plan.strides = per_dimension(attributes.strides, rank, 1, "strides", what);
  plan.dilations = per_dimension(attributes.dilations, rank, 1, "dilations", what);
  Shape pads = attributes.pads.empty() ? Shape(2 * rank, 0) : attributes.pads;
  check_input(pads.size() == 2 * rank, what, ": attribute pads has ", pads.size(), " values for ", rank,
              " spatial dimensions");
  plan.pads_begin.assign(pads.begin(), pads.begin() + rank);
  plan.pads_end.assign(pads.begin() + rank, pads.end());
  plan.output.resize(rank);
  for (size_t d = 0; d < rank; ++d) {
    const int64_t stride = plan.strides[d];
    check_input(plan.kernel[d] >= 1 && stride >= 1 && plan.dilations[d] >= 1, what,
                ": kernel, strides and dilations must be positive");
    const int64_t extent = (plan.kernel[d] - 1) * plan.dilations[d] + 1;
    int64_t& out = plan.output[d];
    if (attributes.auto_pad == "SAME_UPPER" || attributes.auto_pad == "SAME_LOWER") {
      out = (input[d] + stride - 1) / stride;
      const int64_t total = std::max<int64_t>(0, (out - 1) * stride + extent - input[d]);
      const int64_t small = total / 2;
      plan.pads_begin[d] = attributes.auto_pad == "SAME_UPPER" ? small : total - small;
      plan.pads_end[d] = total - plan.pads_begin[d];
      continue;
    }
    if (attributes.auto_pad == "VALID") plan.pads_begin[d] = plan.pads_end[d] = 0;
    check_input(plan.pads_begin[d] >= 0 && plan.pads_end[d] >= 0, what, ": pads must not be negative");
    const int64_t span = input[d] + plan.pads_begin[d] + plan.pads_end[d] - extent;
    check_input(span >= 0, what, ": the window (", extent, ") is larger than the padded input (",
                input[d] + plan.pads_begin[d] + plan.pads_end[d], ")");
    out = (attributes.ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
    // In ceil mode the last window must still start inside the input or its leading padding.
    if (attributes.ceil_mode && (out - 1) * stride >= input[d] + plan.pads_begin[d]) --out;
  }
  return plan;
}

}  // namespace vigil
