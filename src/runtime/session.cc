// SPDX-License-Identifier: Apache-2.0
// Session compilation, hooks, and the general execution path (any values, allocating as
// it goes).
#include "runtime/session.h"

#include <algorithm>
#include <set>

#include "abft/step_checker.h"
#include "core/error.h"
#include "core/log.h"
#include "ops/registry.h"
#include "runtime/graph_optimizer.h"
#include "runtime/session_internal.h"
#include "runtime/value_ops/value_operator.h"

namespace vigil {

Session::Session(std::shared_ptr<const Model> model, SessionOptions options)
    : owned_model_(options.optimize ? optimized_model(std::move(model)) : std::move(model)),
      model_(owned_model_.get()),
      graph_(&model_->graph),
      options_(options) {
  compile({});
  if (options.abft.scheme != abft::Scheme::Off) {
    abft_ = std::make_unique<abft::StepChecker>(options.abft, steps_.size());
    add_hook(*abft_);
  }
}

Session::Session(const Graph& graph, const Model& model, const std::vector<std::string>& outer_values,
                 SessionOptions options)
    : model_(&model), graph_(&graph), options_(options) {
  compile(outer_values);
}

Session::~Session() = default;

void Session::compile(const std::vector<std::string>& outer_values) {
  auto slot_for = [&](const std::string& name) {
    auto [it, inserted] = slot_of_.try_emplace(name, static_cast<int>(slot_of_.size()));
    return it->second;
  };
  for (const auto& [name, tensor] : graph_->initializers) {
    const int slot = slot_for(name);
    if (constants_.size() <= static_cast<size_t>(slot)) constants_.resize(slot + 1);
    constants_[slot] = tensor;
  }
  for (const ValueInfo& input : graph_->inputs) {
    input_slots_.push_back(slot_for(input.name));
    input_names_.push_back(input.name);
  }
  for (const std::string& name : outer_values) {
    input_slots_.push_back(slot_for(name));
    input_names_.push_back(name);
  }

  auto find_constant = [this](const std::string& name) -> const Tensor* {
    auto it = graph_->initializers.find(name);
    return it == graph_->initializers.end() ? nullptr : &it->second;
  };
  const OpRegistry& registry = OpRegistry::instance();
  // Values known to be tensors: Identity over one of them is a tensor operator (with a
  // planned path), not the value operator that also passes sequences and optionals on.
  std::set<std::string> tensors;
  for (const auto& [name, tensor] : graph_->initializers) tensors.insert(name);
  for (const ValueInfo& input : graph_->inputs) {
    if (input.kind == TypeKind::Tensor && !input.optional) tensors.insert(input.name);
  }
  for (const Node& node : graph_->nodes) {
    const bool tensor_identity =
        node.domain.empty() && node.op_type == "Identity" && !node.inputs.empty() && tensors.count(node.inputs[0]);
    const ValueOpFactory value_factory = tensor_identity ? nullptr : find_value_operator_factory(node);
    const OpFactory factory = value_factory ? nullptr : registry.find(node.domain, node.op_type);
    if (factory) tensors.insert(node.outputs.begin(), node.outputs.end());
    if (!value_factory && !factory) {
      fail_unsupported(model_->path.empty() ? "" : model_->path + ": ", node.describe(), ": operator '", node.op_type,
                       "' of domain '", node.domain.empty() ? "ai.onnx" : node.domain, "' is not supported by vigil");
    }
    Step step;
    step.node = &node;
    // Values a node's subgraphs read from this scope travel as extra inputs after its own.
    std::vector<std::string> input_names = node.inputs;
    for (const std::string& name : node_outer_values(node)) input_names.push_back(name);
    for (const std::string& name : input_names) step.inputs.push_back(name.empty() ? -1 : slot_for(name));
    for (const std::string& name : node.outputs) step.outputs.push_back(name.empty() ? -1 : slot_for(name));
    OpCreateInfo info{node, model_->opset_for(node.domain), model_, find_constant, options_.threads};
    naming_node(node, [&] {
      if (value_factory) {
        step.value_op = value_factory(info);
      } else {
        step.op = factory(info);
      }
    });
    steps_.push_back(std::move(step));
  }
  for (const ValueInfo& output : graph_->outputs) output_slots_.push_back(slot_for(output.name));
  plannable_ = outer_values.empty() &&
               std::all_of(steps_.begin(), steps_.end(), [](const Step& step) { return step.op != nullptr; });
  if (constants_.size() < slot_of_.size()) constants_.resize(slot_of_.size());

  // Liveness: a value is released after its last reader unless it is a graph output or constant.
  std::set<int> keep(output_slots_.begin(), output_slots_.end());
  std::vector<int> last_reader(slot_of_.size(), -1);
  for (size_t s = 0; s < steps_.size(); ++s) {
    for (int slot : steps_[s].inputs) {
      if (slot >= 0) last_reader[slot] = static_cast<int>(s);
    }
  }
  for (size_t slot = 0; slot < last_reader.size(); ++slot) {
    if (last_reader[slot] >= 0 && !keep.count(static_cast<int>(slot)) && constants_[slot].empty()) {
      steps_[last_reader[slot]].release.push_back(static_cast<int>(slot));
    }
  }
}

void Session::check_feed(const ValueInfo& declared, const Value& value, std::map<std::string, int64_t>& symbols) const {
  auto mismatch = [&] {
    fail_bad_input("input '", declared.name, "': expected ", value_info_to_string(declared), ", got ",
                   value.describe());
  };
  if (declared.kind == TypeKind::Other) {
    fail_unsupported("input '", declared.name, "': its type is not supported by vigil");
  }
  // An input without a declared type takes any value.
  const bool untyped = declared.kind == TypeKind::Tensor && declared.dtype == DType::Undefined && !declared.has_shape;
  if (untyped) return;
  if (value.is_none()) {
    if (!declared.optional) mismatch();
  } else if (value.is_sequence()) {
    if (declared.kind != TypeKind::Sequence) mismatch();
    // Elements differ in shape from one to the next (and exporters often annotate one
    // element's shape only): only their type is checked.
    for (const Tensor& element : value.elements()) {
      check_input(declared.dtype == DType::Undefined || declared.dtype == element.dtype(), "input '", declared.name,
                  "': expected ", value_info_to_string(declared), ", got a sequence of ", dtype_name(element.dtype()));
    }
  } else {
    if (declared.kind != TypeKind::Tensor) mismatch();
    check_tensor_feed(declared, value.tensor(), symbols);
  }
}

void Session::check_tensor_feed(const ValueInfo& declared, const Tensor& tensor,
                                std::map<std::string, int64_t>& symbols) const {
  const std::string expected = value_info_to_string(declared);
  const std::string got = dtype_name(tensor.dtype()) + shape_to_string(tensor.shape());
  check_input(declared.dtype == DType::Undefined || declared.dtype == tensor.dtype(), "input '", declared.name,
              "': expected ", expected, ", got ", got);
  if (!declared.has_shape) return;
  check_input(declared.dims.size() == tensor.shape().size(), "input '", declared.name, "': expected ", expected,
              ", got ", got);
  for (size_t i = 0; i < declared.dims.size(); ++i) {
    const Dim& dim = declared.dims[i];
    if (dim.is_fixed()) {
      check_input(dim.value == tensor.dim(i), "input '", declared.name, "': expected ", expected, ", got ", got);
    } else if (!dim.symbol.empty()) {
      auto [it, inserted] = symbols.try_emplace(dim.symbol, tensor.dim(i));
      check_input(it->second == tensor.dim(i), "input '", declared.name, "': dimension '", dim.symbol, "' is ",
                  tensor.dim(i), " here but ", it->second, " in another input");
    }
  }
}

std::vector<Tensor> Session::run(const std::map<std::string, Tensor>& feeds) {
  if (plannable_ && feeds.size() == graph_->inputs.size()) {
    std::vector<const Tensor*> inputs;
    for (const ValueInfo& input : graph_->inputs) {
      auto it = feeds.find(input.name);
      if (it != feeds.end()) inputs.push_back(&it->second);
    }
    if (inputs.size() == graph_->inputs.size()) {
      std::vector<Tensor> outputs;
      run_into(inputs, outputs);
      return outputs;
    }
  }
  std::map<std::string, Value> value_feeds;
  for (const auto& [name, tensor] : feeds) value_feeds.emplace(name, tensor);
  std::vector<Value> values = run_values(value_feeds);
  std::vector<Tensor> results;
  for (size_t o = 0; o < values.size(); ++o) {
    results.push_back(values[o].tensor("graph output '" + graph_->outputs[o].name + "'"));
  }
  return results;
}

std::vector<Value> Session::fed_values(const std::map<std::string, Value>& feeds) const {
  std::vector<Value> values = constants_;
  std::map<std::string, int64_t> symbols;
  for (size_t i = 0; i < input_slots_.size(); ++i) {
    auto it = feeds.find(input_names_[i]);
    check_input(it != feeds.end() && !it->second.empty(), "input '", input_names_[i],
                "' is required but was not given");
    if (i < graph_->inputs.size()) check_feed(graph_->inputs[i], it->second, symbols);
    values[input_slots_[i]] = it->second;
  }
  for (const auto& [name, value] : feeds) {
    check_input(std::find(input_names_.begin(), input_names_.end(), name) != input_names_.end() ||
                    graph_->initializers.count(name),
                "'", name, "' is not an input of the model");
    // An initializer may be overridden by a feed of the same name (older models list them as inputs).
    if (graph_->initializers.count(name)) values[slot_of_.at(name)] = value;
  }

  return values;
}

std::vector<Value> Session::run_values(const std::map<std::string, Value>& feeds) {
  std::vector<Value> values = fed_values(feeds);
  GeneralPath path{*this, values};
  run_steps(path);

  std::vector<Value> results;
  for (size_t o = 0; o < output_slots_.size(); ++o) {
    check_input(!values[output_slots_[o]].empty(), "graph output '", graph_->outputs[o].name, "' was not computed");
    results.push_back(values[output_slots_[o]]);
  }
  return results;
}

size_t Session::step_count() const { return steps_.size(); }

void Session::add_hook(StepHook& hook) {
  hooks_.push_back(&hook);
  if (plan_ && plan_->summary.in_place_steps > 0 && !in_place_allowed()) plan_.reset();
}

void Session::remove_hook(StepHook& hook) {
  hooks_.erase(std::remove(hooks_.begin(), hooks_.end(), &hook), hooks_.end());
}

bool Session::in_place_allowed() const {
  return std::none_of(hooks_.begin(), hooks_.end(), [](const StepHook* hook) { return hook->reads_inputs_after_step(); });
}

std::vector<Session::StepSummary> Session::step_summaries() const {
  std::vector<StepSummary> summaries;
  for (const Step& step : steps_) summaries.push_back({step.node, step.op ? step.op->algorithm() : std::string()});
  return summaries;
}

}  // namespace vigil
