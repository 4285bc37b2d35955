// Cast and CastLike: elementwise conversion between the numeric types, bool, float16 and
// bfloat16, with C's semantics (float to integer truncates toward zero; to bool is
// "not zero"; float16/bfloat16 round to nearest even). String tensors are unsupported.
// The conversion itself is convert_tensor (elementwise.h), shared with the operators
// that widen float16 inputs.
#include "ops/elementwise.h"
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

DType cast_target(int64_t to, const std::string& what) {
  const DType type = static_cast<DType>(to);
  if (to <= 0 || dtype_size(type) == 0) {
    fail_unsupported(what, ": casting to element type ", to, " (string, complex, ...) is not supported");
  }
  return type;
}

Tensor cast_tensor(const Tensor& input, DType to, const std::string& what) {
  if (input.dtype() == DType::String) fail_unsupported(what, ": casting from string is not supported");
  return convert_tensor(input, to);
}

std::unique_ptr<Operator> create_cast(const OpCreateInfo& info) {
  const DType to = cast_target(info.attributes().require_int("to"), info.describe());
  return make_operator([what = info.describe(), to](const OpInputs& in, OpOutputs& out) {
    out[0] = cast_tensor(require_input(in, 0, what), to, what);
  });
}

// CastLike (opset 15): the target type is that of the second input.
std::unique_ptr<Operator> create_cast_like(const OpCreateInfo& info) {
  return make_operator([what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor& target = require_input(in, 1, what);
    out[0] = cast_tensor(require_input(in, 0, what), cast_target(static_cast<int64_t>(target.dtype()), what), what);
  });
}

}  // namespace

void register_cast_operators(OpRegistry& registry) {
  registry.add("", "Cast", create_cast);
  registry.add("", "CastLike", create_cast_like);
}

}  // namespace vigil
