// SPDX-License-Identifier: Apache-2.0
// The scalar binary operation: the specification of kernels/binary.h's BinaryOp. Max and
// min are written as the x86 instructions behave (the second operand unless the first
// is strictly beyond it), so that every path gives the same NaN results.
#include "kernels/binary.h"

namespace vigil::kernels {

float apply_binary(BinaryOp op, float a, float b) {
  switch (op) {
    case BinaryOp::Add: return a + b;
    case BinaryOp::Sub: return a - b;
    case BinaryOp::Mul: return a * b;
    case BinaryOp::Div: return a / b;
    case BinaryOp::Max: return a > b ? a : b;
    case BinaryOp::Min: return a < b ? a : b;
  }
  return a;
}

}  // namespace vigil::kernels
