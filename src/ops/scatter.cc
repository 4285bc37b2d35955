// SPDX-License-Identifier: Apache-2.0
// The Scatter family: a copy of the data with some elements (ScatterElements and the
// deprecated Scatter) or slices (ScatterND) replaced by, or combined with, updates.
// The reduction attribute (opset 16+; max/min from 18) picks how: none, add, mul, max, min.
#include <algorithm>
#include <string>
#include <type_traits>

#include "ops/data_movement.h"
#include "ops/index_ops_internal.h"

namespace vigil {

namespace {

enum class Reduction { None, Add, Mul, Max, Min };

Reduction parse_reduction(const std::string& name, const std::string& what) {
  if (name == "none") return Reduction::None;
  if (name == "add") return Reduction::Add;
  if (name == "mul") return Reduction::Mul;
  if (name == "max") return Reduction::Max;
  if (name == "min") return Reduction::Min;
  fail_unsupported(what, ": reduction '", name, "' is not supported");
}

// dst = dst (op) update; the 16-bit floats compute through float.
template <class T>
void combine(T& dst, T update, Reduction reduction) {
  using C = std::conditional_t<std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>, float, T>;
  const C a = convert_element<C>(dst);
  const C b = convert_element<C>(update);
  switch (reduction) {
    case Reduction::None: dst = update; return;
    case Reduction::Add: dst = convert_element<T>(a + b); return;
    case Reduction::Mul: dst = convert_element<T>(a * b); return;
    case Reduction::Max: dst = convert_element<T>(std::max(a, b)); return;
    case Reduction::Min: dst = convert_element<T>(std::min(a, b)); return;
  }
}

Reduction reduction_of(const OpCreateInfo& info) {
  return parse_reduction(info.attributes().get_string("reduction", "none"), info.describe());
}

}  // namespace

std::unique_ptr<Operator> create_scatter_elements(const OpCreateInfo& info) {
  const int64_t axis = info.attributes().get_int("axis", 0);
  const Reduction reduction = reduction_of(info);
  return make_operator([axis, reduction](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "ScatterElements");
    const Tensor& indices_tensor = require_input(in, 1, "ScatterElements");
    const Tensor& updates = require_input(in, 2, "ScatterElements");
    const int64_t rank = data.rank();
    const int64_t a = normalize_axis(axis, rank, "ScatterElements");
    check_input(
        indices_tensor.shape() == updates.shape() && indices_tensor.rank() == rank && updates.dtype() == data.dtype(),
        "ScatterElements: indices and updates must have the same shape, of the data's rank and type");
    for (int64_t d = 0; d < rank; ++d) {
      check_input(d == a || indices_tensor.dim(d) <= data.dim(d), "ScatterElements: indices shape ",
                  shape_to_string(indices_tensor.shape()), " exceeds data shape ", shape_to_string(data.shape()));
    }
    const std::vector<int64_t> indices = checked_indices(indices_tensor, data.dim(a), "ScatterElements");
    const Shape strides = shape_strides(data.shape());
    const std::vector<int64_t> bases = element_base_offsets(indices_tensor.shape(), strides, a);
    Tensor result = data.clone();
    dispatch_dtype(data.dtype(), "ScatterElements", [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* o = result.data<T>();
      const T* u = updates.data<T>();
      for (size_t i = 0; i < indices.size(); ++i) combine(o[bases[i] + indices[i] * strides[a]], u[i], reduction);
    });
    out[0] = std::move(result);
  });
}

// ScatterND: each index tuple (last dimension of indices, length k) addresses a slice of
// data over its trailing rank - k dimensions; updates holds one such slice per tuple.
std::unique_ptr<Operator> create_scatter_nd(const OpCreateInfo& info) {
  const Reduction reduction = reduction_of(info);
  return make_operator([reduction](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "ScatterND");
    const Tensor& indices_tensor = require_input(in, 1, "ScatterND");
    const Tensor& updates = require_input(in, 2, "ScatterND");
    const int64_t rank = data.rank();
    const int64_t q = indices_tensor.rank();
    check_input(q >= 1, "ScatterND: indices must have rank >= 1");
    const int64_t k = indices_tensor.dim(q - 1);
    check_input(k <= rank, "ScatterND: index tuples of length ", k, " for data of rank ", rank);
    Shape expected(indices_tensor.shape().begin(), indices_tensor.shape().end() - 1);
    expected.insert(expected.end(), data.shape().begin() + k, data.shape().end());
    check_input(updates.shape() == expected && updates.dtype() == data.dtype(), "ScatterND: updates shape ",
                shape_to_string(updates.shape()), " should be ", shape_to_string(expected));
    const std::vector<int64_t> indices = indices_tensor.to_int64_vector();
    const Shape strides = shape_strides(data.shape());
    const int64_t tuples = dims_product(indices_tensor.shape(), 0, q - 1);
    const int64_t block = dims_product(data.shape(), k, rank);
    Tensor result = data.clone();
    dispatch_dtype(data.dtype(), "ScatterND", [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* o = result.data<T>();
      const T* u = updates.data<T>();
      for (int64_t t = 0; t < tuples; ++t) {
        int64_t offset = 0;
        for (int64_t j = 0; j < k; ++j) {
          offset += normalize_index(indices[t * k + j], data.dim(j), "ScatterND") * strides[j];
        }
        for (int64_t e = 0; e < block; ++e) combine(o[offset + e], u[t * block + e], reduction);
      }
    });
    out[0] = std::move(result);
  });
}

}  // namespace vigil
