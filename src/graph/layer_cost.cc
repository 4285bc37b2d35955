// Layer cost formulas (see layer_cost.h).
#include "graph/layer_cost.h"

namespace vigil {

namespace {
int64_t bytes_of(const TensorShapeAndType& t) { return shape_numel(t.shape) * static_cast<int64_t>(dtype_size(t.dtype)); }

int64_t kernel_volume(const Shape& weight) {
  int64_t volume = 1;
  for (size_t i = 2; i < weight.size(); ++i) volume *= weight[i];
  return volume;
}
}  // namespace

LayerCost layer_cost(const Node& node, const std::vector<TensorShapeAndType>& inputs,
                     const std::vector<TensorShapeAndType>& outputs) {
  LayerCost cost;
  for (const auto& input : inputs) cost.bytes_read += bytes_of(input);
  for (const auto& output : outputs) cost.bytes_written += bytes_of(output);
  if (inputs.size() < 2 || outputs.empty()) return cost;
  const Shape& a = inputs[0].shape;
  const Shape& w = inputs[1].shape;
  const int64_t out_count = shape_numel(outputs[0].shape);
  // The optimisation passes' vigil.FusedConv, FusedMatMul and FusedGemm cost what the
  // product they wrap costs.
  const bool fused = node.domain == "vigil" && node.op_type.rfind("Fused", 0) == 0;
  const bool default_domain = node.domain.empty() || fused;
  const std::string op_type = fused ? node.op_type.substr(5) : node.op_type;
  if (default_domain && op_type == "Conv" && w.size() >= 3) {
    cost.macs = out_count * w[1] * kernel_volume(w);
  } else if (default_domain && op_type == "ConvTranspose" && w.size() >= 3) {
    cost.macs = shape_numel(a) * w[1] * kernel_volume(w);
  } else if (default_domain && op_type == "MatMul" && !a.empty()) {
    cost.macs = out_count * a.back();
  } else if (default_domain && op_type == "Gemm" && a.size() == 2) {
    cost.macs = out_count * (node.attributes.get_int("transA", 0) ? a[0] : a[1]);
  }
  return cost;
}

}  // namespace vigil
