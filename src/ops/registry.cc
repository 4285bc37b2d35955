// SPDX-License-Identifier: Apache-2.0
// The registry instance, filled once from every operator family.
#include "ops/registry.h"

#include "core/error.h"
#include "ops/families.h"

namespace vigil {

const OpRegistry& OpRegistry::instance() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    register_unary_operators(r);
    register_binary_operators(r);
    register_variadic_operators(r);
    register_cast_operators(r);
    register_conv_operators(r);
    register_pool_operators(r);
    register_normalization_operators(r);
    register_matmul_operators(r);
    register_softmax_operators(r);
    register_reduce_operators(r);
    register_shape_operators(r);
    register_tensor_operators(r);
    register_index_operators(r);
    register_generator_operators(r);
    register_resize_operators(r);
    register_ordering_operators(r);
    register_string_operators(r);
    register_detection_operators(r);
    register_recurrent_operators(r);
    register_signal_operators(r);
    register_linalg_operators(r);
    register_text_operators(r);
    register_quantize_linear_operators(r);
    register_qlinear_matmul_operators(r);
    register_qlinear_conv_operators(r);
    register_qlinear_elementwise_operators(r);
    register_matmul_integer_to_float_operators(r);
    register_onnxruntime_fused_operators(r);
    register_vigil_qconv_operator(r);
    register_vigil_qgemm_operator(r);
    register_vigil_qadd_operator(r);
    register_qonnx_quant_operators(r);
    return r;
  }();
  return registry;
}

void OpRegistry::add(const std::string& domain, const std::string& op_type, OpFactory factory) {
  const bool added = factories_.try_emplace({domain, op_type}, factory).second;
  if (!added) fail_internal("operator '", op_type, "' of domain '", domain, "' is registered twice");
}

OpFactory OpRegistry::find(const std::string& domain, const std::string& op_type) const {
  auto it = factories_.find({domain == "ai.onnx" ? "" : domain, op_type});
  return it == factories_.end() ? nullptr : it->second;
}

std::vector<std::pair<std::string, std::string>> OpRegistry::list() const {
  std::vector<std::pair<std::string, std::string>> names;
  for (const auto& [key, factory] : factories_) names.push_back(key);
  return names;
}

}  // namespace vigil
