// SPDX-License-Identifier: Apache-2.0
// The reference-kernel warning: a step without a planned kernel that holds more than 1% of
// the model's MACs is named, lighter or planned steps are not; and on the shipped model in
// fp32 and quantized statically (QDQ with uint8 and int8 activations) and dynamically,
// every layer with MACs runs on a planned kernel, so nothing is reported.
#include "runtime/reference_kernel_warning.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include "onnx_io/model_import.h"
#include "quant/quantize_model.h"
#include "runtime/session.h"

namespace vigil {
namespace {

StepCost step(const std::string& name, int64_t macs, const std::string& algorithm) {
  StepCost cost;
  cost.name = name;
  cost.op_type = "Conv";
  cost.algorithm = algorithm;
  cost.cost.macs = macs;
  return cost;
}

TEST(ReferenceKernelWarning, NamesHeavyStepsWithoutAPlannedKernel) {
  const std::vector<StepCost> costs = {step("planned", 9000, "implicit_gemm"), step("heavy", 900, ""),
                                       step("light", 90, ""), step("none", 0, "")};
  const std::vector<std::string> lines = reference_kernel_warnings(costs);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("node 'heavy' (Conv, 9% of the model's multiply-accumulates)"), std::string::npos)
      << lines[0];
  EXPECT_TRUE(reference_kernel_warnings({}).empty());
  EXPECT_TRUE(reference_kernel_warnings({step("no macs", 0, "")}).empty());
}

std::vector<std::string> warnings_for(const std::string& path) {
  const std::shared_ptr<Model> model = load_model(path);
  Session session(model, {2});
  std::map<std::string, Tensor> feeds;
  Tensor image(DType::Float32, {1, 1, 28, 28});
  for (int64_t i = 0; i < image.numel(); ++i) image.data<float>()[i] = static_cast<float>(i % 17) / 17.0f;
  feeds.emplace(session.graph().inputs[0].name, image);
  return reference_kernel_warnings(measure_step_costs(session, feeds));
}

TEST(ReferenceKernelWarning, EveryFormatOfTheShippedModelRunsOnPlannedKernels) {
  const std::string model = VIGIL_SOURCE_DIR "/models/fashion_mnist_cnn.onnx";
  const std::string data = "/usr/share/datasets/fashion-mnist";
  EXPECT_EQ(warnings_for(model), std::vector<std::string>{});
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("vigil_reference_warning_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  quant::QuantizeOptions dynamic;
  dynamic.dynamic = true;
  quant::quantize_model_file(model, (dir / "dynamic.onnx").string(), dynamic);
  EXPECT_EQ(warnings_for((dir / "dynamic.onnx").string()), std::vector<std::string>{});
  if (std::filesystem::is_directory(data)) {
    for (const bool signed_activations : {false, true}) {
      quant::QuantizeOptions qdq;
      qdq.calibration_data = data;
      qdq.calibration_limit = 64;
      if (signed_activations) qdq.calibration.scheme.type = DType::Int8;
      const std::string out = (dir / (signed_activations ? "s8.onnx" : "u8.onnx")).string();
      quant::quantize_model_file(model, out, qdq);
      EXPECT_EQ(warnings_for(out), std::vector<std::string>{}) << out;
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vigil
