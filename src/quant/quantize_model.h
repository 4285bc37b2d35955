// SPDX-License-Identifier: Apache-2.0
// `vigil quantize` without the command line: a float ONNX file in, a quantized ONNX file
// out. Static quantization plans the QDQ rewrite (qdq_plan.h), calibrates the tensors it
// names (calibrator.h), turns their statistics into scales (calibration_methods.h) and
// writes the QDQ model (qdq_writer.h); dynamic quantization rewrites the products
// (dynamic_quantization.h). The result passes the onnx checker and is written atomically.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "quant/calibration_methods.h"
#include "quant/dynamic_quantization.h"
#include "quant/low_bit_widths.h"
#include "quant/qdq_writer.h"

namespace vigil::quant {

struct QuantizeOptions {
  std::string calibration_data;     // see CalibrationData; unused when dynamic
  int64_t calibration_limit = 0;    // 0: every sample
  CalibrationSettings calibration;  // method, percentile, activation type and symmetry
  bool per_channel = true;
  float weight_clip = 1.0f;  // in (0, 1]
  std::vector<std::string> exclude;
  bool dynamic = false;
  QuantFormat format = QuantFormat::Qdq;  // static quantization only
  // Low-bit widths (QONNX only; quant/low_bit_widths.h): of every product but the first
  // and the last, and of the products named.
  LayerWidths widths;
  std::map<std::string, LayerWidths> layer_widths;
  int threads = 1;
};

// What calibration decided for one activation.
struct ActivationReport {
  std::string name;
  float min = 0, max = 0;  // observed
  Range range;             // chosen
  ScaleZeroPoint parameters;
  std::string same_as;  // a pass-through output: the tensor whose parameters it takes
  int bits = 8;         // below 8: unsigned 0 .. 2^bits - 1
};

struct QuantizeReport {
  int64_t upgraded_from_opset = 0;  // the opset of a model upgraded to 13 first (quant/opset_upgrade.h), or 0
  int64_t calibration_samples = 0;
  QdqSummary qdq;
  DynamicSummary dynamic;
  std::vector<ActivationReport> activations;
  std::map<std::string, LayerWidths> low_bit_layers;  // the products given fewer than 8 bits, by node name
};

// Checks the options (a bad-input Error naming the flag) before any work.
void check_quantize_options(const QuantizeOptions& options);

// Reads `model_path`, quantizes it and writes `output_path`. Bad input (the model, the
// calibration data, the options) is a bad-input Error, and then nothing is written.
QuantizeReport quantize_model_file(const std::string& model_path, const std::string& output_path,
                                   const QuantizeOptions& options);

}  // namespace vigil::quant
