// SPDX-License-Identifier: Apache-2.0
// Tensor operators that rearrange data without computing on it: Concat, Split,
// Transpose, Tile, DepthToSpace, SpaceToDepth, ReverseSequence, Compress (here) and
// Slice, Pad (slice.cc, pad.cc). Most reduce to the strided copy of data_movement.h;
// Concat, Split and Compress move contiguous blocks with memcpy, type-independently.
#include <algorithm>
#include <cstring>
#include <string>

#include "ops/data_movement.h"
#include "ops/families.h"
#include "ops/registry.h"
#include "ops/tensor_ops_internal.h"

namespace vigil {

namespace {

// Copies `bytes` bytes from byte offset `from_byte` of src to `to_byte` of dst. raw() is
// reached even for an empty block, so that string tensors (no plain bytes) are refused.
void copy_block(const Tensor& src, int64_t from_byte, Tensor& dst, int64_t to_byte, int64_t bytes) {
  std::byte* to = static_cast<std::byte*>(dst.raw());
  const std::byte* from = static_cast<const std::byte*>(src.raw());
  if (bytes > 0) std::memcpy(to + to_byte, from + from_byte, static_cast<size_t>(bytes));
}

// Concat has only a planned path: the shape from the input shapes, then one block per
// input and outer index.
class ConcatOperator final : public Operator {
 public:
  explicit ConcatOperator(int64_t axis) : axis_(axis) {}

  bool plan(const OpInputs& in, std::vector<TensorSpec>& out) override {
    const Tensor& first = require_input(in, 0, "Concat");
    const int64_t rank = first.rank();
    const int64_t a = normalize_axis(axis_, rank, "Concat");
    axis_index_ = a;
    Shape shape = first.shape();
    shape[a] = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      const Tensor& t = require_input(in, i, "Concat");
      check_input(t.dtype() == first.dtype() && t.rank() == rank, "Concat: inputs differ in type or rank");
      for (int64_t d = 0; d < rank; ++d) {
        check_input(d == a || t.dim(d) == first.dim(d), "Concat: input shapes ", shape_to_string(first.shape()),
                    " and ", shape_to_string(t.shape()), " differ outside the axis");
      }
      shape[a] += t.dim(a);
    }
    out.assign(1, TensorSpec{first.dtype(), shape});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    Tensor& result = out[0];
    const Shape& shape = result.shape();
    const int64_t rank = result.rank();
    const int64_t a = axis_index_;
    const int64_t element = static_cast<int64_t>(dtype_size(result.dtype()));
    const int64_t outer = dims_product(shape, 0, a);
    const int64_t out_row = dims_product(shape, a, rank) * element;
    int64_t column = 0;
    for (const Tensor* t : in) {
      const int64_t row = dims_product(t->shape(), a, rank) * element;
      for (int64_t o = 0; o < outer; ++o) copy_block(*t, o * row, result, o * out_row + column, row);
      column += row;
    }
  }

  std::string algorithm() const override { return "concat_blocks"; }

 private:
  int64_t axis_;
  int64_t axis_index_ = 0;  // axis_ normalised for the planned rank
};

std::unique_ptr<Operator> create_concat(const OpCreateInfo& info) {
  const int64_t axis = info.attributes().get_int("axis", info.opset < 4 ? 1 : 0);
  check_input(info.opset < 4 || info.attributes().has("axis"), info.describe(), ": attribute 'axis' is required");
  return std::make_unique<ConcatOperator>(axis);
}

// Split: sizes from the attribute (before 13) or input (from 13); equal parts when absent
// (the last part smaller if the dimension does not divide evenly).
std::unique_ptr<Operator> create_split(const OpCreateInfo& info) {
  const int64_t axis = info.attributes().get_int("axis", 0);
  const bool split_as_input = info.opset >= 13;
  const std::vector<int64_t> attribute = info.attributes().get_ints("split");
  return make_operator([axis, split_as_input, attribute](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "Split");
    const int64_t rank = data.rank();
    const int64_t a = normalize_axis(axis, rank, "Split");
    const int64_t dim = data.dim(a);
    std::vector<int64_t> sizes = split_as_input ? optional_int64s(in, 1) : attribute;
    const int64_t parts = static_cast<int64_t>(out.size());
    if (sizes.empty()) {
      const int64_t chunk = (dim + parts - 1) / parts;
      for (int64_t p = 0; p < parts; ++p) sizes.push_back(std::clamp<int64_t>(dim - p * chunk, 0, chunk));
    }
    check_input(static_cast<int64_t>(sizes.size()) == parts, "Split: ", sizes.size(), " sizes for ", parts, " outputs");
    int64_t sum = 0;
    for (int64_t s : sizes) {
      check_input(s >= 0, "Split: negative size ", s);
      sum += s;
    }
    check_input(sum == dim, "Split: sizes add up to ", sum, ", the axis has ", dim);
    const int64_t element = static_cast<int64_t>(dtype_size(data.dtype()));
    const int64_t outer = dims_product(data.shape(), 0, a);
    const int64_t inner = dims_product(data.shape(), a + 1, rank) * element;
    int64_t column = 0;
    for (int64_t p = 0; p < parts; ++p) {
      Shape shape = data.shape();
      shape[a] = sizes[p];
      Tensor part(data.dtype(), shape);
      const int64_t row = sizes[p] * inner;
      for (int64_t o = 0; o < outer; ++o) copy_block(data, o * dim * inner + column, part, o * row, row);
      column += row;
      out[p] = std::move(part);
    }
  });
}

