// SPDX-License-Identifier: Apache-2.0
// If, Loop (opset 1-16) and Scan (opset 9+). Each body is compiled once (runtime/value_ops/body.h);
// loop-carried values, If results and Scan states may be any Value (sequences and
// optionals too); scan inputs and outputs are tensors.
#include "runtime/value_ops/control_flow.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include "runtime/value_ops/body.h"

namespace vigil {

namespace {

// The tensor at input `index`, or nullptr when it is omitted or an empty optional.
const Tensor* optional_tensor(const ValueInputs& in, size_t index, const std::string& what) {
  if (!has_value(in, index) || in[index]->is_none()) return nullptr;
  return &in[index]->tensor(what);
}

std::unique_ptr<ValueOperator> create_if(const OpCreateInfo& info) {
  auto then_body = std::make_shared<Body>(info.attributes().require_graph("then_branch"), info);
  auto else_body = std::make_shared<Body>(info.attributes().require_graph("else_branch"), info);
  const size_t first_outer = info.node.inputs.size();
  return make_value_operator([then_body, else_body, first_outer](const ValueInputs& in, ValueOutputs& out) {
    const Tensor& condition = require_value(in, 0, "cond").tensor("cond");
    check_input(condition.numel() == 1 && condition.dtype() == DType::Bool, "cond must be one bool");
    Body& body = condition.data<bool>()[0] ? *then_body : *else_body;
    std::vector<Value> results = body.run({}, in, first_outer);
    check_input(results.size() == out.size(), "the branch has ", results.size(), " outputs, the node ", out.size());
    for (size_t o = 0; o < out.size(); ++o) out[o] = results[o];
  });
}

// Stacks equally shaped tensors along a new axis 0.
Tensor stack(const std::vector<Tensor>& parts, const std::string& what) {
  check_input(!parts.empty(), what, ": nothing to stack");
  Shape shape = parts[0].shape();
  shape.insert(shape.begin(), static_cast<int64_t>(parts.size()));
  Tensor result(parts[0].dtype(), shape);
  char* out = static_cast<char*>(result.raw());
  for (const Tensor& part : parts) {
    check_input(part.shape() == parts[0].shape() && part.dtype() == parts[0].dtype(), what,
                ": iterations produced different shapes ", shape_to_string(parts[0].shape()), " and ",
                shape_to_string(part.shape()));
    std::memcpy(out, part.raw(), part.nbytes());
    out += part.nbytes();
  }
  return result;
}

std::unique_ptr<ValueOperator> create_loop(const OpCreateInfo& info) {
  auto body = std::make_shared<Body>(info.attributes().require_graph("body"), info);
  const size_t first_outer = info.node.inputs.size();
  const size_t carried = first_outer - 2;
  return make_value_operator([body, first_outer, carried](const ValueInputs& in, ValueOutputs& out) {
    const Tensor* trips = optional_tensor(in, 0, "M");
    const Tensor* initial_condition = optional_tensor(in, 1, "cond");
    const int64_t max_trips = trips ? trips->to_int64_vector().at(0) : INT64_MAX;
    bool condition = initial_condition ? initial_condition->to_int64_vector().at(0) != 0 : true;
    std::vector<Value> state;
    for (size_t i = 0; i < carried; ++i) state.push_back(require_value(in, 2 + i, "v_initial"));
    const size_t scans = out.size() - carried;
    std::vector<std::vector<Tensor>> scan_parts(scans);
    for (int64_t trip = 0; trip < max_trips && condition; ++trip) {
      std::vector<Value> feeds{Tensor::scalar<int64_t>(trip), Tensor::scalar<bool>(condition)};
      feeds.insert(feeds.end(), state.begin(), state.end());
      std::vector<Value> results = body->run(feeds, in, first_outer);
      check_input(results.size() == 1 + carried + scans, "the body has ", results.size(), " outputs, expected ",
                  1 + carried + scans);
      condition = results[0].tensor("the body's condition").to_int64_vector().at(0) != 0;
      for (size_t i = 0; i < carried; ++i) state[i] = results[1 + i];
      for (size_t s = 0; s < scans; ++s) scan_parts[s].push_back(results[1 + carried + s].tensor("a scan output"));
    }
    for (size_t i = 0; i < carried; ++i) out[i] = state[i];
    for (size_t s = 0; s < scans; ++s) {
      // Zero iterations: an empty scan output of the body's declared element type.
      const ValueInfo& declared = body->graph().outputs[1 + carried + s];
      out[carried + s] = scan_parts[s].empty()
                             ? Tensor(declared.dtype == DType::Undefined ? DType::Float32 : declared.dtype, {0})
                             : stack(scan_parts[s], "Loop scan output");
    }
  });
}

// Slice `index` of `tensor` along `axis` (the axis removed).
Tensor slice_along(const Tensor& tensor, int64_t axis, int64_t index) {
  Shape shape = tensor.shape();
  const int64_t outer = shape_numel(Shape(shape.begin(), shape.begin() + axis));
  const int64_t inner = shape_numel(Shape(shape.begin() + axis + 1, shape.end())) * dtype_size(tensor.dtype());
  const int64_t length = shape[axis];
  shape.erase(shape.begin() + axis);
  Tensor result(tensor.dtype(), shape);
  const char* in = static_cast<const char*>(tensor.raw());
  char* out = static_cast<char*>(result.raw());
  for (int64_t o = 0; o < outer; ++o) std::memcpy(out + o * inner, in + (o * length + index) * inner, inner);
  return result;
}

// Stacks `parts` along `axis` (a new axis at that position).
Tensor stack_along(const std::vector<Tensor>& parts, int64_t axis) {
  Tensor stacked = stack(parts, "Scan output");  // [count, ...]
  if (axis == 0) return stacked;
  const Shape& s = stacked.shape();
  Shape shape(s.begin() + 1, s.end());
  shape.insert(shape.begin() + axis, s[0]);
  const int64_t count = s[0];
  const int64_t outer = shape_numel(Shape(s.begin() + 1, s.begin() + 1 + axis));
  const int64_t inner = shape_numel(Shape(s.begin() + 1 + axis, s.end())) * dtype_size(stacked.dtype());
  Tensor result(stacked.dtype(), shape);
  const char* in = static_cast<const char*>(stacked.raw());
  char* out = static_cast<char*>(result.raw());
  for (int64_t c = 0; c < count; ++c) {
    for (int64_t o = 0; o < outer; ++o) {
      std::memcpy(out + (o * count + c) * inner, in + (c * outer + o) * inner, inner);
    }
  }
  return result;
}

std::unique_ptr<ValueOperator> create_scan(const OpCreateInfo& info) {
  if (info.opset < 9) fail_unsupported("Scan before opset 9 (with sequence_lens) is not supported");
  auto body = std::make_shared<Body>(info.attributes().require_graph("body"), info);
  const size_t first_outer = info.node.inputs.size();
  const int64_t scan_inputs = info.attributes().require_int("num_scan_inputs");
  const int64_t states = static_cast<int64_t>(first_outer) - scan_inputs;
  check_input(states >= 0, "num_scan_inputs exceeds the inputs");
  auto input_axes = info.attributes().get_ints("scan_input_axes", std::vector<int64_t>(scan_inputs, 0));
  auto input_directions = info.attributes().get_ints("scan_input_directions", std::vector<int64_t>(scan_inputs, 0));
  const int64_t scan_outputs = static_cast<int64_t>(info.node.outputs.size()) - states;
  auto output_axes = info.attributes().get_ints("scan_output_axes", std::vector<int64_t>(scan_outputs, 0));
  auto output_directions = info.attributes().get_ints("scan_output_directions", std::vector<int64_t>(scan_outputs, 0));
  check_input(static_cast<int64_t>(input_axes.size()) == scan_inputs &&
                  static_cast<int64_t>(output_axes.size()) == scan_outputs,
              "scan axes and directions must have one entry per scan input and output");
  return make_value_operator([=](const ValueInputs& in, ValueOutputs& out) {
    std::vector<Value> state;
    for (int64_t i = 0; i < states; ++i) state.push_back(require_value(in, i, "initial_state"));
    std::vector<const Tensor*> scanned(scan_inputs);
    std::vector<int64_t> axes(scan_inputs);
    int64_t length = -1;
    for (int64_t s = 0; s < scan_inputs; ++s) {
      const Tensor& input = require_value(in, states + s, "scan_input").tensor("scan_input");
      scanned[s] = &input;
      axes[s] = normalize_axis(input_axes[s], input.rank(), "scan_input_axes");
      check_input(length < 0 || input.dim(axes[s]) == length, "scan inputs differ in length");
      length = input.dim(axes[s]);
    }
    std::vector<std::vector<Tensor>> parts(scan_outputs);
    for (int64_t step = 0; step < std::max<int64_t>(length, 0); ++step) {
      std::vector<Value> feeds = state;
      for (int64_t s = 0; s < scan_inputs; ++s) {
        const int64_t index = input_directions[s] ? length - 1 - step : step;
        feeds.push_back(slice_along(*scanned[s], axes[s], index));
      }
      std::vector<Value> results = body->run(feeds, in, first_outer);
      for (int64_t i = 0; i < states; ++i) state[i] = results[i];
      for (int64_t s = 0; s < scan_outputs; ++s) parts[s].push_back(results[states + s].tensor("a scan output"));
    }
    for (int64_t i = 0; i < states; ++i) out[i] = state[i];
    for (int64_t s = 0; s < scan_outputs; ++s) {
      check_input(!parts[s].empty(), "Scan over zero iterations has no output shape");
      if (output_directions[s]) std::reverse(parts[s].begin(), parts[s].end());
      const int64_t axis = normalize_axis(output_axes[s], parts[s][0].rank() + 1, "scan_output_axes");
      out[states + s] = stack_along(parts[s], axis);
    }
  });
}

}  // namespace

const std::map<std::string, ValueOpFactory>& control_flow_operators() {
  static const std::map<std::string, ValueOpFactory> factories = {
      {"If", create_if}, {"Loop", create_loop}, {"Scan", create_scan}};
  return factories;
}

}  // namespace vigil
