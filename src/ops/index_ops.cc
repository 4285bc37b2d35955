// SPDX-License-Identifier: Apache-2.0
// Index operators: read or write a tensor at positions given by an index tensor.
// Gather, GatherElements, GatherND and OneHot are here; the Scatter family in
// scatter.cc. Indices may be negative (counted from the end); an index outside the
// dimension is bad input, checked before any memory is touched.
#include <algorithm>
#include <cstring>

#include "ops/data_movement.h"
#include "ops/families.h"
#include "ops/index_ops_internal.h"
#include "ops/registry.h"

namespace vigil {

std::vector<int64_t> element_base_offsets(const Shape& indices_shape, const Shape& data_strides, int64_t axis) {
  const int64_t total = shape_numel(indices_shape);
  std::vector<int64_t> offsets(static_cast<size_t>(total));
  const size_t rank = indices_shape.size();
  std::vector<int64_t> index(rank, 0);
  int64_t offset = 0;
  for (int64_t i = 0; i < total; ++i) {
    offsets[i] = offset;
    for (int64_t d = static_cast<int64_t>(rank) - 1; d >= 0; --d) {
      const int64_t stride = d == axis ? 0 : data_strides[d];
      offset += stride;
      if (++index[d] < indices_shape[d]) break;
      offset -= stride * indices_shape[d];
      index[d] = 0;
    }
  }
  return offsets;
}

std::vector<int64_t> checked_indices(const Tensor& indices, int64_t dim, const std::string& what) {
  check_input(indices.dtype() == DType::Int32 || indices.dtype() == DType::Int64, what,
              ": indices must be int32 or int64");
  std::vector<int64_t> values = indices.to_int64_vector();
  for (int64_t& v : values) v = normalize_index(v, dim, what);
  return values;
}

namespace {

const std::byte* bytes_of(const Tensor& t) { return static_cast<const std::byte*>(t.raw()); }
std::byte* bytes_of(Tensor& t) { return static_cast<std::byte*>(t.raw()); }

// Gather: out[outer, index..., inner] = data[outer, indices[index...], inner].
// Gather has only a planned path: the shape from the data and indices shapes; execute()
// reads the indices (int32 or int64) in place, checking each, and copies one block each.
class GatherOperator final : public Operator {
 public:
  explicit GatherOperator(int64_t axis) : axis_(axis) {}

  bool plan(const OpInputs& in, std::vector<TensorSpec>& out) override {
    const Tensor& data = require_input(in, 0, "Gather");
    const Tensor& indices = require_input(in, 1, "Gather");
    check_input(indices.dtype() == DType::Int32 || indices.dtype() == DType::Int64,
                "Gather: indices must be int32 or int64");
    const int64_t a = normalize_axis(axis_, data.rank(), "Gather");
    axis_index_ = a;
    Shape shape(data.shape().begin(), data.shape().begin() + a);
    shape.insert(shape.end(), indices.shape().begin(), indices.shape().end());
    shape.insert(shape.end(), data.shape().begin() + a + 1, data.shape().end());
    out.assign(1, TensorSpec{data.dtype(), shape});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    const Tensor& data = *in[0];
    const Tensor& indices = *in[1];
    const int64_t rank = data.rank();
    const int64_t a = axis_index_;
    const int64_t dim = data.dim(a), count = indices.numel();
    const size_t block = static_cast<size_t>(dims_product(data.shape(), a + 1, rank)) * dtype_size(data.dtype());
    const int64_t outer = dims_product(data.shape(), 0, a);
    auto index_at = [&](int64_t i) {
      const int64_t v = indices.dtype() == DType::Int32 ? indices.data<int32_t>()[i] : indices.data<int64_t>()[i];
      check_input(v >= -dim && v < dim, "Gather: index ", v, " is out of range for a dimension of ", dim);
      return v < 0 ? v + dim : v;
    };
    for (int64_t i = 0; i < count; ++i) index_at(i);  // every index checked before writing
    const std::byte* from = bytes_of(data);
    std::byte* to = bytes_of(out[0]);
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < count; ++i) {
        if (block > 0) std::memcpy(to + (o * count + i) * block, from + (o * dim + index_at(i)) * block, block);
      }
    }
  }

  std::string algorithm() const override { return "gather_blocks"; }

 private:
  int64_t axis_;
  int64_t axis_index_ = 0;  // axis_ normalised for the planned rank
};

std::unique_ptr<Operator> create_gather(const OpCreateInfo& info) {
  return std::make_unique<GatherOperator>(info.attributes().get_int("axis", 0));
}

std::unique_ptr<Operator> create_gather_elements(const OpCreateInfo& info) {
  const int64_t axis = info.attributes().get_int("axis", 0);
  return make_operator([axis](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "GatherElements");
    const Tensor& indices_tensor = require_input(in, 1, "GatherElements");
    const int64_t rank = data.rank();
    const int64_t a = normalize_axis(axis, rank, "GatherElements");
    check_input(indices_tensor.rank() == rank, "GatherElements: indices and data differ in rank");
    for (int64_t d = 0; d < rank; ++d) {
      check_input(d == a || indices_tensor.dim(d) <= data.dim(d), "GatherElements: indices shape ",
                  shape_to_string(indices_tensor.shape()), " exceeds data shape ", shape_to_string(data.shape()));
    }
    const std::vector<int64_t> indices = checked_indices(indices_tensor, data.dim(a), "GatherElements");
    const Shape strides = shape_strides(data.shape());
    const std::vector<int64_t> bases = element_base_offsets(indices_tensor.shape(), strides, a);
    Tensor result(data.dtype(), indices_tensor.shape());
    dispatch_dtype(data.dtype(), "GatherElements", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* d = data.data<T>();
      T* o = result.data<T>();
      for (size_t i = 0; i < indices.size(); ++i) o[i] = d[bases[i] + indices[i] * strides[a]];
    });
    out[0] = std::move(result);
  });
}

