// SPDX-License-Identifier: Apache-2.0
// ModelProto -> Model.
#include "onnx_io/model_import.h"

#include <google/protobuf/io/coded_stream.h>

#include <filesystem>

#include "core/file_io.h"
#include "core/log.h"
#include "onnx/checker.h"
#include "onnx/onnx_pb.h"
#include "onnx_io/isolated_shape_inference.h"
#include "onnx_io/tensor_proto.h"

namespace vigil {

namespace {

// The newest ONNX opset the onnx library we build with (1.12) defines.
constexpr int64_t kMaxOnnxOpset = 17;

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// Fills the element type and shape of `info` from a tensor type.
void read_tensor_type(const onnx::TypeProto::Tensor& tensor_type, ValueInfo& info) {
  info.dtype = static_cast<DType>(tensor_type.elem_type());
  if (!tensor_type.has_shape()) return;
  info.has_shape = true;
  for (const auto& dim : tensor_type.shape().dim()) {
    Dim d;
    if (dim.has_dim_value()) d.value = dim.dim_value();
    if (dim.has_dim_param()) d.symbol = dim.dim_param();
    info.dims.push_back(d);
  }
}

// Tensors, sequences of tensors and optionals of either; anything else is TypeKind::Other.
// A value without a type stays a tensor of unknown element type.
void read_type(const onnx::TypeProto& type, ValueInfo& info, bool inside_optional) {
  if (type.has_tensor_type()) {
    read_tensor_type(type.tensor_type(), info);
  } else if (type.has_sequence_type() && type.sequence_type().elem_type().has_tensor_type()) {
    info.kind = TypeKind::Sequence;
    read_tensor_type(type.sequence_type().elem_type().tensor_type(), info);
  } else if (type.has_optional_type() && !inside_optional) {
    info.optional = true;
    read_type(type.optional_type().elem_type(), info, true);
  } else if (type.value_case() != onnx::TypeProto::VALUE_NOT_SET) {
    info.kind = TypeKind::Other;
  }
}

ValueInfo convert_value_info(const onnx::ValueInfoProto& proto) {
  ValueInfo info;
  info.name = proto.name();
  read_type(proto.type(), info, false);
  return info;
}

struct Converter {
  std::string base_dir;

  std::shared_ptr<Graph> convert_graph(const onnx::GraphProto& proto) {
    auto graph = std::make_shared<Graph>();
    graph->name = proto.name();
    for (const auto& initializer : proto.initializer()) {
      graph->initializers[initializer.name()] =
          tensor_from_proto(initializer, base_dir, "initializer '" + initializer.name() + "'");
    }
    for (const auto& input : proto.input()) {
      if (graph->initializers.count(input.name())) {
        graph->overridable_initializers.insert(input.name());
      } else {
        graph->inputs.push_back(convert_value_info(input));
      }
    }
    for (const auto& output : proto.output()) graph->outputs.push_back(convert_value_info(output));
    for (const auto& info : proto.value_info()) graph->value_infos.push_back(convert_value_info(info));
    for (const auto& node_proto : proto.node()) graph->nodes.push_back(convert_node(node_proto));
    return graph;
  }

  Node convert_node(const onnx::NodeProto& proto) {
    Node node;
    node.name = proto.name();
    node.op_type = proto.op_type();
    node.domain = proto.domain() == "ai.onnx" ? "" : proto.domain();
    node.inputs.assign(proto.input().begin(), proto.input().end());
    node.outputs.assign(proto.output().begin(), proto.output().end());
    node.attributes.set_owner(node.describe());
    for (const auto& attribute : proto.attribute()) {
      node.attributes.set(attribute.name(), convert_attribute(attribute, node));
    }
    return node;
  }

