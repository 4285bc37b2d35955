// SPDX-License-Identifier: Apache-2.0
// Sliding-window geometry shared by Conv, ConvTranspose and the pooling operators: the
// kernel_shape / strides / dilations / pads / auto_pad / ceil_mode attributes, read once
// at creation, and the output size and padding they give for an actual input.
#pragma once

#include <optional>
#include <string>

#include "core/shape.h"
#include "graph/attribute.h"
#include "kernels/ref/im2col.h"
#include "ops/operator.h"

namespace vigil {

struct WindowAttributes {
  std::string auto_pad = "NOTSET";  // NOTSET, SAME_UPPER, SAME_LOWER, VALID
  Shape kernel_shape;               // empty: taken from the weights (Conv) or required (pooling)
  Shape strides;                    // empty: all 1
  Shape dilations;                  // empty: all 1
  Shape pads;                       // begin values then end values; empty: all 0
  bool ceil_mode = false;

  static WindowAttributes read(const Attributes& attributes, const std::string& what);
};

// The resolved geometry for one input: every vector has one entry per spatial dimension.
struct WindowPlan {
  Shape input, output, kernel, strides, dilations, pads_begin, pads_end;

  kernels::PatchGeometry patch(int64_t channels) const {
    return {channels, input, output, kernel, strides, dilations, pads_begin};
  }
};

// Plans a forward window (Conv, pooling) over `input` spatial dimensions with `kernel`
// (the attribute's, or the weights'). A bad-input Error naming `what` on inconsistent
// attribute lengths or an empty output.
WindowPlan plan_window(const WindowAttributes& attributes, const Shape& input, const Shape& kernel,
                       const std::string& what);

// The spatial dependence (ops/operator.h) of a 2-D window over input 0 of `inputs` inputs,
// the others Whole; nullopt where the padding depends on the input's size (automatic
// padding) or the output's size is rounded up (ceil mode), for a box would then be padded
// differently from the whole input.
std::optional<SpatialDependence> window_dependence(const WindowAttributes& attributes, const WindowPlan& plan,
                                                   size_t inputs);

// The value of a per-dimension attribute list, or `fallback` repeated when it is empty;
// a bad-input Error if its length is not `rank`.
Shape per_dimension(const Shape& values, size_t rank, int64_t fallback, const std::string& name,
                    const std::string& what);

}  // namespace vigil
