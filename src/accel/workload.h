// SPDX-License-Identifier: Apache-2.0
// Where the accelerator model's layers come from: a YAML list of layer shapes, or an
// ONNX model read through onnx/ and graph/ (its Conv, grouped and depthwise included,
// Gemm, MatMul and pooling nodes; other nodes cost nothing on the array and are left
// out). docs/predict.md describes the YAML format.
#pragma once

#include <string>
#include <vector>

#include "accel/problem.h"
#include "graph/graph.h"

namespace vigil::accel {

struct Workload {
  std::string source;  // the file, for reports
  std::vector<Layer> layers;
};

// A .onnx file is read as a model (symbolic dimensions, such as a batch, become `batch`);
// anything else as a YAML layer list. A bad-input Error names the file and the field or
// node at fault.
Workload load_workload(const std::string& path, int64_t batch = 1);
Workload parse_workload_yaml(const std::string& yaml_text, const std::string& path);
Workload workload_from_model(const Model& model, int64_t batch = 1);

}  // namespace vigil::accel
