// SPDX-License-Identifier: Apache-2.0
// Value constructors and accessors.
#include "core/value.h"

#include <algorithm>

namespace vigil {

Value Value::sequence(std::vector<Tensor> elements, DType element_type) {
  Value value;
  value.kind_ = ValueKind::Sequence;
  value.elements_ = std::move(elements);
  value.element_type_ = element_type;
  return value;
}

Value Value::none() {
  Value value;
  value.kind_ = ValueKind::None;
  return value;
}

Value Value::some(Value value) {
  check_input(!value.empty() && !value.is_none(), "an optional cannot hold ", value.describe());
  value.optional_ = true;
  return value;
}

Value Value::unwrapped() const {
  Value value = *this;
  value.optional_ = false;
  return value;
}

const Tensor& Value::tensor(const std::string& what) const {
  check_input(is_tensor(), what, " must be a tensor, got ", describe());
  return tensor_;
}

const std::vector<Tensor>& Value::elements(const std::string& what) const {
  check_input(is_sequence(), what, " must be a sequence, got ", describe());
  return elements_;
}

DType Value::sequence_type() const { return elements_.empty() ? element_type_ : elements_[0].dtype(); }

std::string Value::describe() const {
  switch (kind_) {
    case ValueKind::None: return "an empty optional";
    case ValueKind::Sequence: return str_cat("a sequence of ", elements_.size(), " tensors");
    case ValueKind::Tensor: break;
  }
  if (tensor_.empty()) return "no value";
  return "a tensor " + dtype_name(tensor_.dtype()) + shape_to_string(tensor_.shape());
}

bool identical(const Value& a, const Value& b) {
  if (a.kind() != b.kind() || a.is_optional() != b.is_optional()) return false;
  if (a.kind() == ValueKind::None) return true;
  if (a.kind() == ValueKind::Tensor) return a.empty() || b.empty() ? a.empty() == b.empty() : identical(a.tensor(), b.tensor());
  const std::vector<Tensor>& x = a.elements();
  const std::vector<Tensor>& y = b.elements();
  return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), [](const Tensor& p, const Tensor& q) {
           return identical(p, q);
         });
}

}  // namespace vigil
