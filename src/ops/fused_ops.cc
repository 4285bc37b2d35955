// Operators of the "vigil" domain that only the graph optimisation passes write and that
// are not GEMM-based (FusedConv, FusedGemm and FusedMatMul live with Conv and MatMul):
// Gelu, which fuse_gelu writes for x * 0.5 * (1 + erf(x / sqrt 2)) when no MatMul precedes
// it to absorb it. It runs the vectorised activation of kernels/unary.h, in place when the
// memory plan allows.
#include "core/error.h"
#include "kernels/unary.h"
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

class GeluOperator final : public Operator {
 public:
  explicit GeluOperator(std::string what) : what_(std::move(what)) {}

  bool plan(const OpInputs& inputs, std::vector<TensorSpec>& outputs) override {
    const Tensor& x = require_input(inputs, 0, what_);
    check_input(x.dtype() == DType::Float32, what_, ": Gelu takes float32, got ", dtype_name(x.dtype()));
    outputs = {TensorSpec{DType::Float32, x.shape()}};
    return true;
  }

  void execute(const OpInputs& inputs, OpOutputs& outputs) override {
    const Tensor& x = *inputs[0];
    kernels::f32_activation(kernels::ActivationSpec{kernels::Activation::Gelu}, x.numel(), x.data<float>(),
                            outputs[0].data<float>());
  }

  int in_place_input() const override { return 0; }
  std::string algorithm() const override { return "f32_activation(gelu)"; }

 private:
  std::string what_;
};

std::unique_ptr<Operator> create_gelu(const OpCreateInfo& info) {
  return std::make_unique<GeluOperator>(info.describe());
}

}  // namespace

void register_fused_operators(OpRegistry& registry) { registry.add("vigil", "Gelu", create_gelu); }

}  // namespace vigil
