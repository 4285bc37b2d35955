// SPDX-License-Identifier: Apache-2.0
// Generator operators: tensors made from attributes or from a few scalars rather than
// from input data. Constant, ConstantOfShape, Range, EyeLike.
#include <cmath>

#include "ops/data_movement.h"
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// Constant: exactly one of value, value_float(s), value_int(s); sparse and string
// values are not supported. The tensor is built once, at creation.
std::unique_ptr<Operator> create_constant(const OpCreateInfo& info) {
  const Attributes& attributes = info.attributes();
  for (const char* name : {"sparse_value", "value_string", "value_strings"}) {
    if (attributes.has(name)) fail_unsupported(info.describe(), ": attribute '", name, "' is not supported");
  }
  Tensor value;
  if (attributes.has("value")) {
    value = attributes.require_tensor("value");
  } else if (attributes.has("value_float")) {
    value = Tensor::scalar<float>(attributes.get_float("value_float", 0));
  } else if (attributes.has("value_floats")) {
    const std::vector<float> floats = attributes.get_floats("value_floats");
    value = Tensor::from_vector<float>({static_cast<int64_t>(floats.size())}, floats);
  } else if (attributes.has("value_int")) {
    value = Tensor::scalar<int64_t>(attributes.get_int("value_int", 0));
  } else if (attributes.has("value_ints")) {
    const std::vector<int64_t> ints = attributes.get_ints("value_ints");
    value = Tensor::from_vector<int64_t>({static_cast<int64_t>(ints.size())}, ints);
  } else {
    fail_bad_input(info.describe(), ": Constant has no value attribute");
  }
  return make_operator([value](const OpInputs&, OpOutputs& out) { out[0] = value; });
}

// ConstantOfShape: the shape from the input, the value (one element, default float 0)
// from the attribute.
std::unique_ptr<Operator> create_constant_of_shape(const OpCreateInfo& info) {
  const Tensor value =
      info.attributes().has("value") ? info.attributes().require_tensor("value") : Tensor::scalar<float>(0.0f);
  check_input(value.numel() == 1, info.describe(), ": 'value' must have one element");
  return make_operator([value](const OpInputs& in, OpOutputs& out) {
    const std::vector<int64_t> dims = require_input(in, 0, "ConstantOfShape").to_int64_vector();
    const Shape shape(dims.begin(), dims.end());
    out[0] = gather_view(value, 0, Shape(shape.size(), 0), shape);
  });
}

std::unique_ptr<Operator> create_range(const OpCreateInfo&) {
  return make_operator([](const OpInputs& in, OpOutputs& out) {
    const Tensor& start = require_input(in, 0, "Range");
    const Tensor& limit = require_input(in, 1, "Range");
    const Tensor& delta = require_input(in, 2, "Range");
    check_input(start.numel() == 1 && limit.numel() == 1 && delta.numel() == 1, "Range: inputs must be scalars");
    check_input(start.dtype() == limit.dtype() && start.dtype() == delta.dtype(), "Range: inputs differ in type");
    dispatch_arithmetic(start.dtype(), "Range", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T first = start.data<T>()[0];
      const T step = delta.data<T>()[0];
      check_input(step != T(0), "Range: delta is 0");
      const double count =
          std::ceil((static_cast<double>(limit.data<T>()[0]) - static_cast<double>(first)) / static_cast<double>(step));
      check_input(!(count >= 0x1p62), "Range: ", count, " elements are too many");
      const int64_t n = count > 0 ? static_cast<int64_t>(count) : 0;
      Tensor result(start.dtype(), {n});
      T* o = result.data<T>();
      for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(first + static_cast<T>(i) * step);
      out[0] = std::move(result);
    });
  });
}

// EyeLike: ones on the k-th diagonal of a 2-d tensor, in the attribute's type or the input's.
std::unique_ptr<Operator> create_eye_like(const OpCreateInfo& info) {
  const int64_t k = info.attributes().get_int("k", 0);
  const bool has_dtype = info.attributes().has("dtype");
  const DType dtype = static_cast<DType>(info.attributes().get_int("dtype", 0));
  return make_operator([k, has_dtype, dtype](const OpInputs& in, OpOutputs& out) {
    const Tensor& input = require_input(in, 0, "EyeLike");
    check_input(input.rank() == 2, "EyeLike: input must be 2-d, got ", shape_to_string(input.shape()));
    Tensor result(has_dtype ? dtype : input.dtype(), input.shape());
    const int64_t rows = input.dim(0), cols = input.dim(1);
    dispatch_dtype(result.dtype(), "EyeLike", [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* o = result.data<T>();
      for (int64_t r = 0; r < rows; ++r) {
        if (r + k >= 0 && r + k < cols) o[r * cols + r + k] = convert_element<T>(1);
      }
    });
    out[0] = std::move(result);
  });
}

}  // namespace

void register_generator_operators(OpRegistry& registry) {
  registry.add("", "Constant", create_constant);
  registry.add("", "ConstantOfShape", create_constant_of_shape);
  registry.add("", "Range", create_range);
  registry.add("", "EyeLike", create_eye_like);
}

}  // namespace vigil
