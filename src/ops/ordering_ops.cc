// SPDX-License-Identifier: Apache-2.0
// Ordering operators: results that depend on the position or rank of elements along an
// axis. TopK, NonZero, CumSum and Trilu here; Unique in unique.cc. Each walks the
// tensor as [outer, axis, inner] so that any axis is handled by the same loops.
#include <algorithm>
#include <numeric>
#include <string>

#include "ops/data_movement.h"
#include "ops/families.h"
#include "ops/ordering_internal.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// TopK: the k largest (or smallest) along an axis, with their indices; equal values are
// ordered by lower index first. k is an attribute in opset 1, an input from opset 10.
std::unique_ptr<Operator> create_top_k(const OpCreateInfo& info) {
  const int64_t axis = info.attributes().get_int("axis", -1);
  const bool largest = info.attributes().get_int("largest", 1) != 0;
  const bool k_as_input = info.opset >= 10;
  const int64_t k_attribute = info.attributes().get_int("k", -1);
  return make_operator([axis, largest, k_as_input, k_attribute](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "TopK");
    int64_t k = k_attribute;
    if (k_as_input) {
      const std::vector<int64_t> given = require_input(in, 1, "TopK").to_int64_vector();
      check_input(given.size() == 1, "TopK: K must have one element");
      k = given[0];
    }
    const int64_t rank = data.rank();
    const int64_t a = normalize_axis(axis, rank, "TopK");
    const int64_t dim = data.dim(a);
    check_input(k >= 0 && k <= dim, "TopK: k = ", k, " for an axis of ", dim);
    const int64_t outer = dims_product(data.shape(), 0, a);
    const int64_t inner = dims_product(data.shape(), a + 1, rank);
    Shape shape = data.shape();
    shape[a] = k;
    Tensor values(data.dtype(), shape);
    Tensor indices(DType::Int64, shape);
    int64_t* index_out = indices.data<int64_t>();
    dispatch_dtype(data.dtype(), "TopK", [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = ComputeType<T>;
      const T* x = data.data<T>();
      T* value_out = values.data<T>();
      std::vector<int64_t> order(static_cast<size_t>(dim));
      for (int64_t p = 0; p < outer; ++p) {
        for (int64_t i = 0; i < inner; ++i) {
          const T* line = x + p * dim * inner + i;
          auto at = [&](int64_t j) { return static_cast<C>(line[j * inner]); };
          std::iota(order.begin(), order.end(), 0);
          std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int64_t l, int64_t r) {
            const C vl = at(l), vr = at(r);
            if (vl != vr) return largest ? vl > vr : vl < vr;
            return l < r;
          });
          for (int64_t j = 0; j < k; ++j) {
            const int64_t o = (p * k + j) * inner + i;
            value_out[o] = line[order[j] * inner];
            index_out[o] = order[j];
          }
        }
      }
    });
    out[0] = std::move(values);
    if (out.size() > 1) out[1] = std::move(indices);
  });
}

// NonZero: the coordinates of the non-zero elements, as [rank, count] int64, in
// row-major order of the elements.
std::unique_ptr<Operator> create_non_zero(const OpCreateInfo&) {
  return make_operator([](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "NonZero");
    std::vector<int64_t> positions;
    dispatch_dtype(data.dtype(), "NonZero", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* x = data.data<T>();
      for (int64_t i = 0; i < data.numel(); ++i) {
        if (static_cast<ComputeType<T>>(x[i]) != ComputeType<T>(0)) positions.push_back(i);
      }
    });
    const int64_t rank = data.rank();
    const int64_t count = static_cast<int64_t>(positions.size());
    const Shape strides = shape_strides(data.shape());
    Tensor result(DType::Int64, {rank, count});
    int64_t* o = result.data<int64_t>();
    for (int64_t n = 0; n < count; ++n) {
      int64_t rest = positions[n];
      for (int64_t d = 0; d < rank; ++d) {
        o[d * count + n] = rest / strides[d];
        rest %= strides[d];
      }
    }
    out[0] = std::move(result);
  });
}

