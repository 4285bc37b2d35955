// SPDX-License-Identifier: Apache-2.0
// ONNX import: tensors in typed, raw and external form, attributes of every kind,
// symbolic dimensions, and the errors for files that are not models.
#include "onnx_io/model_import.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "onnx/onnx_pb.h"
#include "onnx_io/tensor_proto.h"

namespace vigil {

namespace {

onnx::ModelProto relu_model(int64_t opset = 13) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(opset);
  auto* graph = model.mutable_graph();
  graph->set_name("g");
  auto* node = graph->add_node();
  node->set_op_type("Relu");
  node->set_name("relu");
  // std::string arguments: GCC 12 warns falsely (-Wrestrict) on the const char* overloads.
  node->add_input(std::string("x"));
  node->add_output(std::string("y"));
  for (const char* name : {"x", "y"}) {
    auto* value = name[0] == 'x' ? graph->add_input() : graph->add_output();
    value->set_name(name);
    auto* type = value->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto::FLOAT);
    type->mutable_shape()->add_dim()->set_dim_param("batch");
    type->mutable_shape()->add_dim()->set_dim_value(4);
  }
  return model;
}

std::string error_of(const std::string& bytes) {
  try {
    load_model_from_bytes(bytes, "m.onnx");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(TensorProto, TypedRawAndExternal) {
  onnx::TensorProto typed;
  typed.set_data_type(onnx::TensorProto::INT64);
  typed.add_dims(2);
  typed.add_int64_data(-3);
  typed.add_int64_data(9);
  Tensor t = tensor_from_proto(typed, "", "t");
  EXPECT_EQ(t.to_int64_vector(), (std::vector<int64_t>{-3, 9}));

  onnx::TensorProto raw;
  tensor_to_proto(Tensor::from_vector<float>({3}, {1.5f, -2, 4}), raw);
  EXPECT_EQ(tensor_from_proto(raw, "", "r").to_double_vector(), (std::vector<double>{1.5, -2, 4}));

  const auto dir = std::filesystem::temp_directory_path() / "vigil_external_test";
  std::filesystem::create_directories(dir);
  const float values[4] = {0, 1, 2, 3};
  std::ofstream(dir / "w.bin", std::ios::binary).write(reinterpret_cast<const char*>(values), sizeof values);
  onnx::TensorProto external;
  external.set_data_type(onnx::TensorProto::FLOAT);
  external.add_dims(2);
  external.set_data_location(onnx::TensorProto::EXTERNAL);
  auto* location = external.add_external_data();
  location->set_key("location");
  location->set_value("w.bin");
  auto* offset = external.add_external_data();
  offset->set_key("offset");
  offset->set_value("8");
  EXPECT_EQ(tensor_from_proto(external, dir.string(), "e").to_double_vector(), (std::vector<double>{2, 3}));
  location->set_value("../escape.bin");
  EXPECT_THROW(tensor_from_proto(external, dir.string(), "e"), Error);
  std::filesystem::remove_all(dir);
}

TEST(TensorProto, WrongCountIsBadInput) {
  onnx::TensorProto proto;
  proto.set_data_type(onnx::TensorProto::FLOAT);
  proto.add_dims(3);
  proto.add_float_data(1);
  EXPECT_THROW(tensor_from_proto(proto, "", "t"), Error);
}

TEST(ModelImport, LoadsNodesAttributesAndSymbolicDims) {
  onnx::ModelProto proto = relu_model();
  auto* attribute = proto.mutable_graph()->mutable_node(0)->add_attribute();
  attribute->set_name("note");
  attribute->set_type(onnx::AttributeProto::FLOATS);
  attribute->add_floats(0.5f);
  // Unknown attributes on a known operator fail the checker, so use a custom domain node.
  proto.mutable_graph()->mutable_node(0)->set_domain("com.example");
  proto.add_opset_import()->set_domain("com.example");
  proto.mutable_opset_import(1)->set_version(1);
  auto model = load_model_from_bytes(proto.SerializeAsString(), "m.onnx");
  ASSERT_EQ(model->graph.nodes.size(), 1u);
  EXPECT_EQ(model->graph.nodes[0].domain, "com.example");
  EXPECT_EQ(model->graph.nodes[0].attributes.get_floats("note"), (std::vector<float>{0.5f}));
  EXPECT_EQ(value_info_to_string(model->graph.inputs[0]), "float32[batch, 4]");
  EXPECT_EQ(model->opset_for(""), 13);
}

TEST(ModelImport, ErrorsNameTheFileAndTheProblem) {
  EXPECT_NE(error_of("").find("m.onnx: the file is empty"), std::string::npos);
  EXPECT_NE(error_of("\x08\x01garbage\xff\xff").find("m.onnx: not an ONNX model"), std::string::npos);
  const std::string bytes = relu_model().SerializeAsString();
  EXPECT_NE(error_of(bytes.substr(0, bytes.size() / 2)).find("not an ONNX model"), std::string::npos);
  EXPECT_NE(error_of(relu_model(99).SerializeAsString()).find("opset 99"), std::string::npos);
  onnx::ModelProto unknown = relu_model();
  unknown.mutable_graph()->mutable_node(0)->set_op_type("NoSuchOp");
  EXPECT_NE(error_of(unknown.SerializeAsString()).find("the ONNX checker rejects the model"), std::string::npos);
}

}  // namespace vigil
