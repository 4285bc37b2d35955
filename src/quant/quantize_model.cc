// SPDX-License-Identifier: Apache-2.0
// Static and dynamic quantization of one model file.
#include "quant/quantize_model.h"

#include <filesystem>

#include "core/file_io.h"
#include "core/log.h"
#include "onnx/checker.h"
#include "onnx/onnx_pb.h"
#include "onnx_io/model_import.h"
#include "quant/calibrator.h"
#include "quant/low_bit_widths.h"
#include "quant/opset_upgrade.h"

namespace vigil::quant {

namespace {

// Scales for the planned activations, in production order so that a pass-through output
// can take its input's parameters.
std::vector<ActivationReport> activation_parameters_for(const QdqPlan& plan,
                                                        const std::map<std::string, TensorStatistics>& statistics,
                                                        const CalibrationSettings& settings) {
  std::vector<ActivationReport> reports;
  std::map<std::string, size_t> index;
  for (const std::string& name : plan.activations) {
    const auto s = statistics.find(name);
    if (s == statistics.end()) continue;  // never a float32 tensor: left alone
    ActivationReport report;
    report.name = name;
    report.min = s->second.min();
    report.max = s->second.max();
    const auto source = plan.same_as.find(name);
    if (source != plan.same_as.end() && index.count(source->second)) {
      const ActivationReport& from = reports[index[source->second]];
      report.range = from.range;
      report.parameters = from.parameters;
      report.same_as = from.name;
    } else {
      // The range is chosen for the tensor's width: mse and entropy clip harder at fewer bits.
      CalibrationSettings tensor_settings = settings;
      tensor_settings.scheme.bits = plan.bits_of(name);
      report.range = choose_range(s->second, tensor_settings);
      report.parameters = activation_parameters(report.range, tensor_settings.scheme);
    }
    report.bits = plan.bits_of(name);
    index[name] = reports.size();
    reports.push_back(report);
  }
  return reports;
}

}  // namespace

void check_quantize_options(const QuantizeOptions& options) {
  check_input(options.calibration.percentile > 0 && options.calibration.percentile <= 100,
              "--percentile: ", options.calibration.percentile, " is not in (0, 100]");
  check_input(options.weight_clip > 0 && options.weight_clip <= 1, "--weight-clip: ", options.weight_clip,
              " is not in (0, 1]");
  check_input(options.dynamic || !options.calibration_data.empty(),
              "--calib: static quantization needs calibration data (an IDX image set, .npy files or 'random')");
  check_input(options.calibration_limit >= 0, "--calib-limit: ", options.calibration_limit, " is negative");
  check_input(!options.dynamic || options.format == QuantFormat::Qdq,
              "--format qonnx: dynamic quantization is written with standard operators only");
  const DType type = options.calibration.scheme.type;
  check_input(type == DType::UInt8 || type == DType::Int8, "--activation-type: ", dtype_name(type),
              " is not uint8 or int8");
  const bool low_bits = options.widths.low() || !options.layer_widths.empty();
  check_input(!low_bits || (options.format == QuantFormat::Qonnx && !options.dynamic),
              "--bits: widths below 8 bits are written as QONNX (--format qonnx), by static quantization");
}

QuantizeReport quantize_model_file(const std::string& model_path, const std::string& output_path,
                                   const QuantizeOptions& options) {
  check_quantize_options(options);
  std::shared_ptr<Model> model = load_model(model_path);  // checks the file as every command does
  onnx::ModelProto proto;
  check_input(parse_protobuf(read_file(model_path, kMaxProtobufBytes), proto), model_path, ": not an ONNX model");
  const std::string base_dir = std::filesystem::path(model_path).parent_path().string();

  QuantizeReport report;
  report.upgraded_from_opset = upgrade_for_quantization(proto, model_path);
  if (report.upgraded_from_opset != 0) {
    // Calibration runs the graph that is quantized: the upgrade may have added nodes.
    model = load_model_from_bytes(proto.SerializeAsString(), model_path);
  }
  if (options.dynamic) {
    report.dynamic = write_dynamic(proto, options.per_channel, options.weight_clip,
                                   {options.exclude.begin(), options.exclude.end()}, base_dir);
    if (report.dynamic.products == 0) log_warning(model_path, ": no MatMul or Gemm with a float weight to quantize");
  } else {
    QdqPlan plan = plan_qdq(proto.graph(), options.per_channel, options.exclude);
    report.low_bit_layers = plan_low_bit_widths(proto.graph(), plan, options.widths, options.layer_widths);
    check_input(model->graph.inputs.size() == 1, model_path, ": calibration feeds one input, the model has ",
                model->graph.inputs.size());
    const CalibrationData data(options.calibration_data, model->graph.inputs[0], options.calibration_limit);
    report.calibration_samples = data.samples();
    const auto statistics =
        calibrate(model, plan.activations, data, needs_histogram(options.calibration.method), options.threads);
    report.activations = activation_parameters_for(plan, statistics, options.calibration);
    std::map<std::string, ScaleZeroPoint> parameters;
    for (const ActivationReport& a : report.activations) parameters[a.name] = a.parameters;
    report.qdq =
        write_qdq(proto, plan, parameters, options.calibration.scheme, options.weight_clip, base_dir, options.format);
  }
  proto.set_producer_name("vigil quantize");
  try {
    onnx::checker::check_model(proto);
  } catch (const std::exception& e) {
    fail_internal("the quantized model fails the ONNX checker: ", e.what());
  }
  std::string bytes;
  check_input(proto.SerializeToString(&bytes), output_path, ": the quantized model is too large to serialize");
  write_file_atomically(output_path, bytes);
  return report;
}

}  // namespace vigil::quant