// CumSum: running sums along an axis (an input); exclusive leaves out the element
// itself, reverse sums from the end. Floats accumulate in double.
std::unique_ptr<Operator> create_cum_sum(const OpCreateInfo& info) {
  const bool exclusive = info.attributes().get_int("exclusive", 0) != 0;
  const bool reverse = info.attributes().get_int("reverse", 0) != 0;
  return make_operator([exclusive, reverse](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "CumSum");
    const std::vector<int64_t> axis = require_input(in, 1, "CumSum").to_int64_vector();
    check_input(axis.size() == 1, "CumSum: axis must have one element");
    const int64_t rank = data.rank();
    const int64_t a = normalize_axis(axis[0], rank, "CumSum");
    const int64_t dim = data.dim(a);
    const int64_t outer = dims_product(data.shape(), 0, a);
    const int64_t inner = dims_product(data.shape(), a + 1, rank);
    Tensor result(data.dtype(), data.shape());
    dispatch_dtype(data.dtype(), "CumSum", [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_same_v<T, bool>) {
        fail_unsupported("CumSum: element type bool is not supported");
      } else {
        using Acc = std::conditional_t<std::is_integral_v<T>, T, double>;
        const T* x = data.data<T>();
        T* o = result.data<T>();
        std::vector<Acc> sum(static_cast<size_t>(inner));
        for (int64_t p = 0; p < outer; ++p) {
          std::fill(sum.begin(), sum.end(), Acc(0));
          for (int64_t step = 0; step < dim; ++step) {
            const int64_t offset = (p * dim + (reverse ? dim - 1 - step : step)) * inner;
            for (int64_t i = 0; i < inner; ++i) {
              const Acc v = convert_element<Acc>(x[offset + i]);
              if (!exclusive) sum[i] += v;
              o[offset + i] = convert_element<T>(sum[i]);
              if (exclusive) sum[i] += v;
            }
          }
        }
      }
    });
    out[0] = std::move(result);
  });
}

// Trilu: keeps the upper (j - i >= k) or lower (j - i <= k) triangle of each matrix
// formed by the last two dimensions, zeroing the rest.
std::unique_ptr<Operator> create_trilu(const OpCreateInfo& info) {
  const bool upper = info.attributes().get_int("upper", 1) != 0;
  return make_operator([upper](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "Trilu");
    check_input(data.rank() >= 2, "Trilu: input rank must be at least 2");
    const std::vector<int64_t> k_values = optional_int64s(in, 1, {0});
    check_input(k_values.size() == 1, "Trilu: k must have one element");
    const int64_t k = k_values[0];
    const int64_t rows = data.dim(data.rank() - 2), cols = data.dim(data.rank() - 1);
    const int64_t matrices = dims_product(data.shape(), 0, data.rank() - 2);
    Tensor result(data.dtype(), data.shape());
    dispatch_dtype(data.dtype(), "Trilu", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* x = data.data<T>();
      T* o = result.data<T>();
      for (int64_t m = 0; m < matrices; ++m) {
        for (int64_t r = 0; r < rows; ++r) {
          const int64_t row = (m * rows + r) * cols;
          for (int64_t c = 0; c < cols; ++c) {
            const bool keep = upper ? c - r >= k : c - r <= k;
            if (keep) o[row + c] = x[row + c];
          }
        }
      }
    });
    out[0] = std::move(result);
  });
}

}  // namespace

void register_ordering_operators(OpRegistry& registry) {
  registry.add("", "TopK", create_top_k);
  registry.add("", "NonZero", create_non_zero);
  registry.add("", "Unique", create_unique);
  registry.add("", "CumSum", create_cum_sum);
  registry.add("", "Trilu", create_trilu);
}

}  // namespace vigil