std::unique_ptr<Operator> create_transpose(const OpCreateInfo& info) {
  const std::vector<int64_t> perm_attribute = info.attributes().get_ints("perm");
  return make_operator([perm_attribute](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "Transpose");
    const int64_t rank = data.rank();
    std::vector<int64_t> perm = perm_attribute;
    if (perm.empty()) {
      for (int64_t i = rank - 1; i >= 0; --i) perm.push_back(i);
    }
    check_input(static_cast<int64_t>(perm.size()) == rank, "Transpose: perm has ", perm.size(), " entries for rank ",
                rank);
    out[0] = transpose_tensor(data, normalize_axes(perm, rank, "Transpose"));
  });
}

std::unique_ptr<Operator> create_transpose_operator(const OpCreateInfo& info) {
  return create_fast_transpose(info, create_transpose(info));
}

// Tile: output dimension d is (repeat r, input index i) flattened, so the output is the
// strided view of shape [R0, D0, R1, D1, ...] with strides [0, S0, 0, S1, ...].
std::unique_ptr<Operator> create_tile(const OpCreateInfo& info) {
  if (info.opset < 6) fail_unsupported(info.describe(), ": Tile before opset 6 is not supported");
  return make_operator([](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "Tile");
    const std::vector<int64_t> repeats = require_input(in, 1, "Tile").to_int64_vector();
    check_input(static_cast<int64_t>(repeats.size()) == data.rank(), "Tile: ", repeats.size(), " repeats for rank ",
                data.rank());
    const Shape in_strides = shape_strides(data.shape());
    Shape view_shape, view_strides, shape;
    for (int64_t d = 0; d < data.rank(); ++d) {
      check_input(repeats[d] >= 0, "Tile: negative repeat ", repeats[d]);
      view_shape.insert(view_shape.end(), {repeats[d], data.dim(d)});
      view_strides.insert(view_strides.end(), {0, in_strides[d]});
    }
    shape_numel(view_shape, "Tile");  // so that no product below can overflow
    for (int64_t d = 0; d < data.rank(); ++d) shape.push_back(repeats[d] * data.dim(d));
    out[0] = gather_view(data, 0, view_strides, view_shape).reshaped(shape);
  });
}

// DepthToSpace and SpaceToDepth are a reshape to 6-d, a transpose and a reshape back.
std::unique_ptr<Operator> create_depth_to_space(const OpCreateInfo& info) {
  const int64_t block = info.attributes().require_int("blocksize");
  const std::string mode = info.attributes().get_string("mode", "DCR");
  if (mode != "DCR" && mode != "CRD") fail_unsupported(info.describe(), ": mode '", mode, "' is not supported");
  return make_operator([block, mode](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "DepthToSpace");
    check_input(data.rank() == 4 && block > 0 && data.dim(1) % (block * block) == 0, "DepthToSpace: input ",
                shape_to_string(data.shape()), " does not fit blocksize ", block);
    const int64_t n = data.dim(0), c = data.dim(1) / (block * block), h = data.dim(2), w = data.dim(3);
    const Tensor moved = mode == "DCR"
                             ? transpose_tensor(data.reshaped({n, block, block, c, h, w}), {0, 3, 4, 1, 5, 2})
                             : transpose_tensor(data.reshaped({n, c, block, block, h, w}), {0, 1, 4, 2, 5, 3});
    out[0] = moved.reshaped({n, c, h * block, w * block});
  });
}

std::unique_ptr<Operator> create_space_to_depth(const OpCreateInfo& info) {
  const int64_t block = info.attributes().require_int("blocksize");
  return make_operator([block](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "SpaceToDepth");
    check_input(data.rank() == 4 && block > 0 && data.dim(2) % block == 0 && data.dim(3) % block == 0,
                "SpaceToDepth: input ", shape_to_string(data.shape()), " does not fit blocksize ", block);
    const int64_t n = data.dim(0), c = data.dim(1), h = data.dim(2) / block, w = data.dim(3) / block;
    const Tensor moved = transpose_tensor(data.reshaped({n, c, h, block, w, block}), {0, 3, 5, 1, 2, 4});
    out[0] = moved.reshaped({n, c * block * block, h, w});
  });
}

