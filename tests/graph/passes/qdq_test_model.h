// SPDX-License-Identifier: Apache-2.0
// The QDQ test model of the integer-operator passes (fuse_qdq_test.cc,
// fuse_q_conv_residual_test.cc): a small ResNet-style block as ONNX Runtime's quantizer
// writes it, Q at the input, DQ before every consumer, int8 per-channel weights and int32
// biases behind DQ, Relu before Q, MaxPool/Flatten between same-parameter DQ and Q, and
// a float Gemm output.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "graph/passes/pass_test_util.h"

namespace vigil::testing {

// A QDQ builder: quantize/dequantize pairs with named parameters.
class QdqBuilder {
 public:
  explicit QdqBuilder(ModelBuilder& builder) : b_(builder) {}

  // Parameters "<name>_s" (scale) and "<name>_z" (uint8 zero point).
  void parameters(const std::string& name, float scale, uint8_t zero_point) {
    b_.constant(name + "_s", Tensor::scalar<float>(scale));
    b_.constant(name + "_z", Tensor::scalar<uint8_t>(zero_point));
  }
  // value -> Q(params) -> value_q -> DQ(params) -> value_d
  void quantize(const std::string& value, const std::string& params) {
    b_.node("QuantizeLinear", {value, params + "_s", params + "_z"}, {value + "_q"});
    dequantize(value + "_q", params, value + "_d");
  }
  void dequantize(const std::string& quantized, const std::string& params, const std::string& out) {
    b_.node("DequantizeLinear", {quantized, params + "_s", params + "_z"}, {out});
  }
  // int8 weights of `shape` (per output channel along axis 0) and an int32 bias, behind DQ:
  // writes "<name>_wd" and "<name>_bd".
  void weights(const std::string& name, const Shape& shape, float input_scale) {
    Tensor w(DType::Int8, shape), scales(DType::Float32, {shape[0]}), bias(DType::Int32, {shape[0]});
    Tensor bias_scales(DType::Float32, {shape[0]});
    for (int64_t i = 0; i < w.numel(); ++i) w.data<int8_t>()[i] = static_cast<int8_t>((i * 37 + 11) % 255 - 127);
    for (int64_t c = 0; c < shape[0]; ++c) {
      scales.data<float>()[c] = 0.002f + 0.0005f * static_cast<float>(c % 3);
      bias.data<int32_t>()[c] = static_cast<int32_t>(c * 151 % 601) - 300;
      bias_scales.data<float>()[c] = input_scale * scales.data<float>()[c];
    }
    b_.constant(name + "_w", w).constant(name + "_ws", scales).constant(name + "_wz", zeros(shape[0]));
    b_.constant(name + "_b", bias).constant(name + "_bs", bias_scales);
    b_.node("DequantizeLinear", {name + "_w", name + "_ws", name + "_wz"}, {name + "_wd"})
        .attributes.set("axis", int_attribute(0));
    b_.node("DequantizeLinear", {name + "_b", name + "_bs"}, {name + "_bd"}).attributes.set("axis", int_attribute(0));
  }

 private:
  static Tensor zeros(int64_t n) { return Tensor(DType::Int8, {n}); }
  ModelBuilder& b_;
};

// x -> conv1+Relu -> MaxPool -> conv2 -> Add(skip) + Relu -> GlobalAveragePool -> Flatten -> Gemm;
// `skip_first` writes the Add as Add(skip, conv2).
inline std::shared_ptr<Model> qdq_block(bool skip_first = false) {
  ModelBuilder builder;
  QdqBuilder q(builder);
  builder.input("x", {1, 4, 8, 8}).output("out", {1, 5});
  builder.shape("p_d", {1, 8, 4, 4}).shape("c2_d", {1, 8, 4, 4}).shape("skip", {1, 8, 4, 4});
  q.parameters("x", 0.01f, 128);
  q.parameters("a", 0.02f, 0);
  q.parameters("c", 0.03f, 110);
  q.parameters("s", 0.025f, 0);
  q.parameters("g", 0.01f, 0);
  q.quantize("x", "x");
  q.weights("conv1", {8, 4, 3, 3}, 0.01f);
  builder.node("Conv", {"x_d", "conv1_wd", "conv1_bd"}, {"c1"}).attributes.set("pads", ints_attribute({1, 1, 1, 1}));
  builder.node("Relu", {"c1"}, {"r1"});
  q.quantize("r1", "a");
  Node& pool = builder.node("MaxPool", {"r1_d"}, {"p"});
  pool.attributes.set("kernel_shape", ints_attribute({2, 2}));
  pool.attributes.set("strides", ints_attribute({2, 2}));
  q.quantize("p", "a");
  q.weights("conv2", {8, 8, 3, 3}, 0.02f);
  builder.node("Conv", {"p_d", "conv2_wd", "conv2_bd"}, {"c2"}).attributes.set("pads", ints_attribute({1, 1, 1, 1}));
  q.quantize("c2", "c");
  q.dequantize("p_q", "a", "skip");  // a second DQ of the pooled tensor, as the quantizer writes it
  builder.node("Add", skip_first ? std::vector<std::string>{"skip", "c2_d"} : std::vector<std::string>{"c2_d", "skip"},
               {"sum"});
  builder.node("Relu", {"sum"}, {"r2"});
  q.quantize("r2", "s");
  builder.node("GlobalAveragePool", {"r2_d"}, {"g"});
  q.quantize("g", "g");
  builder.node("Flatten", {"g_d"}, {"f"});
  q.quantize("f", "g");
  q.weights("fc", {5, 8}, 0.01f);
  builder.node("Gemm", {"f_d", "fc_wd", "fc_bd"}, {"out"}).attributes.set("transB", int_attribute(1));
  return builder.build();
}

}  // namespace vigil::testing
