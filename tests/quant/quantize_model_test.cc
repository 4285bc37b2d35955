// SPDX-License-Identifier: Apache-2.0
// End to end: the shipped Fashion-MNIST CNN quantized on 200 training images, read back by
// vigil: the QDQ layout ONNX Runtime's quantizer writes (pair counts, int8 weights, int32
// biases, Relu before its Q, pass-through scales), and outputs whose argmax agrees with the
// float model's on test images; the same for --dynamic and --exclude; low-bit QONNX widths
// (--bits, --layer-bits); bad options.
#include "quant/quantize_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/file_io.h"
#include "io/idx.h"
#include "io/npy.h"
#include "onnx/onnx_pb.h"
#include "onnx_io/model_import.h"
#include "onnx_io/tensor_proto.h"
#include "runtime/session.h"

namespace vigil::quant {
namespace {

const std::string kModel = VIGIL_SOURCE_DIR "/models/fashion_mnist_cnn.onnx";
const std::string kData = "/usr/share/datasets/fashion-mnist";

class QuantizeModel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(kData)) GTEST_SKIP() << "no Fashion-MNIST (dataset-fashion-mnist)";
    folder_ = std::filesystem::temp_directory_path() /
              ("vigil_quantize_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::string output(const std::string& name) const { return (folder_ / name).string(); }

  static QuantizeOptions options() {
    QuantizeOptions o;
    o.calibration_data = kData;
    o.calibration_limit = 200;
    return o;
  }

  // The share of `count` test images on which both models pick the same class.
  static double argmax_agreement(const std::string& a, const std::string& b, int64_t count) {
    const IdxDataset test = read_idx_dataset(kData);
    Tensor images(DType::Float32, {count, 1, 28, 28});
    const uint8_t* pixels = test.images.data<uint8_t>();
    for (int64_t i = 0; i < images.numel(); ++i) images.data<float>()[i] = pixels[i] / 255.0f;
    Session first(load_model(a)), second(load_model(b));
    const Tensor x = first.run({{"image", images}}).at(0), y = second.run({{"image", images}}).at(0);
    int64_t same = 0;
    for (int64_t i = 0; i < count; ++i) {
      const float* p = x.data<float>() + i * 10;
      const float* q = y.data<float>() + i * 10;
      same += std::max_element(p, p + 10) - p == std::max_element(q, q + 10) - q;
    }
    return static_cast<double>(same) / static_cast<double>(count);
  }

  std::filesystem::path folder_;
};

std::map<std::string, int> op_counts(const Graph& graph) {
  std::map<std::string, int> counts;
  for (const Node& node : graph.nodes) ++counts[node.op_type];
  return counts;
}

const Node& node_named(const Graph& graph, const std::string& name) {
  for (const Node& node : graph.nodes) {
    if (node.name == name) return node;
  }
  throw std::runtime_error("no node " + name);
}

// The node that reads `value` (the first) and the node that writes it.
const Node& node_reading(const Graph& graph, const std::string& value) {
  for (const Node& node : graph.nodes) {
    if (std::find(node.inputs.begin(), node.inputs.end(), value) != node.inputs.end()) return node;
  }
  throw std::runtime_error("no node reads " + value);
}
const Node& node_writing(const Graph& graph, const std::string& value) {
  for (const Node& node : graph.nodes) {
    if (std::find(node.outputs.begin(), node.outputs.end(), value) != node.outputs.end()) return node;
  }
  throw std::runtime_error("no node writes " + value);
}

TEST_F(QuantizeModel, StaticQdqLayoutAndAgreement) {
  const std::string out = output("q.onnx");
  const QuantizeReport report = quantize_model_file(kModel, out, options());
  EXPECT_EQ(report.calibration_samples, 200);
  // Conv x3, Relu x4, MaxPool x2, Flatten, Gemm x2.
  EXPECT_EQ(report.qdq.quantized_nodes, 12);
  // The Conv input, the four Relu outputs, both MaxPool outputs and the Flatten output;
  // not the Conv/Gemm outputs read by a Relu, not the logits.
  EXPECT_EQ(report.qdq.activations, 8);
  EXPECT_EQ(report.qdq.weights, 5);
  EXPECT_EQ(report.qdq.biases, 5);

  const auto model = load_model(out);
  const Graph& graph = model->graph;
  std::map<std::string, int> counts = op_counts(graph);
  EXPECT_EQ(counts["QuantizeLinear"], 8);
  EXPECT_EQ(counts["DequantizeLinear"], 18);
  EXPECT_EQ(counts["Conv"], 3);
  EXPECT_EQ(counts["Relu"], 4);
  int int8_weights = 0, int32_biases = 0, float_weights = 0;
  for (const auto& [name, tensor] : graph.initializers) {
    int8_weights += tensor.dtype() == DType::Int8 && tensor.rank() >= 2;
    int32_biases += tensor.dtype() == DType::Int32 && tensor.rank() == 1 && tensor.numel() > 1 &&
                    name.find("_quantized") != std::string::npos;
    float_weights += tensor.dtype() == DType::Float32 && tensor.rank() >= 2;
  }
  EXPECT_EQ(int8_weights, 5);
  EXPECT_EQ(int32_biases, 5);
  EXPECT_EQ(float_weights, 0);  // the float originals are gone
  // Conv -> Relu -> Q: the Relu reads the Conv's float output.
  EXPECT_EQ(node_named(graph, "/features/features.2/Relu").inputs[0], "/features/features.0/Conv_output_0");
  EXPECT_EQ(node_named(graph, "/features/features.3/Conv").inputs[0],
            "/features/features.2/Relu_output_0_DequantizeLinear_Output");
  // The graph keeps its float input and output.
  EXPECT_EQ(graph.inputs.at(0).name, "image");
  EXPECT_EQ(graph.outputs.at(0).name, "logits");
  EXPECT_EQ(graph.outputs.at(0).dtype, DType::Float32);

  // MaxPool and Flatten pass the scale of their input through.
  std::map<std::string, ActivationReport> by_name;
  for (const ActivationReport& a : report.activations) by_name[a.name] = a;
  const ActivationReport& pooled = by_name.at("/features/features.6/MaxPool_output_0");
  EXPECT_EQ(pooled.same_as, "/features/features.5/Relu_output_0");
  EXPECT_EQ(pooled.parameters.scale, by_name.at("/features/features.5/Relu_output_0").parameters.scale);
  // Relu outputs are non-negative: uint8 zero point 0, scale max / 255.
  const ActivationReport& relu = by_name.at("/features/features.2/Relu_output_0");
  EXPECT_EQ(relu.parameters.zero_point, 0);
  EXPECT_FLOAT_EQ(relu.parameters.scale, relu.max / 255);

  EXPECT_GE(argmax_agreement(kModel, out, 300), 0.98);
}

TEST_F(QuantizeModel, PerTensorSymmetricInt8) {
  QuantizeOptions o = options();
  o.calibration.scheme = {DType::Int8, true};
  o.per_channel = false;
  const std::string out = output("q.onnx");
  const QuantizeReport report = quantize_model_file(kModel, out, o);
  for (const ActivationReport& a : report.activations) {
    EXPECT_EQ(a.parameters.zero_point, 0) << a.name;
    EXPECT_EQ(a.range.lo, -a.range.hi) << a.name;
  }
  const auto model = load_model(out);
  for (const auto& [name, tensor] : model->graph.initializers) {
    if (name.find("_scale") != std::string::npos) {
      EXPECT_EQ(tensor.numel(), 1) << name;
    }
  }
  EXPECT_GE(argmax_agreement(kModel, out, 300), 0.97);
}

TEST_F(QuantizeModel, ExcludedNodeStaysFloat) {
  QuantizeOptions o = options();
  o.exclude = {"/classifier/classifier.4/Gemm"};
  const std::string out = output("q.onnx");
  const QuantizeReport report = quantize_model_file(kModel, out, o);
  EXPECT_EQ(report.qdq.weights, 4);
  const auto model = load_model(out);
  const Node& gemm = node_named(model->graph, "/classifier/classifier.4/Gemm");
  EXPECT_EQ(gemm.inputs, (std::vector<std::string>{"/classifier/classifier.3/Relu_output_0", "classifier.4.weight",
                                                   "classifier.4.bias"}));
  EXPECT_EQ(model->graph.initializers.at("classifier.4.weight").dtype(), DType::Float32);
}

TEST_F(QuantizeModel, DynamicRewritesTheProducts) {
  QuantizeOptions o;
  o.dynamic = true;
  const std::string out = output("d.onnx");
  const QuantizeReport report = quantize_model_file(kModel, out, o);
  EXPECT_EQ(report.dynamic.products, 5);
  const auto model = load_model(out);
  std::map<std::string, int> counts = op_counts(model->graph);
  EXPECT_EQ(counts["DynamicQuantizeLinear"], 5);
  EXPECT_EQ(counts["MatMulInteger"], 2);
  EXPECT_EQ(counts["ConvInteger"], 3);
  EXPECT_EQ(counts["Gemm"], 0);
  EXPECT_EQ(counts["Conv"], 0);
  // Each ConvInteger keeps its Conv's attributes and one zero point (ONNX Runtime's
  // ConvInteger takes no other); its per-filter scales multiply the output's channels.
  for (const Node& node : model->graph.nodes) {
    if (node.op_type != "ConvInteger") continue;
    EXPECT_FALSE(node.attributes.get_ints("kernel_shape").empty()) << node.name;
    const Tensor& w = model->graph.initializers.at(node.inputs[1]);
    EXPECT_EQ(model->graph.initializers.at(node.inputs[3]).numel(), 1) << node.name;
    const Node& cast = node_reading(model->graph, node.outputs[0]);
    const Node& output_mul = node_reading(model->graph, cast.outputs[0]);
    const std::string scale_product =
        output_mul.inputs[0] == cast.outputs[0] ? output_mul.inputs[1] : output_mul.inputs[0];
    const Node& scales = node_writing(model->graph, scale_product);
    EXPECT_EQ(model->graph.initializers.at(scales.inputs[1]).shape(), (Shape{w.dim(0), 1, 1})) << node.name;
  }
  EXPECT_GE(argmax_agreement(kModel, out, 300), 0.98);
}

TEST_F(QuantizeModel, BadInputNamesTheFlagAndWritesNothing) {
  const std::string out = output("bad.onnx");
  const auto fails_naming = [&](QuantizeOptions o, const std::string& needle) {
    try {
      quantize_model_file(kModel, out, o);
      ADD_FAILURE() << "no error for " << needle;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::BadInput);
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(out));
  };
  QuantizeOptions o = options();
  o.exclude = {"no_such_node"};
  fails_naming(o, "--exclude");
  o = options();
  o.calibration.percentile = 100.5;
  fails_naming(o, "--percentile");
  o = options();
  o.weight_clip = 0;
  fails_naming(o, "--weight-clip");
  o = options();
  o.calibration_data = output("missing");
  fails_naming(o, "--calib");
  o = options();
  o.calibration_data = "";
  fails_naming(o, "--calib");
  o = options();
  o.calibration_data = kModel;  // not an IDX file
  fails_naming(o, "--calib");
  // Samples of the wrong shape for the model's [N, 1, 28, 28] input.
  o = options();
  o.calibration_data = output("x.npy");
  write_npy_file(Tensor(DType::Float32, {2, 1, 32, 32}), o.calibration_data);
  fails_naming(o, "does not fit model input 'image'");
}