// ReverseSequence: for each batch entry b, the first sequence_lens[b] steps along the
// time axis are reversed; each step is the sub-tensor over the remaining axes.
std::unique_ptr<Operator> create_reverse_sequence(const OpCreateInfo& info) {
  const int64_t batch_axis = info.attributes().get_int("batch_axis", 1);
  const int64_t time_axis = info.attributes().get_int("time_axis", 0);
  return make_operator([batch_axis, time_axis](const OpInputs& in, OpOutputs& out) {
    const Tensor& data = require_input(in, 0, "ReverseSequence");
    const std::vector<int64_t> lengths = require_input(in, 1, "ReverseSequence").to_int64_vector();
    const int64_t rank = data.rank();
    check_input(rank >= 2, "ReverseSequence: input rank must be at least 2");
    const int64_t b_axis = normalize_axis(batch_axis, rank, "ReverseSequence");
    const int64_t t_axis = normalize_axis(time_axis, rank, "ReverseSequence");
    check_input(b_axis != t_axis, "ReverseSequence: batch_axis equals time_axis");
    check_input(static_cast<int64_t>(lengths.size()) == data.dim(b_axis), "ReverseSequence: ", lengths.size(),
                " sequence lengths for a batch of ", data.dim(b_axis));
    const Shape strides = shape_strides(data.shape());
    Shape step_shape, step_strides;
    for (int64_t d = 0; d < rank; ++d) {
      if (d == b_axis || d == t_axis) continue;
      step_shape.push_back(data.dim(d));
      step_strides.push_back(strides[d]);
    }
    Tensor result = data.clone();
    for (int64_t b = 0; b < data.dim(b_axis); ++b) {
      const int64_t length = lengths[b];
      check_input(length >= 0 && length <= data.dim(t_axis), "ReverseSequence: sequence length ", length,
                  " is out of range");
      for (int64_t t = 0; t < length; ++t) {
        const int64_t base = b * strides[b_axis];
        copy_strided(data, base + (length - 1 - t) * strides[t_axis], step_strides, result, base + t * strides[t_axis],
                     step_strides, step_shape);
      }
    }
    out[0] = std::move(result);
  });
}

// Compress: keeps the slices along `axis` (of the flattened input without an axis)
// whose condition is true; the condition may be shorter than the axis.
std::unique_ptr<Operator> create_compress(const OpCreateInfo& info) {
  const bool has_axis = info.attributes().has("axis");
  const int64_t axis = info.attributes().get_int("axis", 0);
  return make_operator([has_axis, axis](const OpInputs& in, OpOutputs& out) {
    const Tensor& input = require_input(in, 0, "Compress");
    const std::vector<int64_t> condition = require_input(in, 1, "Compress").to_int64_vector();
    const Tensor data = has_axis ? input : input.reshaped({input.numel()});
    const int64_t a = has_axis ? normalize_axis(axis, data.rank(), "Compress") : 0;
    const int64_t dim = data.dim(a);
    check_input(static_cast<int64_t>(condition.size()) <= dim, "Compress: condition is longer than the axis");
    std::vector<int64_t> kept;
    for (size_t i = 0; i < condition.size(); ++i) {
      if (condition[i]) kept.push_back(static_cast<int64_t>(i));
    }
    Shape shape = data.shape();
    shape[a] = static_cast<int64_t>(kept.size());
    Tensor result(data.dtype(), shape);
    const int64_t inner =
        dims_product(data.shape(), a + 1, data.rank()) * static_cast<int64_t>(dtype_size(data.dtype()));
    const int64_t outer = dims_product(data.shape(), 0, a);
    for (int64_t o = 0; o < outer; ++o) {
      for (size_t k = 0; k < kept.size(); ++k) {
        copy_block(data, (o * dim + kept[k]) * inner, result, (o * shape[a] + static_cast<int64_t>(k)) * inner, inner);
      }
    }
    out[0] = std::move(result);
  });
}

}  // namespace

void register_tensor_operators(OpRegistry& registry) {
  registry.add("", "Concat", create_concat);
  registry.add("", "Split", create_split);
  registry.add("", "Slice", create_slice);
  registry.add("", "Transpose", create_transpose_operator);
  registry.add("", "Tile", create_tile);
  registry.add("", "Pad", create_pad);
  registry.add("", "DepthToSpace", create_depth_to_space);
  registry.add("", "SpaceToDepth", create_space_to_depth);
  registry.add("", "ReverseSequence", create_reverse_sequence);
  registry.add("", "Compress", create_compress);
}

}  // namespace vigil
