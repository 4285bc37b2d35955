// SPDX-License-Identifier: Apache-2.0
// `vigil quantize`: post-training quantization of a float ONNX model into a standard QDQ
// (or QONNX) model (static, calibrated) or a dynamically quantized one (--dynamic); the work is
// quant/quantize_model. Prints what calibration chose for each activation.
#include <cstdio>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "quant/opset_upgrade.h"
#include "quant/quantize_model.h"

namespace vigil::cli {

namespace {

struct QuantizeCommandOptions {
  std::string model;
  std::string out;
  std::string method = "minmax";
  std::string activation_type = "uint8";
  bool per_tensor = false;
  std::string format = "qdq";
  std::string bits = "8/8";
  std::vector<std::string> layer_bits;
  std::string json;
  quant::QuantizeOptions quantize;
};

void print_report(const QuantizeCommandOptions& options, const quant::QuantizeReport& report) {
  if (report.upgraded_from_opset != 0) {
    std::printf("%s: upgraded from ONNX opset %lld to %lld before quantizing\n", options.model.c_str(),
                static_cast<long long>(report.upgraded_from_opset), static_cast<long long>(quant::kQuantizedOpset));
  }
  if (options.quantize.dynamic) {
    std::printf("%s -> %s: dynamic quantization of %d MatMul/Gemm/Conv node%s (int8 weights, %s)\n", options.model.c_str(),
                options.out.c_str(), report.dynamic.products, report.dynamic.products == 1 ? "" : "s",
                options.per_tensor ? "per tensor" : "per channel");
    return;
  }
  std::printf("  %-44s %11s %11s %11s %11s %12s %5s %4s\n", "activation", "min", "max", "range lo", "range hi", "scale",
              "zero", "bits");
  for (const quant::ActivationReport& a : report.activations) {
    const std::string name = a.name.size() > 44 ? "..." + a.name.substr(a.name.size() - 41) : a.name;
    std::printf("  %-44s %11.5g %11.5g %11.5g %11.5g %12.6g %5d %4d%s\n", name.c_str(), a.min, a.max, a.range.lo,
                a.range.hi, a.parameters.scale, a.parameters.zero_point, a.bits,
                a.same_as.empty() ? "" : "  (as its input)");
  }
  for (const auto& [name, widths] : report.low_bit_layers) {
    std::printf("  low-bit layer %s: %d-bit weights%s, %d-bit input\n", name.c_str(), widths.weights,
                widths.weights == 1 ? " (BipolarQuant)" : "", widths.activations);
  }
  std::printf(
      "%s -> %s: %d nodes quantized, %d activations (%s), %d int8 weights (%s), %d int32 biases; %s "
      "calibration on %lld samples\n",
      options.model.c_str(), options.out.c_str(), report.qdq.quantized_nodes, report.qdq.activations,
      options.format == "qonnx" ? "QONNX Quant nodes" : "QuantizeLinear/DequantizeLinear pairs", report.qdq.weights,
      options.per_tensor ? "per tensor" : "per channel", report.qdq.biases, options.method.c_str(),
      static_cast<long long>(report.calibration_samples));
}

nlohmann::json report_json(const QuantizeCommandOptions& options, const quant::QuantizeReport& report) {
  const quant::QuantizeOptions& q = options.quantize;
  nlohmann::json json = {{"model", options.model},
                         {"output", options.out},
                         {"mode", q.dynamic ? "dynamic" : "static"},
                         {"per_channel", q.per_channel},
                         {"weight_clip", q.weight_clip},
                         {"exclude", q.exclude},
                         {"upgraded_from_opset", report.upgraded_from_opset}};
  if (q.dynamic) {
    json["products"] = report.dynamic.products;
    return json;
  }
  json["method"] = options.method;
  if (q.calibration.method == quant::CalibrationMethod::Percentile) json["percentile"] = q.calibration.percentile;
  json["format"] = options.format;
  json["activation_type"] = options.activation_type;
  json["symmetric_activations"] = q.calibration.scheme.symmetric;
  json["calibration_samples"] = report.calibration_samples;
  json["quantized_nodes"] = report.qdq.quantized_nodes;
  json["weights"] = report.qdq.weights;
  json["biases"] = report.qdq.biases;
  nlohmann::json activations = nlohmann::json::array();
  for (const quant::ActivationReport& a : report.activations) {
    activations.push_back({{"name", a.name},
                           {"min", a.min},
                           {"max", a.max},
                           {"range", {a.range.lo, a.range.hi}},
                           {"scale", a.parameters.scale},
                           {"zero_point", a.parameters.zero_point},
                           {"same_as", a.same_as},
                           {"bits", a.bits}});
  }
  json["activations"] = activations;
  nlohmann::json low_bit = nlohmann::json::object();
  for (const auto& [name, widths] : report.low_bit_layers) {
    low_bit[name] = {{"weight_bits", widths.weights}, {"activation_bits", widths.activations}};
  }
  json["low_bit_layers"] = low_bit;
  return json;
}

void quantize(QuantizeCommandOptions& options) {
  check_output_folder("--out", options.out);
  check_output_folder("--json", options.json);
  quant::QuantizeOptions& q = options.quantize;
  q.calibration.method = quant::parse_calibration_method(options.method);
  q.calibration.scheme.type = options.activation_type == "int8" ? DType::Int8 : DType::UInt8;
  q.per_channel = !options.per_tensor;
  q.format = options.format == "qonnx" ? quant::QuantFormat::Qonnx : quant::QuantFormat::Qdq;
  q.widths = quant::parse_layer_widths(options.bits, "--bits");
  for (const std::string& item : options.layer_bits) {
    const size_t equals = item.rfind('=');
    check_input(equals != std::string::npos && equals > 0, "--layer-bits: '", item, "' is not NODE=W/A");
    q.layer_widths[item.substr(0, equals)] = quant::parse_layer_widths(item.substr(equals + 1), "--layer-bits");
  }
  const quant::QuantizeReport report = quant::quantize_model_file(options.model, options.out, q);
  print_report(options, report);
  std::fflush(stdout);
  write_json_file(options.json, report_json(options, report));
}

}  // namespace

void add_quantize_command(CLI::App& app) {
  auto options = std::make_shared<QuantizeCommandOptions>();
  CLI::App* command =
      app.add_subcommand("quantize",
                         "Post-training quantization: write a QDQ int8 ONNX model calibrated on sample data, or a "
                         "dynamically quantized one (--dynamic)");
  command->add_option("model", options->model, "float ONNX model")->required();
  command->add_option("--out", options->out, "the quantized ONNX model to write")->required();
  command->add_option("--calib", options->quantize.calibration_data,
                      "calibration data for the first input: an IDX image set (file, or a folder with "
                      "train-images-idx3-ubyte[.gz]), a .npy file or a folder of .npy batches, or 'random' "
                      "(meaningless ranges; for testing only)");
  command->add_option("--calib-limit", options->quantize.calibration_limit,
                      "calibrate on the first N samples only (0: all)");
  command->add_option("--method", options->method, "calibration method: minmax, percentile, mse or entropy")
      ->default_val("minmax");
  command
      ->add_option("--percentile", options->quantize.calibration.percentile,
                   "percentile method: the share of values kept inside the range, in percent")
      ->default_val(99.99)
      ->check(CLI::Range(0.0, 100.0));
  command->add_flag("--per-tensor", options->per_tensor, "one scale per weight tensor instead of per output channel");
  command->add_flag("--symmetric-activations", options->quantize.calibration.scheme.symmetric,
                    "symmetric activation ranges (int8 zero point 0, uint8 zero point 128)");
  command->add_option("--activation-type", options->activation_type, "activation type: uint8 (default) or int8")
      ->check(CLI::IsMember({"uint8", "int8"}))
      ->default_val("uint8");
  command->add_option("--exclude", options->quantize.exclude, "keep this node in float (repeat for several)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command
      ->add_option("--weight-clip", options->quantize.weight_clip,
                   "clip each weight tensor (or channel) to this fraction of its largest |w| before scaling")
      ->default_val(1.0f)
      ->check(CLI::Range(0.0f, 1.0f));
  command->add_flag("--dynamic", options->quantize.dynamic,
                    "dynamic quantization of MatMul/Gemm/Conv weights, activations quantized at run time (no --calib)");
  command
      ->add_option("--format", options->format,
                   "output format: qdq (QuantizeLinear/DequantizeLinear, default) or qonnx (QONNX Quant nodes)")
      ->check(CLI::IsMember({"qdq", "qonnx"}))
      ->default_val("qdq");
  command
      ->add_option("--bits", options->bits,
                   "W/A: weight and activation bits (1-8) of every Conv, Gemm and MatMul but the first and the last "
                   "(8/8); below 8 needs --format qonnx (1-bit weights: BipolarQuant)")
      ->default_val("8/8");
  command
      ->add_option("--layer-bits", options->layer_bits,
                   "NODE=W/A: one Conv, Gemm or MatMul's weight and activation bits (repeat for several)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command->add_option("--threads", options->quantize.threads, "threads for calibration")
      ->default_val(1)
      ->check(CLI::Range(1, 256));
  command->add_option("--json", options->json, "write the chosen ranges and scales as JSON to this file");
  command->callback([options] { quantize(*options); });
}

}  // namespace vigil::cli
