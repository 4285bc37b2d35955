// SPDX-License-Identifier: Apache-2.0
// Resize (opsets 10, 11, 13) and Upsample (opsets 7, 9): N-d nearest, linear and cubic
// interpolation. Every mode is separable, so the tensor is resized one axis at a time:
// for each output coordinate along the axis, the coordinate transformation gives a
// position in the input, and the mode turns it into a few (index, weight) taps. Axes
// whose taps are the identity are skipped. Values are computed in double.
#include <algorithm>
#include <cmath>
#include <string>

#include "ops/data_movement.h"
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

enum class ResizeMode { Nearest, Linear, Cubic };
enum class CoordinateMode { HalfPixel, PytorchHalfPixel, AlignCorners, Asymmetric, TfHalfPixelForNn, TfCropAndResize };
enum class NearestMode { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };

struct ResizeConfig {
  ResizeMode mode = ResizeMode::Nearest;
  CoordinateMode coordinates = CoordinateMode::Asymmetric;
  NearestMode nearest = NearestMode::Floor;
  double cubic_a = -0.75;
  bool exclude_outside = false;
  double extrapolation = 0.0;
  // Input positions; -1 where the operator version has no such input.
  int roi_input = -1;
  int scales_input = -1;
  int sizes_input = -1;
  std::vector<float> scales_attribute;  // Upsample-7
};

struct Tap {
  int64_t index;
  double weight;
};
// Per output coordinate its taps; no taps means the extrapolation value.
using AxisTaps = std::vector<std::vector<Tap>>;

ResizeMode parse_mode(const std::string& mode) {
  if (mode == "nearest") return ResizeMode::Nearest;
  if (mode == "linear" || mode == "bilinear") return ResizeMode::Linear;
  if (mode == "cubic") return ResizeMode::Cubic;
  fail_unsupported("Resize: mode '", mode, "' is not supported");
}

CoordinateMode parse_coordinates(const std::string& mode) {
  if (mode == "half_pixel") return CoordinateMode::HalfPixel;
  if (mode == "pytorch_half_pixel") return CoordinateMode::PytorchHalfPixel;
  if (mode == "align_corners") return CoordinateMode::AlignCorners;
  if (mode == "asymmetric") return CoordinateMode::Asymmetric;
  if (mode == "tf_half_pixel_for_nn") return CoordinateMode::TfHalfPixelForNn;
  if (mode == "tf_crop_and_resize") return CoordinateMode::TfCropAndResize;
  fail_unsupported("Resize: coordinate_transformation_mode '", mode, "' is not supported");
}

NearestMode parse_nearest(const std::string& mode) {
  if (mode == "round_prefer_floor") return NearestMode::RoundPreferFloor;
  if (mode == "round_prefer_ceil") return NearestMode::RoundPreferCeil;
  if (mode == "floor") return NearestMode::Floor;
  if (mode == "ceil") return NearestMode::Ceil;
  fail_unsupported("Resize: nearest_mode '", mode, "' is not supported");
}

// The input coordinate of output coordinate `x` along an axis. As in the ONNX reference,
// the resized length is in * scale, not rounded to the output size.
double input_coordinate(const ResizeConfig& config, double x, double scale, int64_t in, double roi_start,
                        double roi_end) {
  const double out = static_cast<double>(in) * scale;
  switch (config.coordinates) {
    case CoordinateMode::HalfPixel: return (x + 0.5) / scale - 0.5;
    case CoordinateMode::PytorchHalfPixel: return out > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
    case CoordinateMode::AlignCorners: return out > 1 ? x * static_cast<double>(in - 1) / (out - 1) : 0.0;
    case CoordinateMode::Asymmetric: return x / scale;
    case CoordinateMode::TfHalfPixelForNn: return (x + 0.5) / scale;
    case CoordinateMode::TfCropAndResize:
      return out > 1 ? roi_start * static_cast<double>(in - 1) +
                           x * (roi_end - roi_start) * static_cast<double>(in - 1) / (out - 1)
                     : 0.5 * (roi_start + roi_end) * static_cast<double>(in - 1);
  }
  return x;
}

int64_t nearest_index(NearestMode mode, double x) {
  // Saturating: a coordinate far outside the input (a tiny scale) clamps like any other.
  const double lower = std::floor(x);
  switch (mode) {
    case NearestMode::RoundPreferFloor: return convert_element<int64_t>(x - lower == 0.5 ? lower : std::round(x));
    case NearestMode::RoundPreferCeil: return convert_element<int64_t>(x - lower == 0.5 ? lower + 1 : std::round(x));
    case NearestMode::Floor: return convert_element<int64_t>(lower);
    case NearestMode::Ceil: return convert_element<int64_t>(std::ceil(x));
  }
  return convert_element<int64_t>(lower);
}

