// SPDX-License-Identifier: Apache-2.0
// The shipped Fashion-MNIST CNN and its int8 form, for tests that run real models: the
// int8 model is quantized (QDQ, static) on 100 training images into a temporary file and
// loaded back.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

#include "onnx_io/model_import.h"
#include "quant/quantize_model.h"

namespace vigil::testing {

inline const std::string kFashionMnistModel = VIGIL_SOURCE_DIR "/models/fashion_mnist_cnn.onnx";
inline const std::string kFashionMnistData = "/usr/share/datasets/fashion-mnist";

inline std::shared_ptr<const Model> fashion_mnist_int8_model() {
  const std::filesystem::path out =
      std::filesystem::temp_directory_path() / ("vigil_fashion_int8_" + std::to_string(getpid()) + ".onnx");
  quant::QuantizeOptions options;
  options.calibration_data = kFashionMnistData;
  options.calibration_limit = 100;
  quant::quantize_model_file(kFashionMnistModel, out.string(), options);
  auto loaded = load_model(out.string());
  std::filesystem::remove(out);
  return loaded;
}

}  // namespace vigil::testing