// The Quant (or BipolarQuant) node of a tensor in a written QONNX model, and its bit width.
int written_bits(const std::string& path, const std::string& tensor) {
  onnx::ModelProto proto;
  EXPECT_TRUE(parse_protobuf(read_file(path, kMaxProtobufBytes), proto));
  std::map<std::string, float> scalars;
  for (const auto& init : proto.graph().initializer()) {
    const Tensor t = tensor_from_proto(init, "", init.name());
    if (t.numel() == 1 && t.dtype() == DType::Float32) scalars[init.name()] = t.data<float>()[0];
  }
  for (const auto& node : proto.graph().node()) {
    if (node.input_size() == 0 || node.input(0) != tensor) continue;
    if (node.op_type() == "BipolarQuant") return 1;
    if (node.op_type() == "Quant") return static_cast<int>(scalars.at(node.input(3)));
  }
  return 0;
}

TEST_F(QuantizeModel, LowBitWidthsSpareTheFirstAndLastProducts) {
  const std::string out = output("w4a4.onnx");
  QuantizeOptions o = options();
  o.format = QuantFormat::Qonnx;
  o.calibration.method = CalibrationMethod::Mse;
  o.widths = parse_layer_widths("4/4", "--bits");
  const QuantizeReport report = quantize_model_file(kModel, out, o);
  // conv0 and the classifier's last Gemm stay at 8 bits; conv3, conv7 and the first Gemm take 4/4.
  EXPECT_EQ(report.low_bit_layers.size(), 3u);
  EXPECT_TRUE(report.low_bit_layers.count("/features/features.7/Conv"));
  EXPECT_EQ(written_bits(out, "onnx::Conv_43"), 8);  // conv0's weight
  EXPECT_EQ(written_bits(out, "onnx::Conv_46"), 4);  // conv3's
  EXPECT_EQ(written_bits(out, "classifier.4.weight"), 8);
  for (const ActivationReport& a : report.activations) {
    // The normalized image and the last Gemm's input keep 8 bits; the pools and the Flatten between
    // a 4-bit Quant and its product have their input's 4 bits and scale.
    const bool edge = a.name == "/Div_output_0" || a.name.find("classifier.3") != std::string::npos;
    EXPECT_EQ(a.bits, edge ? 8 : 4) << a.name;
  }
  // Exact 4-bit grids, and close to the 8-bit model (the minmax 8-bit model agrees on 99%).
  EXPECT_GE(argmax_agreement(kModel, out, 500), 0.95);

  // Binary weights: BipolarQuant; one layer overridden back to 8 bits.
  const std::string binary = output("w1a2.onnx");
  o.widths = parse_layer_widths("1/2", "--bits");
  o.layer_widths["/classifier/classifier.2/Gemm"] = parse_layer_widths("8/8", "--layer-bits");
  const QuantizeReport binary_report = quantize_model_file(kModel, binary, o);
  EXPECT_EQ(binary_report.low_bit_layers.size(), 2u);
  EXPECT_EQ(written_bits(binary, "onnx::Conv_46"), 1);
  EXPECT_EQ(written_bits(binary, "classifier.2.weight"), 8);
  Session session(load_model(binary));
  EXPECT_EQ(session.run({{"image", Tensor(DType::Float32, {1, 1, 28, 28})}}).at(0).shape(), (Shape{1, 10}));
}

