// SPDX-License-Identifier: Apache-2.0
// Value: what one name holds while a session runs. Most values are tensors; ONNX also
// has sequences of tensors and optionals. An optional that holds something is that
// tensor or sequence with the `optional` flag set; an empty optional is a value of kind
// None. Ordinary operators only ever see the tensors inside (the session unwraps them);
// the sequence, optional and control-flow operators of runtime/ work on Values.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace vigil {

enum class ValueKind { Tensor, Sequence, None };

class Value {
 public:
  // No value at all (an unfilled slot), not an empty optional.
  Value() = default;
  Value(Tensor tensor) : tensor_(std::move(tensor)) {}  // NOLINT: implicit, tensors are values

  // A sequence; `element_type` matters when it is empty (Undefined: not known).
  static Value sequence(std::vector<Tensor> elements, DType element_type = DType::Undefined);
  // An optional without a value.
  static Value none();
  // `value` marked as the content of an optional.
  static Value some(Value value);
  // The content of an optional (this value without the optional mark).
  Value unwrapped() const;

  bool empty() const { return kind_ == ValueKind::Tensor && tensor_.empty(); }
  ValueKind kind() const { return kind_; }
  bool is_tensor() const { return kind_ == ValueKind::Tensor && !tensor_.empty(); }
  bool is_sequence() const { return kind_ == ValueKind::Sequence; }
  bool is_none() const { return kind_ == ValueKind::None; }
  // True for an optional, with or without a value.
  bool is_optional() const { return optional_ || kind_ == ValueKind::None; }

  // The tensor; a bad-input Error naming `what` if this is not a tensor.
  const Tensor& tensor(const std::string& what = "value") const;
  // The elements; a bad-input Error naming `what` if this is not a sequence.
  const std::vector<Tensor>& elements(const std::string& what = "value") const;
  // The element type of a sequence: that of its elements, else the one it was made with.
  DType sequence_type() const;

  // "a tensor float32[2, 3]", "a sequence of 4 tensors", "an empty optional".
  std::string describe() const;

 private:
  ValueKind kind_ = ValueKind::Tensor;
  bool optional_ = false;
  Tensor tensor_;
  std::vector<Tensor> elements_;
  DType element_type_ = DType::Undefined;
};

// The same kind of value holding identical tensors (core/tensor.h); two empty optionals
// are identical.
bool identical(const Value& a, const Value& b);

}  // namespace vigil
