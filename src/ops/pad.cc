// SPDX-License-Identifier: Apache-2.0
// Pad: constant, reflect and edge padding (negative pads crop). Before opset 11 the pads
// ("paddings" in opset 1) and the constant value are attributes; from opset 11 they are
// inputs, and opset 18 adds an optional axes input. Each output coordinate maps, per
// axis, to a source coordinate or to "outside" (the constant), computed once per axis.
#include <string>

#include "ops/data_movement.h"
#include "ops/tensor_ops_internal.h"

namespace vigil {

namespace {

enum class PadMode { Constant, Reflect, Edge };

PadMode parse_pad_mode(const std::string& mode) {
  if (mode == "constant") return PadMode::Constant;
  if (mode == "reflect") return PadMode::Reflect;
  if (mode == "edge") return PadMode::Edge;
  fail_unsupported("Pad: mode '", mode, "' is not supported");
}

// Source index along one axis for each output index; -1 where the constant goes.
std::vector<int64_t> source_indices(int64_t dim, int64_t before, int64_t out_dim, PadMode mode) {
  std::vector<int64_t> source(static_cast<size_t>(out_dim));
  for (int64_t o = 0; o < out_dim; ++o) {
    int64_t i = o - before;
    if (i < 0 || i >= dim) {
      if (mode == PadMode::Constant) {
        i = -1;
      } else if (mode == PadMode::Edge) {
        i = i < 0 ? 0 : dim - 1;
      } else if (dim == 1) {
        i = 0;
      } else {
        const int64_t period = 2 * (dim - 1);
        i = ((i % period) + period) % period;
        if (i >= dim) i = period - i;
      }
    }
    source[o] = i;
  }
  return source;
}

template <class T>
void pad_typed(const Tensor& data, const std::vector<std::vector<int64_t>>& sources, T value, Tensor& out) {
  const T* in = data.data<T>();
  T* o = out.data<T>();
  const Shape& shape = out.shape();
  const size_t rank = shape.size();
  const int64_t total = out.numel();
  if (total == 0) return;
  if (rank == 0) {
    o[0] = in[0];
    return;
  }
  const Shape in_strides = shape_strides(data.shape());
  const std::vector<int64_t>& inner = sources[rank - 1];
  const int64_t width = shape[rank - 1];
  std::vector<int64_t> index(rank - 1, 0);
  for (int64_t row = 0; row < total; row += width) {
    // The source row, or none if an outer coordinate falls in the constant padding.
    int64_t base = 0;
    bool inside = true;
    for (size_t d = 0; d + 1 < rank; ++d) {
      const int64_t s = sources[d][index[d]];
      if (s < 0) inside = false;
      base += s * in_strides[d];
    }
    for (int64_t j = 0; j < width; ++j) o[row + j] = inside && inner[j] >= 0 ? in[base + inner[j]] : value;
    for (int64_t d = static_cast<int64_t>(rank) - 2; d >= 0; --d) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
}

Tensor run_pad(const Tensor& data, const std::vector<int64_t>& pads, const std::vector<int64_t>& axes_given,
               PadMode mode, const Tensor* constant, double attribute_value) {
  const int64_t rank = data.rank();
  std::vector<int64_t> axes = normalize_axes(axes_given, rank, "Pad");
  if (axes_given.empty()) {
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  }
  const int64_t n = static_cast<int64_t>(axes.size());
  check_input(static_cast<int64_t>(pads.size()) == 2 * n, "Pad: expected ", 2 * n, " pads, got ", pads.size());
  Shape shape = data.shape();
  std::vector<std::vector<int64_t>> sources(static_cast<size_t>(rank));
  std::vector<int64_t> before(static_cast<size_t>(rank), 0);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t axis = axes[i];
    before[axis] = pads[i];
    check_input(!__builtin_add_overflow(data.dim(axis), pads[i], &shape[axis]) &&
                    !__builtin_add_overflow(shape[axis], pads[i + n], &shape[axis]),
                "Pad: pads ", pads[i], " and ", pads[i + n], " do not fit axis ", axis);
    check_input(shape[axis] >= 0, "Pad: pads crop axis ", axis, " below zero");
    check_input(mode == PadMode::Constant || data.dim(axis) > 0 || shape[axis] == 0, "Pad: cannot ",
                mode == PadMode::Edge ? "edge" : "reflect", "-pad the empty axis ", axis);
  }
  // The output first: its size is checked against the memory budget, and each axis's
  // source list is no longer than the output (nothing to list when it is empty).
  Tensor out(data.dtype(), shape);
  if (out.numel() == 0) return out;
  for (int64_t axis = 0; axis < rank; ++axis) {
    sources[axis] = source_indices(data.dim(axis), before[axis], shape[axis], mode);
  }
  dispatch_dtype(data.dtype(), "Pad", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T value = convert_element<T>(attribute_value);
    if (constant && constant->numel() > 0) {
      check_input(constant->dtype() == data.dtype(), "Pad: constant_value has another type than the data");
      value = constant->data<T>()[0];
    }
    pad_typed<T>(data, sources, value, out);
  });
  return out;
}

}  // namespace

std::unique_ptr<Operator> create_pad(const OpCreateInfo& info) {
  const PadMode mode = parse_pad_mode(info.attributes().get_string("mode", "constant"));
  if (info.opset < 11) {
    const std::vector<int64_t> pads = info.attributes().get_ints(info.opset < 2 ? "paddings" : "pads");
    const double value = info.attributes().get_float("value", 0.0f);
    return make_operator([pads, mode, value](const OpInputs& in, OpOutputs& out) {
      out[0] = run_pad(require_input(in, 0, "Pad"), pads, {}, mode, nullptr, value);
    });
  }
  return make_operator([mode](const OpInputs& in, OpOutputs& out) {
    const Tensor* constant = has_input(in, 2) ? in[2] : nullptr;
    out[0] = run_pad(require_input(in, 0, "Pad"), require_input(in, 1, "Pad").to_int64_vector(), optional_int64s(in, 3),
                     mode, constant, 0.0);
  });
}

}  // namespace vigil
