// SPDX-License-Identifier: Apache-2.0
// GraphProto edits.
#include "quant/graph_editor.h"

#include "core/error.h"
#include "onnx/onnx_pb.h"
#include "onnx_io/tensor_proto.h"

namespace vigil::quant {

GraphEditor::GraphEditor(onnx::ModelProto& model, std::string base_dir)
    : model_(model), base_dir_(std::move(base_dir)) {
  const onnx::GraphProto& g = model.graph();
  for (const auto& node : g.node()) {
    names_.insert(node.name());
    names_.insert(node.input().begin(), node.input().end());
    names_.insert(node.output().begin(), node.output().end());
  }
  for (const auto& init : g.initializer()) names_.insert(init.name());
  for (const auto& input : g.input()) names_.insert(input.name());
  for (const auto& output : g.output()) names_.insert(output.name());
  for (const auto& info : g.value_info()) names_.insert(info.name());
}

onnx::GraphProto& GraphEditor::graph() { return *model_.mutable_graph(); }

std::string GraphEditor::unique_name(const std::string& base) {
  std::string name = base;
  for (int i = 1; names_.count(name); ++i) name = base + "_" + std::to_string(i);
  names_.insert(name);
  return name;
}

std::string GraphEditor::add_initializer(const std::string& base, const Tensor& tensor) {
  onnx::TensorProto* proto = graph().add_initializer();
  proto->set_name(unique_name(base));
  tensor_to_proto(tensor, *proto);
  return proto->name();
}

Tensor GraphEditor::initializer(const std::string& name) const {
  for (const auto& init : model_.graph().initializer()) {
    if (init.name() == name) return tensor_from_proto(init, base_dir_, "initializer '" + name + "'");
  }
  fail_internal("no initializer named '", name, "'");
}

onnx::NodeProto GraphEditor::make_node(const std::string& op_type, const std::vector<std::string>& inputs,
                                       const std::vector<std::string>& outputs, const std::string& base) {
  onnx::NodeProto node;
  node.set_op_type(op_type);
  node.set_name(unique_name(base));
  for (const std::string& input : inputs) node.add_input(input);
  for (const std::string& output : outputs) node.add_output(output);
  return node;
}

void GraphEditor::drop_unread_initializers(const std::set<std::string>& names) {
  std::set<std::string> read;
  const onnx::GraphProto& g = model_.graph();
  for (const auto& node : g.node()) read.insert(node.input().begin(), node.input().end());
  for (const auto& input : g.input()) read.insert(input.name());
  for (const auto& output : g.output()) read.insert(output.name());
  auto* initializers = graph().mutable_initializer();
  for (int i = initializers->size() - 1; i >= 0; --i) {
    const std::string& name = initializers->Get(i).name();
    if (names.count(name) && !read.count(name)) initializers->DeleteSubrange(i, 1);
  }
}

void GraphEditor::require_opset(int64_t version, const std::string& why) const {
  for (const auto& opset : model_.opset_import()) {
    if (opset.domain().empty() || opset.domain() == "ai.onnx") {
      check_input(opset.version() >= version, "the model imports ONNX opset ", opset.version(), "; ", why,
                  " needs opset ", version, " or later");
      return;
    }
  }
}

}  // namespace vigil::quant
