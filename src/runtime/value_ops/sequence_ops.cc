// SPDX-License-Identifier: Apache-2.0
// The sequence operators (opset 11+), SequenceMap (17), the optional operators (15+)
// and Identity over any value. A sequence is a list of tensors sharing their buffers
// with the tensors put in: operators never write into an input, so nothing is copied
// until ConcatFromSequence or SplitToSequence builds new tensors.
#include "runtime/value_ops/sequence_ops.h"

#include <cstring>
#include <map>
#include <string>

#include "runtime/value_ops/body.h"

namespace vigil {

namespace {

// A position input (scalar int32/int64) for a sequence of `count` elements: negative
// positions count from the end; valid positions are [-count, count - 1], or up to
// `count` when `allow_end` (insertion at the back).
size_t sequence_position(const Tensor& position, size_t count, bool allow_end) {
  check_input(position.numel() == 1 && dtype_is_integer(position.dtype()), "position must be one integer");
  const int64_t n = static_cast<int64_t>(count);
  int64_t p = position.to_int64_vector()[0];
  check_input(p >= -n && (allow_end ? p <= n : p < n), "position ", p, " is outside a sequence of ", n, " elements");
  if (p < 0) p += n;
  return static_cast<size_t>(p);
}

// The elements of input `index`, required to be a sequence.
const std::vector<Tensor>& input_sequence(const ValueInputs& in, size_t index, const std::string& what) {
  return require_value(in, index, what).elements(what);
}

std::unique_ptr<ValueOperator> create_sequence_empty(const OpCreateInfo& info) {
  const auto dtype = static_cast<DType>(info.attributes().get_int("dtype", static_cast<int64_t>(DType::Float32)));
  return make_value_operator([dtype](const ValueInputs&, ValueOutputs& out) { out[0] = Value::sequence({}, dtype); });
}

std::unique_ptr<ValueOperator> create_sequence_construct(const OpCreateInfo&) {
  return make_value_operator([](const ValueInputs& in, ValueOutputs& out) {
    std::vector<Tensor> elements;
    for (size_t i = 0; i < in.size(); ++i) {
      const Tensor& element = require_value(in, i, "inputs").tensor("a sequence element");
      check_input(elements.empty() || element.dtype() == elements[0].dtype(), "sequence elements differ in type: ",
                  dtype_name(elements.empty() ? element.dtype() : elements[0].dtype()), " and ",
                  dtype_name(element.dtype()));
      elements.push_back(element);
    }
    out[0] = Value::sequence(std::move(elements));
  });
}

std::unique_ptr<ValueOperator> create_sequence_insert(const OpCreateInfo&) {
  return make_value_operator([](const ValueInputs& in, ValueOutputs& out) {
    const Value& sequence = require_value(in, 0, "input_sequence");
    std::vector<Tensor> elements = sequence.elements("input_sequence");
    const Tensor& tensor = require_value(in, 1, "tensor").tensor("tensor");
    const DType type = sequence.sequence_type();
    check_input(type == DType::Undefined || type == tensor.dtype(), "cannot insert a ", dtype_name(tensor.dtype()),
                " tensor into a sequence of ", dtype_name(type));
    const size_t position =
        has_value(in, 2) ? sequence_position(in[2]->tensor("position"), elements.size(), true) : elements.size();
    elements.insert(elements.begin() + static_cast<std::ptrdiff_t>(position), tensor);
    out[0] = Value::sequence(std::move(elements), tensor.dtype());
  });
}

std::unique_ptr<ValueOperator> create_sequence_at(const OpCreateInfo&) {
  return make_value_operator([](const ValueInputs& in, ValueOutputs& out) {
    const std::vector<Tensor>& elements = input_sequence(in, 0, "input_sequence");
    out[0] = elements[sequence_position(require_value(in, 1, "position").tensor("position"), elements.size(), false)];
  });
}

std::unique_ptr<ValueOperator> create_sequence_erase(const OpCreateInfo&) {
  return make_value_operator([](const ValueInputs& in, ValueOutputs& out) {
    const Value& sequence = require_value(in, 0, "input_sequence");
    std::vector<Tensor> elements = sequence.elements("input_sequence");
    check_input(!elements.empty(), "cannot erase from an empty sequence");
    const size_t position =
        has_value(in, 1) ? sequence_position(in[1]->tensor("position"), elements.size(), false) : elements.size() - 1;
    elements.erase(elements.begin() + static_cast<std::ptrdiff_t>(position));
    out[0] = Value::sequence(std::move(elements), sequence.sequence_type());
  });
}

std::unique_ptr<ValueOperator> create_sequence_length(const OpCreateInfo&) {
  return make_value_operator([](const ValueInputs& in, ValueOutputs& out) {
    out[0] = Tensor::scalar<int64_t>(static_cast<int64_t>(input_sequence(in, 0, "input_sequence").size()));
  });
}

// Concatenates tensors of equal rank along `axis`; all other dimensions must agree.
Tensor concat_along(const std::vector<Tensor>& parts, int64_t axis) {
  Shape shape = parts[0].shape();
  shape[axis] = 0;
  for (const Tensor& part : parts) {
    bool compatible = part.dtype() == parts[0].dtype() && part.rank() == parts[0].rank();
    for (int64_t d = 0; compatible && d < part.rank(); ++d) compatible = d == axis || part.dim(d) == parts[0].dim(d);
    check_input(compatible, "cannot concatenate ", dtype_name(part.dtype()), shape_to_string(part.shape()), " with ",
                dtype_name(parts[0].dtype()), shape_to_string(parts[0].shape()), " along axis ", axis);
    shape[axis] += part.dim(axis);
  }
  Tensor result(parts[0].dtype(), shape);
  const Shape outer_dims(shape.begin(), shape.begin() + axis);
  const Shape inner_dims(shape.begin() + axis + 1, shape.end());
  const int64_t outer = shape_numel(outer_dims);
  const size_t inner_bytes = static_cast<size_t>(shape_numel(inner_dims)) * dtype_size(result.dtype());
  char* out = static_cast<char*>(result.raw());
  for (int64_t o = 0; o < outer; ++o) {
    for (const Tensor& part : parts) {
      const size_t chunk = static_cast<size_t>(part.dim(axis)) * inner_bytes;
      if (chunk) std::memcpy(out, static_cast<const char*>(part.raw()) + o * chunk, chunk);
      out += chunk;
    }
  }
  return result;
}

std::unique_ptr<ValueOperator> create_concat_from_sequence(const OpCreateInfo& info) {
  const int64_t axis = info.attributes().require_int("axis");
  const bool new_axis = info.attributes().get_int("new_axis", 0) != 0;
  return make_value_operator([axis, new_axis](const ValueInputs& in, ValueOutputs& out) {
    const std::vector<Tensor>& elements = input_sequence(in, 0, "input_sequence");
    check_input(!elements.empty(), "cannot concatenate an empty sequence");
    const int64_t a = normalize_axis(axis, elements[0].rank() + (new_axis ? 1 : 0), "axis");
    if (!new_axis) {
      out[0] = concat_along(elements, a);
      return;
    }
    // Stacking: each element gains a dimension of 1 at `a`, then they are concatenated.
    std::vector<Tensor> parts;
    for (const Tensor& element : elements) {
      Shape shape = element.shape();
      shape.insert(shape.begin() + a, 1);
      parts.push_back(element.reshaped(shape));
    }
    out[0] = concat_along(parts, a);
  });
}

// `length` slices of `tensor` along `axis` from `start`.
Tensor slice_range(const Tensor& tensor, int64_t axis, int64_t start, int64_t length) {
  Shape shape = tensor.shape();
  shape[axis] = length;
  Tensor result(tensor.dtype(), shape);
  const int64_t outer = shape_numel(Shape(shape.begin(), shape.begin() + axis));
  const size_t inner_bytes =
      static_cast<size_t>(shape_numel(Shape(shape.begin() + axis + 1, shape.end()))) * dtype_size(tensor.dtype());
  const char* in = static_cast<const char*>(tensor.raw());
  char* out = static_cast<char*>(result.raw());
  const size_t chunk = static_cast<size_t>(length) * inner_bytes;
  for (int64_t o = 0; o < outer && chunk; ++o) {
    std::memcpy(out + o * chunk, in + (o * tensor.dim(axis) + start) * inner_bytes, chunk);
  }
  return result;
}

std::unique_ptr<ValueOperator> create_split_to_sequence(const OpCreateInfo& info) {
  const int64_t axis = info.attributes().get_int("axis", 0);
  const bool keepdims = info.attributes().get_int("keepdims", 1) != 0;
  return make_value_operator([axis, keepdims](const ValueInputs& in, ValueOutputs& out) {
    const Tensor& input = require_value(in, 0, "input").tensor("input");
    const int64_t a = normalize_axis(axis, input.rank(), "axis");
    const int64_t length = input.dim(a);
    std::vector<int64_t> sizes;
    const Tensor* split = has_value(in, 1) ? &in[1]->tensor("split") : nullptr;
    if (!split) {
      sizes.assign(static_cast<size_t>(length), 1);
    } else if (split->rank() == 0) {
      const int64_t size = split->to_int64_vector()[0];
      check_input(size > 0, "split must be positive, got ", size);
      for (int64_t start = 0; start < length; start += size) sizes.push_back(std::min(size, length - start));
    } else {
      sizes = split->to_int64_vector();
      int64_t total = 0;
      for (int64_t size : sizes) {
        check_input(size >= 0, "split sizes must not be negative");
        total += size;
      }
      check_input(total == length, "split sizes add up to ", total, ", the axis has ", length);
    }
    std::vector<Tensor> elements;
    int64_t start = 0;
    for (int64_t size : sizes) {
      Tensor part = slice_range(input, a, start, size);
      start += size;
      if (!split && !keepdims) {
        Shape shape = part.shape();
        shape.erase(shape.begin() + a);
        part = part.reshaped(shape);
      }
      elements.push_back(std::move(part));
    }
    out[0] = Value::sequence(std::move(elements), input.dtype());
  });
}

// SequenceMap runs its body once per position of the sequence inputs: a sequence input
// contributes its element at that position, a tensor input itself; output j gathers
// the body's output j over the positions.
std::unique_ptr<ValueOperator> create_sequence_map(const OpCreateInfo& info) {
  auto body = std::make_shared<Body>(info.attributes().require_graph("body"), info);
  const size_t first_outer = info.node.inputs.size();
  return make_value_operator([body, first_outer](const ValueInputs& in, ValueOutputs& out) {
    const size_t count = input_sequence(in, 0, "input_sequence").size();
    for (size_t i = 1; i < first_outer; ++i) {
      const Value& input = require_value(in, i, "additional_inputs");
      const size_t length = input.is_sequence() ? input.elements().size() : count;
      check_input(length == count, "sequence input #", i, " has ", length, " elements, the first ", count);
    }
    std::vector<std::vector<Tensor>> results(out.size());
    for (size_t position = 0; position < count; ++position) {
      std::vector<Value> feeds;
      for (size_t i = 0; i < first_outer; ++i) {
        feeds.push_back(in[i]->is_sequence() ? Value(in[i]->elements()[position]) : *in[i]);
      }
      std::vector<Value> outputs = body->run(feeds, in, first_outer);
      check_input(outputs.size() == out.size(), "the body has ", outputs.size(), " outputs, the node ", out.size());
      for (size_t o = 0; o < out.size(); ++o) results[o].push_back(outputs[o].tensor("a body output"));
    }
    for (size_t o = 0; o < out.size(); ++o) {
      const DType type = body->graph().outputs[o].dtype;
      out[o] = Value::sequence(std::move(results[o]), type);
    }
  });
}

std::unique_ptr<ValueOperator> create_optional(const OpCreateInfo& info) {
  check_input(!info.node.inputs.empty() || info.attributes().has("type"),
              "Optional without an input needs the 'type' attribute");
  return make_value_operator([](const ValueInputs& in, ValueOutputs& out) {
    // An empty optional given as the input stays empty rather than nesting.
    out[0] = has_value(in, 0) && !in[0]->is_none() ? Value::some(*in[0]) : Value::none();
  });
}

std::unique_ptr<ValueOperator> create_optional_has_element(const OpCreateInfo&) {
  return make_value_operator([](const ValueInputs& in, ValueOutputs& out) {
    out[0] = Tensor::scalar<bool>(has_value(in, 0) && !in[0]->is_none());
  });
}

std::unique_ptr<ValueOperator> create_optional_get_element(const OpCreateInfo&) {
  return make_value_operator([](const ValueInputs& in, ValueOutputs& out) {
    const Value& input = require_value(in, 0, "input");
    check_input(!input.is_none(), "the optional input is empty");
    out[0] = input.unwrapped();
  });
}

// Identity passes any value on unchanged, sequences and optionals included.
std::unique_ptr<ValueOperator> create_identity(const OpCreateInfo&) {
  return make_value_operator([](const ValueInputs& in, ValueOutputs& out) { out[0] = require_value(in, 0, "input"); });
}

}  // namespace

const std::map<std::string, ValueOpFactory>& sequence_operators() {
  static const std::map<std::string, ValueOpFactory> factories = {
      {"SequenceEmpty", create_sequence_empty},
      {"SequenceConstruct", create_sequence_construct},
      {"SequenceInsert", create_sequence_insert},
      {"SequenceAt", create_sequence_at},
      {"SequenceErase", create_sequence_erase},
      {"SequenceLength", create_sequence_length},
      {"ConcatFromSequence", create_concat_from_sequence},
      {"SplitToSequence", create_split_to_sequence},
      {"SequenceMap", create_sequence_map},
      {"Optional", create_optional},
      {"OptionalHasElement", create_optional_has_element},
      {"OptionalGetElement", create_optional_get_element},
      {"Identity", create_identity},
  };
  return factories;
}

}  // namespace vigil
