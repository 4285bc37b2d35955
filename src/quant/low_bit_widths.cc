// SPDX-License-Identifier: Apache-2.0
// The low-bit widths of quant/low_bit_widths.h.
#include "quant/low_bit_widths.h"

#include <algorithm>
#include <vector>

#include "core/error.h"
#include "onnx/onnx_pb.h"

namespace vigil::quant {

LayerWidths parse_layer_widths(const std::string& text, const std::string& flag) {
  const size_t slash = text.find('/');
  auto width = [&](const std::string& part) {
    check_input(part.size() == 1 && part[0] >= '1' && part[0] <= '8', flag, ": '", text,
                "' is not W/A with widths from 1 to 8 bits");
    return part[0] - '0';
  };
  check_input(slash != std::string::npos, flag, ": '", text, "' is not W/A (weight bits / activation bits)");
  return {width(text.substr(0, slash)), width(text.substr(slash + 1))};
}

std::map<std::string, LayerWidths> plan_low_bit_widths(const onnx::GraphProto& graph, QdqPlan& plan, LayerWidths widths,
                                                       const std::map<std::string, LayerWidths>& overrides) {
  // The products, in node order: quantized Conv, Gemm and MatMul whose weight is planned.
  std::vector<size_t> products;
  for (const size_t i : plan.quantized_nodes) {
    const onnx::NodeProto& node = graph.node(static_cast<int>(i));
    const std::string& op = node.op_type();
    if ((op == "Conv" || op == "Gemm" || op == "MatMul") && node.input_size() >= 2 &&
        plan.weights.count(node.input(1))) {
      products.push_back(i);
    }
  }
  std::map<std::string, LayerWidths> chosen;  // by node name
  for (size_t p = 0; p < products.size(); ++p) {
    const std::string& name = graph.node(static_cast<int>(products[p])).name();
    const bool edge = p == 0 || p + 1 == products.size();
    chosen[name] = edge ? LayerWidths{} : widths;
  }
  for (const auto& [name, override] : overrides) {
    check_input(chosen.count(name) > 0, "--layer-bits: '", name,
                "' is not a quantized Conv, Gemm or MatMul node with a constant weight");
    chosen[name] = override;
  }
  // Weights, and the widest width each activation's product readers ask for.
  std::map<std::string, int> wanted;
  for (const size_t i : products) {
    const onnx::NodeProto& node = graph.node(static_cast<int>(i));
    const LayerWidths& w = chosen.at(node.name());
    if (w.weights < 8) plan.low_bits[node.input(1)] = w.weights;
    int& bits = wanted.emplace(node.input(0), 0).first->second;
    bits = std::max(bits, w.activations);
  }
  // A pass-through output shares its input's scale, so the input takes the widest width
  // asked of either (a pool between a Quant and a convolution), and the output then has it.
  for (auto t = plan.activations.rbegin(); t != plan.activations.rend(); ++t) {
    const auto source = plan.same_as.find(*t);
    const auto asked = wanted.find(*t);
    if (source == plan.same_as.end() || asked == wanted.end()) continue;
    int& bits = wanted.emplace(source->second, 0).first->second;
    bits = std::max(bits, asked->second);
  }
  for (const std::string& tensor : plan.activations) {
    const auto source = plan.same_as.find(tensor);
    const auto asked = wanted.find(source == plan.same_as.end() ? tensor : source->second);
    if (asked != wanted.end() && asked->second < 8) {
      plan.low_bits[tensor] = asked->second;
      wanted[tensor] = asked->second;
    }
  }
  std::map<std::string, LayerWidths> low;
  for (const auto& [name, w] : chosen) {
    if (w.low()) low[name] = w;
  }
  return low;
}

}  // namespace vigil::quant
