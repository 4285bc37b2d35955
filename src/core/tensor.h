// SPDX-License-Identifier: Apache-2.0
// Tensor: an element type, a shape and a shared, 64-byte aligned buffer. Copies share
// the buffer (like a shared_ptr); clone() copies the data. String tensors keep their
// elements in a shared std::vector<std::string> instead: data<std::string>() reaches
// them, and raw() refuses them (an unsupported-type Error), so that operators which move
// raw bytes cannot silently produce garbage strings. Sessions carry tensors inside Values
// (core/value.h), which may also be sequences or empty optionals.
#pragma once

#include <cassert>
#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "core/dtype.h"
#include "core/shape.h"

namespace vigil {

class Tensor {
 public:
  Tensor() = default;
  // A zero-filled tensor.
  Tensor(DType dtype, Shape shape);
  // A tensor whose every element the caller writes before anything reads it (the outputs
  // of a planned operator, a copy): only the slack past its end is zeroed. String tensors
  // are made as above.
  static Tensor for_overwrite(DType dtype, Shape shape);

  // A tensor over `bytes` of memory owned elsewhere (a session's arena): it keeps `owner`
  // alive and does not zero the bytes. Not for string tensors.
  static Tensor over(DType dtype, Shape shape, std::shared_ptr<std::byte> owner, std::byte* bytes);

  template <class T>
  static Tensor from_vector(Shape shape, const std::vector<T>& values) {
    Tensor tensor(dtype_of<T>(), std::move(shape));
    assert(static_cast<int64_t>(values.size()) == tensor.numel());
    T* out = tensor.data<T>();
    for (size_t i = 0; i < values.size(); ++i) out[i] = values[i];
    return tensor;
  }
  template <class T>
  static Tensor scalar(T value) {
    return from_vector<T>({}, {value});
  }

  bool empty() const { return dtype_ == DType::Undefined; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t dim(int64_t axis) const { return shape_[axis]; }
  int64_t numel() const { return numel_; }  // shape_numel(shape()), kept: loops call it per element
  size_t nbytes() const { return static_cast<size_t>(numel()) * dtype_size(dtype_); }

  // The element bytes; fails (unsupported) for a string tensor.
  void* raw() {
    if (dtype_ == DType::String) fail_raw_string();
    return storage_.get();
  }
  const void* raw() const {
    if (dtype_ == DType::String) fail_raw_string();
    return storage_.get();
  }
  template <class T>
  T* data() {
    assert(dtype_of<T>() == dtype_);
    if constexpr (std::is_same_v<T, std::string>) {
      return strings_->data();
    } else {
      return static_cast<T*>(raw());
    }
  }
  template <class T>
  const T* data() const {
    assert(dtype_of<T>() == dtype_);
    if constexpr (std::is_same_v<T, std::string>) {
      return strings_->data();
    } else {
      return static_cast<const T*>(raw());
    }
  }

  // The same buffer seen with another shape of the same element count.
  Tensor reshaped(Shape shape) const;
  // A deep copy.
  Tensor clone() const;
  // Elements as int64 (any integer type), e.g. for shape or axes inputs.
  std::vector<int64_t> to_int64_vector() const;
  // Elements as double (any numeric type).
  std::vector<double> to_double_vector() const;

 private:
  Tensor(DType dtype, Shape shape, bool zero);
  [[noreturn]] static void fail_raw_string();

  DType dtype_ = DType::Undefined;
  Shape shape_;
  int64_t numel_ = 1;  // of shape_
  std::shared_ptr<std::byte> storage_;
  std::shared_ptr<std::vector<std::string>> strings_;  // string tensors only
};

// Same type, shape and element bits (a NaN equals the same NaN; +0 and -0 differ).
bool identical(const Tensor& a, const Tensor& b);

}  // namespace vigil
