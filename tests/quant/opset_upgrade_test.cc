// SPDX-License-Identifier: Apache-2.0
// The opset upgrade before quantization (quant/opset_upgrade.h) on an opset-9 model whose
// Softmax runs over a 4-D tensor with no shape recorded for its input (opset 9 flattens it
// to 2-D around the axis; opset 13 does not, so the converter must know the rank): the
// model comes out at opset 13, passes the checker and computes what it computed before;
// a model at opset 13 is left alone; `quantize_model_file` upgrades, says so in its
// report, and writes a model that runs.
#include "quant/opset_upgrade.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "core/file_io.h"
#include "onnx/onnx_pb.h"
#include "onnx_io/model_import.h"
#include "onnx_io/tensor_proto.h"
#include "quant/quantize_model.h"
#include "runtime/session.h"

namespace vigil::quant {
namespace {

// x [1, 4, 3, 3] -> Conv 1x1 (4 -> 4) -> Relu -> Softmax(axis 1) -> y [1, 4, 3, 3], opset 9.
onnx::ModelProto opset9_model() {
  onnx::ModelProto model;
  model.set_ir_version(4);
  model.add_opset_import()->set_version(9);
  onnx::GraphProto& graph = *model.mutable_graph();
  graph.set_name("opset9");
  for (auto* values : {graph.mutable_input(), graph.mutable_output()}) {
    onnx::ValueInfoProto* value = values->Add();
    value->set_name(values == graph.mutable_input() ? "x" : "y");
    auto* tensor = value->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : {1, 4, 3, 3}) tensor->mutable_shape()->add_dim()->set_dim_value(d);
  }
  std::vector<float> weights(16);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<float>((i * 7) % 11) / 5.0f - 1.0f;
  onnx::TensorProto* w = graph.add_initializer();
  w->set_name("W");
  tensor_to_proto(Tensor::from_vector<float>({4, 4, 1, 1}, weights), *w);
  auto add_node = [&](const std::string& op, std::vector<std::string> inputs, const std::string& output) {
    onnx::NodeProto* node = graph.add_node();
    node->set_op_type(op);
    node->set_name(op);
    for (const std::string& input : inputs) node->add_input(input);
    node->add_output(output);
    return node;
  };
  add_node("Conv", {"x", "W"}, "c");
  add_node("Relu", {"c"}, "r");
  onnx::AttributeProto* axis = add_node("Softmax", {"r"}, "y")->add_attribute();
  axis->set_name("axis");
  axis->set_type(onnx::AttributeProto::INT);
  axis->set_i(1);
  return model;
}

std::vector<float> run(const onnx::ModelProto& model, const Tensor& x) {
  Session session(load_model_from_bytes(model.SerializeAsString(), "model.onnx"));
  const Tensor y = session.run({{"x", x}}).at(0);
  return std::vector<float>(y.data<float>(), y.data<float>() + y.numel());
}

int64_t default_opset(const onnx::ModelProto& model) {
  for (const auto& opset : model.opset_import()) {
    if (opset.domain().empty()) return opset.version();
  }
  return 0;
}

TEST(OpsetUpgrade, AnOpset9ModelComesOutAtOpset13ComputingTheSame) {
  const onnx::ModelProto original = opset9_model();
  onnx::ModelProto upgraded = original;
  EXPECT_EQ(upgrade_for_quantization(upgraded, "model.onnx"), 9);
  EXPECT_EQ(default_opset(upgraded), kQuantizedOpset);
  Tensor x(DType::Float32, {1, 4, 3, 3});
  std::mt19937 generator(5);
  std::uniform_real_distribution<float> value(-2.0f, 2.0f);
  for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = value(generator);
  const std::vector<float> before = run(original, x), after = run(upgraded, x);
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) EXPECT_NEAR(before[i], after[i], 1e-6f) << i;
  // Softmax over the flattened [1, 36]: one distribution over all 36 values, not 9 of 4.
  double total = 0;
  for (float v : after) total += v;
  EXPECT_NEAR(total, 1.0, 1e-5);
}

TEST(OpsetUpgrade, AModelAtOpset13IsLeftAlone) {
  onnx::ModelProto model = opset9_model();
  model.mutable_opset_import(0)->set_version(13);
  const std::string before = model.SerializeAsString();
  EXPECT_EQ(upgrade_for_quantization(model, "model.onnx"), 0);
  EXPECT_EQ(model.SerializeAsString(), before);
}

TEST(OpsetUpgrade, QuantizeUpgradesSaysSoAndWritesAModelThatRuns) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("vigil_opset_upgrade_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string in = (dir / "opset9.onnx").string(), out = (dir / "q.onnx").string();
  write_file_atomically(in, opset9_model().SerializeAsString());
  QuantizeOptions options;
  options.calibration_data = "random";
  const QuantizeReport report = quantize_model_file(in, out, options);
  EXPECT_EQ(report.upgraded_from_opset, 9);
  EXPECT_GE(report.qdq.quantized_nodes, 1);
  Session session(load_model(out));
  const Tensor y = session.run({{"x", Tensor(DType::Float32, {1, 4, 3, 3})}}).at(0);
  EXPECT_EQ(y.numel(), 36);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil::quant