// GatherND: the last dimension of indices (k) addresses the first k dimensions of data
// after the batch_dims leading dimensions shared by data and indices; each index tuple
// selects a contiguous slice of data.
std::unique_ptr<Operator> create_gather_nd(const OpCreateInfo& info) {
  const int64_t batch_dims = info.attributes().get_int("batch_dims", 0);
  return make_operator([batch_dims](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "GatherND");
    const Tensor& indices_tensor = require_input(in, 1, "GatherND");
    const int64_t rank = data.rank();
    const int64_t q = indices_tensor.rank();
    check_input(q >= 1 && batch_dims >= 0 && batch_dims < std::min(q, rank), "GatherND: batch_dims ", batch_dims,
                " does not fit the ranks");
    const int64_t k = indices_tensor.dim(q - 1);
    check_input(k >= 1 && batch_dims + k <= rank, "GatherND: index tuples of length ", k, " for data of rank ", rank);
    for (int64_t d = 0; d < batch_dims; ++d) {
      check_input(data.dim(d) == indices_tensor.dim(d), "GatherND: batch dimensions differ");
    }
    Shape shape(indices_tensor.shape().begin(), indices_tensor.shape().end() - 1);
    shape.insert(shape.end(), data.shape().begin() + batch_dims + k, data.shape().end());
    Tensor result(data.dtype(), shape);
    const std::vector<int64_t> indices = indices_tensor.to_int64_vector();
    const Shape strides = shape_strides(data.shape());
    const int64_t batches = dims_product(data.shape(), 0, batch_dims);
    const int64_t batch_stride = batch_dims > 0 ? strides[batch_dims - 1] : data.numel();
    const int64_t tuples = dims_product(indices_tensor.shape(), batch_dims, q - 1);
    const size_t element = dtype_size(data.dtype());
    const size_t block = static_cast<size_t>(dims_product(data.shape(), batch_dims + k, rank)) * element;
    for (int64_t b = 0; b < batches; ++b) {
      for (int64_t t = 0; t < tuples; ++t) {
        const int64_t* tuple = indices.data() + (b * tuples + t) * k;
        int64_t offset = b * batch_stride;
        for (int64_t j = 0; j < k; ++j) {
          const int64_t axis = batch_dims + j;
          offset += normalize_index(tuple[j], data.dim(axis), "GatherND") * strides[axis];
        }
        std::memcpy(bytes_of(result) + (b * tuples + t) * block, bytes_of(data) + offset * element, block);
      }
    }
    out[0] = std::move(result);
  });
}

// OneHot: a new axis of size depth; values[1] where the index points, values[0]
// elsewhere. Indices outside [-depth, depth) give a row of off values, as the spec says.
std::unique_ptr<Operator> create_one_hot(const OpCreateInfo& info) {
  const int64_t axis = info.attributes().get_int("axis", -1);
  return make_operator([axis](const OpInputs& in, OpOutputs& out) {
    const Tensor& indices_tensor = require_input(in, 0, "OneHot");
    const Tensor& depth_tensor = require_input(in, 1, "OneHot");
    const Tensor& values = require_input(in, 2, "OneHot");
    check_input(depth_tensor.numel() == 1 && values.numel() == 2, "OneHot: depth must be a scalar, values a pair");
    const double depth_value = depth_tensor.to_double_vector()[0];
    check_input(depth_value >= 1 && depth_value < 0x1p62, "OneHot: depth must be positive and below 2^62, got ",
                depth_value);
    const int64_t depth = static_cast<int64_t>(depth_value);
    const int64_t rank = indices_tensor.rank() + 1;
    const int64_t a = normalize_axis(axis, rank, "OneHot");
    const std::vector<double> raw_indices = indices_tensor.to_double_vector();
    Shape shape = indices_tensor.shape();
    shape.insert(shape.begin() + a, depth);
    const int64_t outer = dims_product(shape, 0, a);
    const int64_t inner = dims_product(shape, a + 1, rank);
    Tensor result(values.dtype(), shape);
    dispatch_dtype(values.dtype(), "OneHot", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T off = values.data<T>()[0];
      const T on = values.data<T>()[1];
      T* o = result.data<T>();
      std::fill(o, o + result.numel(), off);
      for (int64_t p = 0; p < outer; ++p) {
        for (int64_t i = 0; i < inner; ++i) {
          int64_t index = convert_element<int64_t>(raw_indices[p * inner + i]);
          if (index < 0) index += depth;
          if (index >= 0 && index < depth) o[(p * depth + index) * inner + i] = on;
        }
      }
    });
    out[0] = std::move(result);
  });
}

}  // namespace

void register_index_operators(OpRegistry& registry) {
  registry.add("", "Gather", create_gather);
  registry.add("", "GatherElements", create_gather_elements);
  registry.add("", "GatherND", create_gather_nd);
  registry.add("", "Scatter", create_scatter_elements);
  registry.add("", "ScatterElements", create_scatter_elements);
  registry.add("", "ScatterND", create_scatter_nd);
  registry.add("", "OneHot", create_one_hot);
}

}  // namespace vigil