// The Keys cubic convolution weights of the four taps around a point at fraction t.
std::vector<double> cubic_weights(double t, double a) {
  auto outer = [a](double d) { return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a; };  // 1 < d < 2
  auto inner = [a](double d) { return ((a + 2) * d - (a + 3)) * d * d + 1; };        // d <= 1
  return {outer(t + 1), inner(t), inner(1 - t), outer(2 - t)};
}

AxisTaps axis_taps(const ResizeConfig& config, int64_t in, int64_t out, double scale, double roi_start,
                   double roi_end) {
  AxisTaps taps(static_cast<size_t>(out));
  auto clamp = [in](int64_t i) { return std::clamp<int64_t>(i, 0, in - 1); };
  for (int64_t o = 0; o < out; ++o) {
    const double x = input_coordinate(config, static_cast<double>(o), scale, in, roi_start, roi_end);
    if (config.coordinates == CoordinateMode::TfCropAndResize && (x < 0 || x > static_cast<double>(in - 1))) continue;
    std::vector<Tap>& list = taps[o];
    const double lower = std::floor(x);
    const double t = x - lower;
    const int64_t base = static_cast<int64_t>(lower);
    switch (config.mode) {
      case ResizeMode::Nearest: list.push_back({clamp(nearest_index(config.nearest, x)), 1.0}); break;
      case ResizeMode::Linear: list = {{clamp(base), 1 - t}, {clamp(base + 1), t}}; break;
      case ResizeMode::Cubic: {
        const std::vector<double> weights = cubic_weights(t, config.cubic_a);
        double total = 0;
        for (int64_t k = 0; k < 4; ++k) {
          const int64_t i = base - 1 + k;
          if (config.exclude_outside && (i < 0 || i >= in)) continue;
          list.push_back({clamp(i), weights[k]});
          total += weights[k];
        }
        if (config.exclude_outside && total != 0) {
          for (Tap& tap : list) tap.weight /= total;
        }
        break;
      }
    }
  }
  return taps;
}

// True if every output coordinate reads only its own input coordinate with weight 1.
bool is_identity(const AxisTaps& taps, int64_t in) {
  if (static_cast<int64_t>(taps.size()) != in) return false;
  for (size_t o = 0; o < taps.size(); ++o) {
    double own = 0;
    for (const Tap& tap : taps[o]) {
      if (tap.index == static_cast<int64_t>(o)) {
        own += tap.weight;
      } else if (tap.weight != 0) {
        return false;
      }
    }
    if (own != 1.0) return false;
  }
  return true;
}

// One separable pass: resizes axis `axis` of `values` (shape `shape`) with `taps`.
std::vector<double> resize_axis(const std::vector<double>& values, Shape& shape, int64_t axis, const AxisTaps& taps,
                                double extrapolation) {
  const int64_t rank = static_cast<int64_t>(shape.size());
  const int64_t outer = dims_product(shape, 0, axis);
  const int64_t in = shape[axis];
  const int64_t out = static_cast<int64_t>(taps.size());
  const int64_t inner = dims_product(shape, axis + 1, rank);
  std::vector<double> result(static_cast<size_t>(outer * out * inner), 0.0);
  for (int64_t p = 0; p < outer; ++p) {
    for (int64_t o = 0; o < out; ++o) {
      double* dst = result.data() + (p * out + o) * inner;
      if (taps[o].empty()) {
        std::fill(dst, dst + inner, extrapolation);
        continue;
      }
      for (const Tap& tap : taps[o]) {
        const double* src = values.data() + (p * in + tap.index) * inner;
        for (int64_t i = 0; i < inner; ++i) dst[i] += tap.weight * src[i];
      }
    }
  }
  shape[axis] = out;
  return result;
}