  Attribute convert_attribute(const onnx::AttributeProto& proto, const Node& node) {
    const std::string what = node.describe() + " attribute '" + proto.name() + "'";
    check_input(proto.ref_attr_name().empty(), what, ": attribute references (functions) are not supported");
    Attribute a;
    switch (proto.type()) {
      case onnx::AttributeProto::FLOAT:
        a.type = AttributeType::Float;
        a.f = proto.f();
        break;
      case onnx::AttributeProto::INT:
        a.type = AttributeType::Int;
        a.i = proto.i();
        break;
      case onnx::AttributeProto::STRING:
        a.type = AttributeType::String;
        a.s = proto.s();
        break;
      case onnx::AttributeProto::TENSOR:
        a.type = AttributeType::Tensor;
        a.t = tensor_from_proto(proto.t(), base_dir, what);
        break;
      case onnx::AttributeProto::GRAPH:
        a.type = AttributeType::Graph;
        a.g = convert_graph(proto.g());
        break;
      case onnx::AttributeProto::FLOATS:
        a.type = AttributeType::Floats;
        a.floats.assign(proto.floats().begin(), proto.floats().end());
        break;
      case onnx::AttributeProto::INTS:
        a.type = AttributeType::Ints;
        a.ints.assign(proto.ints().begin(), proto.ints().end());
        break;
      case onnx::AttributeProto::STRINGS:
        a.type = AttributeType::Strings;
        a.strings.assign(proto.strings().begin(), proto.strings().end());
        break;
      case onnx::AttributeProto::TENSORS:
        a.type = AttributeType::Tensors;
        for (const auto& t : proto.tensors()) a.tensors.push_back(tensor_from_proto(t, base_dir, what));
        break;
      case onnx::AttributeProto::GRAPHS:
        a.type = AttributeType::Graphs;
        for (const auto& g : proto.graphs()) a.graphs.push_back(convert_graph(g));
        break;
      case onnx::AttributeProto::TYPE_PROTO: {
        // Only the Optional operator uses a type attribute; it becomes a ValueInfo.
        a.type = AttributeType::Type;
        auto info = std::make_shared<ValueInfo>();
        read_type(proto.tp(), *info, false);
        a.type_info = std::move(info);
        break;
      }
      default: fail_unsupported(what, ": attribute kind ", static_cast<int>(proto.type()), " is not supported");
    }
    return a;
  }
};

// Enough for 300 nested subgraphs, little enough that vigil's recursive loading of them
// stays far from the end of the stack.
constexpr int kMaxProtobufNesting = 1000;

bool has_external_data(const onnx::GraphProto& graph) {
  for (const auto& tensor : graph.initializer()) {
    if (tensor.data_location() == onnx::TensorProto::EXTERNAL) return true;
  }
  return false;
}

}  // namespace

bool parse_protobuf(const std::string& bytes, google::protobuf::MessageLite& message) {
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(bytes.data()),
                                               static_cast<int>(bytes.size()));
  input.SetRecursionLimit(kMaxProtobufNesting);
  return message.ParseFromCodedStream(&input) && input.ConsumedEntireMessage();
}

std::shared_ptr<Model> load_model_from_bytes(const std::string& bytes, const std::string& path) {
  onnx::ModelProto proto;
  check_input(!bytes.empty(), path, ": the file is empty, not an ONNX model");
  check_input(parse_protobuf(bytes, proto), path, ": not an ONNX model (the protobuf message cannot be parsed)");
  check_input(proto.has_graph(), path, ": not an ONNX model (it has no graph)");
  for (const auto& opset : proto.opset_import()) {
    const bool default_domain = opset.domain().empty() || opset.domain() == "ai.onnx";
    check_input(!default_domain || opset.version() <= kMaxOnnxOpset, path, ": the model imports ONNX opset ",
                opset.version(), "; vigil knows opsets 1 to ", kMaxOnnxOpset);
  }
  try {
    // The checker finds external data relative to the model's folder only when it reads
    // the file itself; such a file is small, its weights lie beside it.
    if (has_external_data(proto.graph()) && std::filesystem::is_regular_file(path)) {
      onnx::checker::check_model(path);
    } else {
      onnx::checker::check_model(proto);
    }
  } catch (const std::exception& e) {
    fail_bad_input(path, ": the ONNX checker rejects the model: ", one_line(e.what()));
  }
  const std::string inference_failure = infer_shapes_isolated(proto);
  if (!inference_failure.empty()) {
    log_warning(path,
                ": ONNX shape inference failed, shapes will be known only at run time: ", one_line(inference_failure));
  }
  auto model = std::make_shared<Model>();
  model->path = path;
  model->ir_version = proto.ir_version();
  model->producer = proto.producer_name();
  for (const auto& opset : proto.opset_import()) {
    model->opsets[opset.domain() == "ai.onnx" ? "" : opset.domain()] = opset.version();
  }
  try {
    Converter converter{std::filesystem::path(path).parent_path().string()};
    model->graph = std::move(*converter.convert_graph(proto.graph()));
    model->graph.validate_and_sort();
  } catch (const Error& e) {
    throw Error(e.kind(), path + ": " + e.what());
  }
  return model;
}

std::shared_ptr<Model> load_model(const std::string& path) {
  return load_model_from_bytes(read_file(path, kMaxProtobufBytes), path);
}

}  // namespace vigil
