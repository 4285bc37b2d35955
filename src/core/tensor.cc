// SPDX-License-Identifier: Apache-2.0
// Tensor storage.
#include "core/tensor.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace vigil {

namespace {
constexpr size_t kAlignment = 64;

std::shared_ptr<std::byte> allocate_zeroed(size_t bytes) {
  const size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment + kAlignment;
  void* memory = std::aligned_alloc(kAlignment, rounded);
  if (!memory) throw std::bad_alloc();
  std::memset(memory, 0, rounded);
  return std::shared_ptr<std::byte>(static_cast<std::byte*>(memory), [](std::byte* p) { std::free(p); });
}
}  // namespace

Tensor::Tensor(DType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {
  checked_shape_numel(shape_, "tensor");
  if (dtype_ == DType::String) {
    strings_ = std::make_shared<std::vector<std::string>>(static_cast<size_t>(numel()));
    return;
  }
  check_input(dtype_size(dtype_) > 0, "tensors of element type ", dtype_name(dtype_), " are not supported");
  storage_ = allocate_zeroed(nbytes());
}

void Tensor::fail_raw_string() {
  fail_unsupported("string tensors are not supported here (their elements are not plain bytes)");
}

Tensor Tensor::over(DType dtype, Shape shape, std::shared_ptr<std::byte> owner, std::byte* bytes) {
  assert(dtype != DType::String);
  Tensor tensor;
  tensor.dtype_ = dtype;
  tensor.shape_ = std::move(shape);
  tensor.storage_ = std::shared_ptr<std::byte>(std::move(owner), bytes);
  return tensor;
}

Tensor Tensor::reshaped(Shape shape) const {
  assert(shape_numel(shape) == numel());
  Tensor view = *this;
  view.shape_ = std::move(shape);
  return view;
}

Tensor Tensor::clone() const {
  Tensor copy(dtype_, shape_);
  if (dtype_ == DType::String) {
    *copy.strings_ = *strings_;
    return copy;
  }
  if (nbytes()) std::memcpy(copy.raw(), raw(), nbytes());
  return copy;
}

namespace {
// Every element converted to U, whatever the element type.
template <class U>
std::vector<U> converted_elements(const Tensor& tensor) {
  std::vector<U> values(static_cast<size_t>(tensor.numel()));
  dispatch_dtype(tensor.dtype(), "numeric tensor", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* in = tensor.data<T>();
    for (size_t i = 0; i < values.size(); ++i) values[i] = convert_element<U>(in[i]);
  });
  return values;
}
}  // namespace

std::vector<int64_t> Tensor::to_int64_vector() const { return converted_elements<int64_t>(*this); }

std::vector<double> Tensor::to_double_vector() const { return converted_elements<double>(*this); }

}  // namespace vigil
