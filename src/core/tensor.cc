// SPDX-License-Identifier: Apache-2.0
// Tensor storage.
#include "core/tensor.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "core/memory_budget.h"

namespace vigil {

namespace {
// With 64 bytes of slack past the end, zeroed, for kernels that read a vector beyond it;
// the bytes before zeroed too unless `zero` is false.
std::shared_ptr<std::byte> allocate_storage(size_t bytes, bool zero) {
  const size_t padded = byte_count(static_cast<int64_t>(bytes / 64 + 2), 64);
  std::shared_ptr<std::byte> block = allocate_block(padded);
  if (arrives_zeroed(padded)) return block;
  const size_t from = zero ? 0 : bytes;
  std::memset(block.get() + from, 0, padded - from);
  return block;
}
}  // namespace

Tensor::Tensor(DType dtype, Shape shape) : Tensor(dtype, std::move(shape), true) {}

Tensor Tensor::for_overwrite(DType dtype, Shape shape) { return Tensor(dtype, std::move(shape), false); }

Tensor::Tensor(DType dtype, Shape shape, bool zero) : dtype_(dtype), shape_(std::move(shape)) {
  const int64_t count = shape_numel(shape_, "tensor");
  numel_ = count;
  if (dtype_ == DType::String) {
    const size_t strings = byte_count(count, sizeof(std::string));
    check_input(strings <= memory_budget(), "tensor: ", count, " strings do not fit the memory budget (--max-memory)");
    strings_ = std::make_shared<std::vector<std::string>>(static_cast<size_t>(count));
    return;
  }
  check_input(dtype_size(dtype_) > 0, "tensors of element type ", dtype_name(dtype_), " are not supported");
  storage_ = allocate_storage(byte_count(count, dtype_size(dtype_)), zero);
}

void Tensor::fail_raw_string() {
  fail_unsupported("string tensors are not supported here (their elements are not plain bytes)");
}

Tensor Tensor::over(DType dtype, Shape shape, std::shared_ptr<std::byte> owner, std::byte* bytes) {
  assert(dtype != DType::String);
  Tensor tensor;
  tensor.dtype_ = dtype;
  tensor.numel_ = shape_numel(shape, "tensor");
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
  Tensor copy = for_overwrite(dtype_, shape_);
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

bool identical(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return false;
  if (a.dtype() == DType::String) {
    return std::equal(a.data<std::string>(), a.data<std::string>() + a.numel(), b.data<std::string>());
  }
  return a.nbytes() == 0 || a.raw() == b.raw() || std::memcmp(a.raw(), b.raw(), a.nbytes()) == 0;
}

std::vector<int64_t> Tensor::to_int64_vector() const { return converted_elements<int64_t>(*this); }

std::vector<double> Tensor::to_double_vector() const { return converted_elements<double>(*this); }

}  // namespace vigil
