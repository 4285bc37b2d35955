// SPDX-License-Identifier: Apache-2.0
// vigil.QAdd: the integer Add of a QDQ group (graph/passes/fuse_qdq.cc), the residual sum
// of ResNet-style blocks. Inputs: a, a_scale, a_zero_point, b, b_scale, b_zero_point,
// y_scale, y_zero_point (the layout of com.microsoft QLinearAdd), all scales and zero
// points per tensor; a and b of one shape (the pass fuses only such Adds); an absorbed
// Relu or Clip (`activation`) is the clamp. The sum runs in fixed point (kernels/qs8_add.h);
// the parameters are prepared once when they are constants; large tensors are split over
// the threads.
#include <algorithm>
#include <optional>

#include "kernels/qs8_add.h"
#include "ops/f32_fast_path.h"
#include "ops/families.h"
#include "ops/fused_activation.h"
#include "ops/quantized/output_requantization.h"
#include "ops/registry.h"

namespace vigil {

namespace {

enum Input { kA, kAScale, kAZeroPoint, kB, kBScale, kBZeroPoint, kYScale, kYZeroPoint };

class QAddOperator final : public Operator {
 public:
  explicit QAddOperator(const OpCreateInfo& info)
      : what_(info.describe()),
        activation_(read_fused_activation(info.attributes(), what_)),
        threads_(std::max(1, info.threads)) {
    const Node& node = info.node;
    OpInputs constants(kYZeroPoint + 1, nullptr);
    for (size_t i = 0; i < constants.size() && i < node.inputs.size(); ++i) {
      if (i == kA || i == kB || node.inputs[i].empty()) continue;
      constants[i] = info.find_constant(node.inputs[i]);
      if (!constants[i]) return;  // read at run time
    }
    parameters_ = read(constants);
  }

  bool plan(const OpInputs& in, std::vector<TensorSpec>& outputs) override {
    const kernels::QS8AddParameters p = parameters(in);
    const Tensor& a = require_input(in, kA, what_);
    const Tensor& b = require_input(in, kB, what_);
    const DType type = p.is_signed ? DType::Int8 : DType::UInt8;
    check_input(a.shape() == b.shape() && a.dtype() == type && b.dtype() == type, what_, ": a ",
                shape_to_string(a.shape()), " and b ", shape_to_string(b.shape()), " must be ", dtype_name(type),
                " of one shape");
    outputs.assign(1, TensorSpec{type, a.shape()});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    const kernels::QS8AddParameters p = parameters(in);
    const auto* a = static_cast<const uint8_t*>(in[kA]->raw());
    const auto* b = static_cast<const uint8_t*>(in[kB]->raw());
    auto* y = static_cast<uint8_t*>(out[0].raw());
    parallel_ranges_if_large(in[kA]->numel(), 1, threads_, [&](int64_t begin, int64_t end) {
      kernels::qs8_add(p, end - begin, a + begin, b + begin, y + begin);
    });
  }

  int in_place_input() const override { return kA; }

 private:
  kernels::QS8AddParameters parameters(const OpInputs& in) const { return parameters_ ? *parameters_ : read(in); }

  kernels::QS8AddParameters read(const OpInputs& in) const {
    auto optional = [&](size_t index) { return has_input(in, index) ? in[index] : nullptr; };
    return read_q8_add_parameters(require_input(in, kAScale, what_), optional(kAZeroPoint),
                                  require_input(in, kBScale, what_), optional(kBZeroPoint),
                                  require_input(in, kYScale, what_), optional(kYZeroPoint), activation_, what_);
  }

  std::string what_;
  kernels::ActivationSpec activation_;
  int threads_;
  std::optional<kernels::QS8AddParameters> parameters_;  // when the parameters are constants
};

std::unique_ptr<Operator> create_q_add(const OpCreateInfo& info) { return std::make_unique<QAddOperator>(info); }

}  // namespace

void register_vigil_qadd_operator(OpRegistry& registry) { registry.add("vigil", "QAdd", create_q_add); }

}  // namespace vigil
