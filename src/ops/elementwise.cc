// SPDX-License-Identifier: Apache-2.0
// Shape and type helpers of the elementwise operators (see elementwise.h).
#include "ops/elementwise.h"

namespace vigil {

Shape broadcast_all(const std::vector<const Shape*>& shapes, const std::string& what) {
  Shape out;
  for (const Shape* shape : shapes) out = broadcast_shapes(out, *shape, what);
  return out;
}

Tensor convert_tensor(const Tensor& tensor, DType to) {
  if (tensor.dtype() == to) return tensor;
  Tensor out(to, tensor.shape());
  dispatch_dtype(tensor.dtype(), "conversion", [&](auto from_tag) {
    using From = typename decltype(from_tag)::type;
    dispatch_dtype(to, "conversion", [&](auto to_tag) {
      using To = typename decltype(to_tag)::type;
      const From* in = tensor.data<From>();
      To* result = out.data<To>();
      const int64_t n = tensor.numel();
      for (int64_t i = 0; i < n; ++i) result[i] = convert_element<To>(in[i]);
    });
  });
  return out;
}

bool is_half_dtype(DType type) { return type == DType::Float16 || type == DType::BFloat16; }

Tensor widen_half(const Tensor& tensor) {
  return is_half_dtype(tensor.dtype()) ? convert_tensor(tensor, DType::Float32) : tensor;
}

void check_same_dtype(const Tensor& a, const Tensor& b, const std::string& what) {
  check_input(a.dtype() == b.dtype(), what, ": inputs have different element types ", dtype_name(a.dtype()), " and ",
              dtype_name(b.dtype()));
}

}  // namespace vigil
