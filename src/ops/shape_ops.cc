// SPDX-License-Identifier: Apache-2.0
// Shape operators: Reshape, Flatten, Squeeze, Unsqueeze, Shape, Size, Expand. All but
// Expand only compute a new shape; their output shares the input's buffer (values that
// flow through a session are never written in place), so they cost no copy. Reshape,
// Flatten, Squeeze and Unsqueeze whose shape-defining inputs are constants also have a
// planned path for the memory plan: the output may share the input's buffer
// (in_place_input), and execute() copies only when the plan gave it another one.
#include <algorithm>
#include <cstring>

#include "ops/data_movement.h"
#include "ops/f32_fast_path.h"
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// Reshape's target: 0 copies the input dimension (unless allowzero), -1 is inferred.
Shape reshape_target(const Shape& input, const std::vector<int64_t>& requested, bool allow_zero) {
  Shape shape(requested.begin(), requested.end());
  int64_t inferred = -1;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0 && !allow_zero) {
      check_input(i < input.size(), "Reshape: 0 at position ", i, " has no input dimension to copy");
      shape[i] = input[i];
    }
    if (shape[i] == -1) {
      check_input(inferred < 0, "Reshape: more than one -1 in the shape");
      inferred = static_cast<int64_t>(i);
      continue;
    }
    check_input(shape[i] >= 0, "Reshape: invalid dimension ", shape[i]);
    check_input(!__builtin_mul_overflow(known, shape[i], &known), "Reshape: ", shape_to_string(shape),
                " has more elements than fit in 64 bits");
  }
  const int64_t numel = shape_numel(input);
  if (inferred >= 0) {
    check_input(known != 0 && numel % known == 0, "Reshape: cannot infer -1 in ", shape_to_string(shape), " for ",
                shape_to_string(input));
    shape[inferred] = numel / known;
  }
  check_input(shape_numel(shape, "Reshape") == numel, "Reshape: cannot reshape ", shape_to_string(input), " to ",
              shape_to_string(shape));
  return shape;
}

std::unique_ptr<Operator> create_reshape(const OpCreateInfo& info) {
  const bool allow_zero = info.attributes().get_int("allowzero", 0) != 0;
  if (info.opset < 5) {
    const std::vector<int64_t> requested = info.attributes().get_ints("shape");
    return make_operator([requested](const OpInputs& in, OpOutputs& out) {
      const Tensor& data = require_input(in, 0, "Reshape");
      out[0] = data.reshaped(reshape_target(data.shape(), requested, false));
    });
  }
  return make_operator([allow_zero](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "Reshape");
    const Tensor& shape = require_input(in, 1, "Reshape");
    out[0] = data.reshaped(reshape_target(data.shape(), shape.to_int64_vector(), allow_zero));
  });
}

std::unique_ptr<Operator> create_flatten(const OpCreateInfo& info) {
  const int64_t axis = info.attributes().get_int("axis", 1);
  return make_operator([axis](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "Flatten");
    const int64_t rank = data.rank();
    check_input(axis >= -rank && axis <= rank, "Flatten: axis ", axis, " is out of range for rank ", rank);
    const int64_t a = axis < 0 ? axis + rank : axis;
    out[0] = data.reshaped({dims_product(data.shape(), 0, a), dims_product(data.shape(), a, rank)});
  });
}

// Squeeze and Unsqueeze took their axes as an attribute before opset 13, as an input since.
std::unique_ptr<Operator> create_squeeze(const OpCreateInfo& info) {
  const bool axes_as_input = info.opset >= 13;
  const std::vector<int64_t> attribute = info.attributes().get_ints("axes");
  return make_operator([axes_as_input, attribute](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "Squeeze");
    const std::vector<int64_t> axes = axes_as_input ? optional_int64s(in, 1) : attribute;
    const std::vector<int64_t> normalized = normalize_axes(axes, data.rank(), "Squeeze");
    Shape shape;
    for (int64_t i = 0; i < data.rank(); ++i) {
      const bool listed = std::find(normalized.begin(), normalized.end(), i) != normalized.end();
      if (axes.empty() ? data.dim(i) == 1 : listed) {
        check_input(data.dim(i) == 1, "Squeeze: dimension ", i, " of ", shape_to_string(data.shape()), " is not 1");
        continue;
      }
      shape.push_back(data.dim(i));
    }
    out[0] = data.reshaped(shape);
  });
}

