// SPDX-License-Identifier: Apache-2.0
// ArgMax and ArgMin: the int64 index of the largest (smallest) element along one axis;
// ties go to the first index, or the last with select_last_index (opset 12+). The axis
// is scanned in the outer loop so that the inner, contiguous positions are compared
// side by side.
#include <string>
#include <type_traits>

#include "ops/data_movement.h"
#include "ops/reduce_internal.h"

namespace vigil {

namespace {

template <bool Max>
std::unique_ptr<Operator> create_arg_reduce(const OpCreateInfo& info) {
  const int64_t axis = info.attributes().get_int("axis", 0);
  const bool keep_dims = info.attributes().get_int("keepdims", 1) != 0;
  const bool last = info.attributes().get_int("select_last_index", 0) != 0;
  const std::string name = Max ? "ArgMax" : "ArgMin";
  return make_operator([axis, keep_dims, last, name](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, name);
    const int64_t rank = data.rank();
    const int64_t a = normalize_axis(axis, rank, name);
    const int64_t dim = data.dim(a);
    check_input(dim > 0, name, ": cannot reduce an empty axis");
    const int64_t outer = dims_product(data.shape(), 0, a);
    const int64_t inner = dims_product(data.shape(), a + 1, rank);
    Shape shape = data.shape();
    if (keep_dims)
      shape[a] = 1;
    else
      shape.erase(shape.begin() + a);
    Tensor result(DType::Int64, shape);
    int64_t* o = result.data<int64_t>();
    dispatch_dtype(data.dtype(), name, [&](auto tag) {
      using T = typename decltype(tag)::type;
      // Compare in the type itself (exact for int64); the 16-bit floats through float.
      using C = std::conditional_t<std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>, float, T>;
      const T* x = data.data<T>();
      for (int64_t p = 0; p < outer; ++p) {
        const T* slab = x + p * dim * inner;
        int64_t* index = o + p * inner;
        for (int64_t i = 0; i < inner; ++i) index[i] = 0;
        for (int64_t k = 1; k < dim; ++k) {
          for (int64_t i = 0; i < inner; ++i) {
            const auto v = convert_element<C>(slab[k * inner + i]);
            const auto b = convert_element<C>(slab[index[i] * inner + i]);
            const bool better = Max ? (v > b || (last && v == b)) : (v < b || (last && v == b));
            if (better) index[i] = k;
          }
        }
      }
    });
    out[0] = std::move(result);
  });
}

}  // namespace

std::unique_ptr<Operator> create_arg_max(const OpCreateInfo& info) { return create_arg_reduce<true>(info); }
std::unique_ptr<Operator> create_arg_min(const OpCreateInfo& info) { return create_arg_reduce<false>(info); }

}  // namespace vigil