Tensor run_resize(const ResizeConfig& config, const OpInputs& in) {
  const Tensor& data = require_input(in, 0, "Resize");
  const int64_t rank = data.rank();
  std::vector<double> scales;
  Shape sizes;
  if (config.scales_input >= 0 && has_input(in, config.scales_input) && in[config.scales_input]->numel() > 0) {
    scales = in[config.scales_input]->to_double_vector();
  } else if (config.sizes_input >= 0 && has_input(in, config.sizes_input)) {
    const std::vector<int64_t> given = in[config.sizes_input]->to_int64_vector();
    sizes.assign(given.begin(), given.end());
  } else if (!config.scales_attribute.empty()) {
    scales.assign(config.scales_attribute.begin(), config.scales_attribute.end());
  } else {
    fail_bad_input("Resize: neither scales nor sizes is given");
  }
  if (sizes.empty()) {
    check_input(static_cast<int64_t>(scales.size()) == rank, "Resize: ", scales.size(), " scales for rank ", rank);
    for (int64_t d = 0; d < rank; ++d) {
      const double size = std::floor(static_cast<double>(data.dim(d)) * scales[d]);
      check_input(scales[d] > 0 && size < 0x1p62, "Resize: scale ", scales[d], " must be positive and finite");
      sizes.push_back(static_cast<int64_t>(size));
    }
  } else {
    check_input(static_cast<int64_t>(sizes.size()) == rank, "Resize: ", sizes.size(), " sizes for rank ", rank);
    for (int64_t d = 0; d < rank; ++d) {
      check_input(sizes[d] >= 0, "Resize: negative size");
      scales.push_back(data.dim(d) > 0 ? static_cast<double>(sizes[d]) / static_cast<double>(data.dim(d)) : 1.0);
    }
  }
  std::vector<double> roi;
  if (config.coordinates == CoordinateMode::TfCropAndResize) {
    check_input(config.roi_input >= 0 && has_input(in, config.roi_input), "Resize: tf_crop_and_resize needs roi");
    roi = in[config.roi_input]->to_double_vector();
    check_input(static_cast<int64_t>(roi.size()) == 2 * rank, "Resize: roi needs ", 2 * rank, " values");
  }

  Tensor result(data.dtype(), sizes);
  if (result.numel() == 0) return result;
  check_input(data.numel() > 0, "Resize: cannot resize an empty tensor to ", shape_to_string(sizes));

  Shape shape = data.shape();
  std::vector<double> values = data.to_double_vector();
  for (int64_t d = 0; d < rank; ++d) {
    const AxisTaps taps = axis_taps(config, data.dim(d), sizes[d], scales[d], roi.empty() ? 0.0 : roi[d],
                                    roi.empty() ? 1.0 : roi[d + rank]);
    if (is_identity(taps, data.dim(d))) continue;
    values = resize_axis(values, shape, d, taps, config.extrapolation);
  }
  dispatch_dtype(data.dtype(), "Resize", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = result.data<T>();
    for (size_t i = 0; i < values.size(); ++i) o[i] = convert_element<T>(values[i]);
  });
  return result;
}

std::unique_ptr<Operator> create_resize(const OpCreateInfo& info) {
  const Attributes& attributes = info.attributes();
  ResizeConfig config;
  config.mode = parse_mode(attributes.get_string("mode", "nearest"));
  if (info.opset < 11) {
    config.scales_input = 1;
  } else {
    config.coordinates = parse_coordinates(attributes.get_string("coordinate_transformation_mode", "half_pixel"));
    config.nearest = parse_nearest(attributes.get_string("nearest_mode", "round_prefer_floor"));
    config.cubic_a = attributes.get_float("cubic_coeff_a", -0.75f);
    config.exclude_outside = attributes.get_int("exclude_outside", 0) != 0;
    config.extrapolation = attributes.get_float("extrapolation_value", 0.0f);
    config.roi_input = 1;
    config.scales_input = 2;
    config.sizes_input = 3;
  }
  if (config.mode == ResizeMode::Cubic && info.opset < 11) fail_unsupported(info.describe(), ": cubic needs opset 11");
  return make_operator([config](const OpInputs& in, OpOutputs& out) { out[0] = run_resize(config, in); });
}

// Upsample behaves as Resize-10: asymmetric coordinates, nearest rounds down. Its
// scales are an attribute in opset 7 and an input from opset 9.
std::unique_ptr<Operator> create_upsample(const OpCreateInfo& info) {
  ResizeConfig config;
  config.mode = parse_mode(info.attributes().get_string("mode", "nearest"));
  if (config.mode == ResizeMode::Cubic) fail_unsupported(info.describe(), ": Upsample has no cubic mode");
  if (info.opset < 9) {
    config.scales_attribute = info.attributes().get_floats("scales");
  } else {
    config.scales_input = 1;
  }
  return make_operator([config](const OpInputs& in, OpOutputs& out) { out[0] = run_resize(config, in); });
}

}  // namespace

void register_resize_operators(OpRegistry& registry) {
  registry.add("", "Resize", create_resize);
  registry.add("", "Upsample", create_upsample);
}

}  // namespace vigil