TEST_F(QuantizeModel, LowBitWidthsNeedQonnxAndKnownLayers) {
  const std::string out = output("bad.onnx");
  const auto fails_naming = [&](const QuantizeOptions& o, const std::string& needle) {
    try {
      quantize_model_file(kModel, out, o);
      ADD_FAILURE() << "no error for " << needle;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(out));
  };
  QuantizeOptions o = options();
  o.widths = parse_layer_widths("2/2", "--bits");
  fails_naming(o, "--format qonnx");  // QDQ cannot hold 2-bit values
  o.format = QuantFormat::Qonnx;
  o.layer_widths["no_such_node"] = LayerWidths{2, 2};
  fails_naming(o, "--layer-bits: 'no_such_node'");
  for (const char* text : {"9/4", "4", "0/2", "4/44", "a/b"}) {
    try {
      parse_layer_widths(text, "--bits");
      ADD_FAILURE() << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("--bits: '"), std::string::npos) << e.what();
    }
  }
}

TEST_F(QuantizeModel, CalibratesOnNpyBatches) {
  std::filesystem::create_directories(output("batches"));
  Tensor batch(DType::Float32, {4, 1, 28, 28});
  for (int64_t i = 0; i < batch.numel(); ++i) batch.data<float>()[i] = static_cast<float>(i % 97) / 96;
  write_npy_file(batch, output("batches/a.npy"));
  write_npy_file(batch, output("batches/b.npy"));
  QuantizeOptions o = options();
  o.calibration_data = output("batches");
  o.calibration_limit = 6;
  const QuantizeReport report = quantize_model_file(kModel, output("q.onnx"), o);
  EXPECT_EQ(report.calibration_samples, 6);
  // The first activation is the normalised input: (x - mean) / std over x in [0, 1].
  EXPECT_EQ(report.activations.at(0).name, "/Div_output_0");
  EXPECT_LT(report.activations.at(0).min, 0.0f);
}

}  // namespace
}  // namespace vigil::quant