std::unique_ptr<Operator> create_unsqueeze(const OpCreateInfo& info) {
  const bool axes_as_input = info.opset >= 13;
  const std::vector<int64_t> attribute = info.attributes().get_ints("axes");
  return make_operator([axes_as_input, attribute](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "Unsqueeze");
    const std::vector<int64_t> axes = axes_as_input ? require_input(in, 1, "Unsqueeze").to_int64_vector() : attribute;
    const int64_t rank = data.rank() + static_cast<int64_t>(axes.size());
    const std::vector<int64_t> normalized = normalize_axes(axes, rank, "Unsqueeze");
    Shape shape(static_cast<size_t>(rank), 0);
    for (int64_t a : normalized) shape[a] = 1;
    size_t next = 0;
    for (int64_t i = 0; i < rank; ++i) {
      if (std::find(normalized.begin(), normalized.end(), i) == normalized.end()) shape[i] = data.dim(next++);
    }
    out[0] = data.reshaped(shape);
  });
}

std::unique_ptr<Operator> create_shape(const OpCreateInfo& info) {
  const int64_t start = info.attributes().get_int("start", 0);
  const bool has_end = info.attributes().has("end");
  const int64_t end = info.attributes().get_int("end", 0);
  return make_operator([start, has_end, end](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "Shape");
    const int64_t rank = data.rank();
    // start and end are clamped to [0, rank] after adding rank to negative values.
    auto clamp = [rank](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
    const int64_t first = clamp(start);
    const int64_t last = std::max(first, has_end ? clamp(end) : rank);
    std::vector<int64_t> dims(data.shape().begin() + first, data.shape().begin() + last);
    out[0] = Tensor::from_vector<int64_t>({last - first}, dims);
  });
}

std::unique_ptr<Operator> create_size(const OpCreateInfo&) {
  return make_operator([](const OpInputs& in, OpOutputs& out) {
    out[0] = Tensor::scalar<int64_t>(require_input(in, 0, "Size").numel());
  });
}

std::unique_ptr<Operator> create_expand(const OpCreateInfo&) {
  return make_operator([](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "Expand");
    const std::vector<int64_t> requested = require_input(in, 1, "Expand").to_int64_vector();
    const Shape shape = broadcast_shapes(data.shape(), Shape(requested.begin(), requested.end()), "Expand");
    out[0] = gather_view(data, 0, broadcast_strides(data.shape(), shape), shape);
  });
}

// The planned path of the view operators. plan() runs the reference operator, which only
// computes the shape and shares the buffer, to learn the output spec; run() keeps that
// sharing.
class ViewOperator final : public Operator {
 public:
  explicit ViewOperator(std::unique_ptr<Operator> reference) : reference_(std::move(reference)) {}

  void run(const OpInputs& in, OpOutputs& out) override { reference_->run(in, out); }

  bool plan(const OpInputs& in, std::vector<TensorSpec>& out) override {
    if (!has_input(in, 0) || in[0]->dtype() == DType::String) return false;
    OpOutputs view(1);
    reference_->run(in, view);
    out.assign(1, TensorSpec{view[0].dtype(), view[0].shape()});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    if (out[0].raw() != in[0]->raw()) std::memcpy(out[0].raw(), in[0]->raw(), in[0]->nbytes());
  }

  int in_place_input() const override { return 0; }
  std::string algorithm() const override { return "view"; }

 private:
  std::unique_ptr<Operator> reference_;
};

// Wraps `Reference` with the planned path when input 1 (the shape or axes, if the opset
// takes it as an input) is absent or a constant known at creation.
template <OpFactory Reference>
std::unique_ptr<Operator> create_view(const OpCreateInfo& info) {
  std::unique_ptr<Operator> reference = Reference(info);
  const std::vector<std::string>& inputs = info.node.inputs;
  if (inputs.size() > 1 && !inputs[1].empty() && (!info.find_constant || !info.find_constant(inputs[1]))) {
    return reference;
  }
  return std::make_unique<ViewOperator>(std::move(reference));
}

}  // namespace

void register_shape_operators(OpRegistry& registry) {
  registry.add("", "Reshape", create_view<create_reshape>);
  registry.add("", "Flatten", create_view<create_flatten>);
  registry.add("", "Squeeze", create_view<create_squeeze>);
  registry.add("", "Unsqueeze", create_view<create_unsqueeze>);
  registry.add("", "Shape", create_shape);
  registry.add("", "Size", create_size);
  registry.add("", "Expand", create_expand);
}

}  // namespace vigil
