// SPDX-License-Identifier: Apache-2.0
// The planned path of Transpose for 4-byte elements (float32, int32). plan() drops unit
// dimensions and merges input dimensions that stay adjacent under the permutation, so
// the attention permutations (0,2,1,3) and (1,0,2) become copies of contiguous rows and
// a last-two-axes swap becomes a batch of 2-D transposes, done in 8 x 8 tiles. Whatever
// is left is a strided copy. Work is split over threads by outer rows.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "ops/data_movement.h"
#include "ops/f32_fast_path.h"
#include "ops/tensor_ops_internal.h"

namespace vigil {

namespace {

class TransposeOperator final : public F32FastOperator {
 public:
  TransposeOperator(std::unique_ptr<Operator> reference, std::vector<int64_t> perm, int threads)
      : F32FastOperator(std::move(reference)), perm_(std::move(perm)), threads_(threads) {}

  bool plan(const OpInputs& in, std::vector<TensorSpec>& out) override {
    if (!has_input(in, 0)) return false;
    const DType type = in[0]->dtype();
    if (type != DType::Float32 && type != DType::Int32) return false;
    const Shape& shape = in[0]->shape();
    const int64_t rank = in[0]->rank();
    std::vector<int64_t> perm = perm_;
    if (perm.empty()) {
      for (int64_t i = rank - 1; i >= 0; --i) perm.push_back(i);
    }
    if (static_cast<int64_t>(perm.size()) != rank) return false;
    std::vector<bool> seen(static_cast<size_t>(rank), false);
    for (int64_t& p : perm) {
      if (p < -rank || p >= rank) return false;
      if (p < 0) p += rank;
      if (seen[p]) return false;
      seen[p] = true;
    }
    Shape out_shape;
    for (int64_t p : perm) out_shape.push_back(shape[p]);
    out.assign(1, TensorSpec{type, out_shape});

    // Output dimensions (as input axes) without unit ones, merged where consecutive.
    std::vector<std::pair<int64_t, int64_t>> runs;  // (first input axis, last input axis)
    for (int64_t p : perm) {
      if (shape[p] == 1) continue;
      if (!runs.empty() && next_kept(shape, runs.back().second) == p) {
        runs.back().second = p;
      } else {
        runs.push_back({p, p});
      }
    }
    const Shape in_strides = shape_strides(shape);
    dims_.clear();
    src_strides_.clear();
    for (const auto& [first, last] : runs) {
      dims_.push_back(dims_product(shape, first, last + 1));
      src_strides_.push_back(in_strides[last]);
    }
    if (dims_.empty()) {
      dims_.push_back(1);
      src_strides_.push_back(1);
    }
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    const uint32_t* src = static_cast<const uint32_t*>(in[0]->raw());
    uint32_t* dst = static_cast<uint32_t*>(out[0].raw());
    const int64_t total = in[0]->numel();
    if (total == 0) return;
    const size_t rank = dims_.size();
    const int64_t inner = dims_.back();
    if (src_strides_.back() == 1) {  // rows stay contiguous: copy them
      const int64_t rows = total / inner;
      parallel_ranges_if_large(rows, inner, threads_, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
          std::memcpy(dst + r * inner, src + source_offset(r, rank - 1), static_cast<size_t>(inner) * 4);
        }
      });
      return;
    }
    if (rank >= 2 && src_strides_[rank - 2] == 1) {  // a batch of 2-D transposes
      const int64_t rows = dims_[rank - 2], batches = total / (rows * inner);
      const int64_t column_stride = src_strides_[rank - 1];
      parallel_ranges_if_large(batches, rows * inner, threads_, [&](int64_t begin, int64_t end) {
        for (int64_t b = begin; b < end; ++b) {
          transpose_2d(src + source_offset(b, rank - 2), column_stride, dst + b * rows * inner, rows, inner);
        }
      });
      return;
    }
    const int64_t rows = total / inner, step = src_strides_.back();
    parallel_ranges_if_large(rows, inner, threads_, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const uint32_t* from = src + source_offset(r, rank - 1);
        uint32_t* to = dst + r * inner;
        for (int64_t j = 0; j < inner; ++j) to[j] = from[j * step];
      }
    });
  }

  std::string algorithm() const override { return "transpose_merged"; }

 private:
  // The next input axis after `axis` whose size is not 1 (or rank).
  static int64_t next_kept(const Shape& shape, int64_t axis) {
    int64_t next = axis + 1;
    while (next < static_cast<int64_t>(shape.size()) && shape[next] == 1) ++next;
    return next;
  }

  // The source offset of outer index `index` over the first `count` merged output dims.
  int64_t source_offset(int64_t index, size_t count) const {
    int64_t offset = 0;
    for (size_t d = count; d-- > 0;) {
      offset += (index % dims_[d]) * src_strides_[d];
      index /= dims_[d];
    }
    return offset;
  }

  // dst (rows x columns, row-major) from src where element (i, j) is at src[j * stride + i].
  static void transpose_2d(const uint32_t* src, int64_t stride, uint32_t* dst, int64_t rows, int64_t columns) {
    constexpr int64_t kTile = 8;
    for (int64_t i0 = 0; i0 < rows; i0 += kTile) {
      const int64_t i1 = std::min(rows, i0 + kTile);
      for (int64_t j0 = 0; j0 < columns; j0 += kTile) {
        const int64_t j1 = std::min(columns, j0 + kTile);
        for (int64_t i = i0; i < i1; ++i) {
          for (int64_t j = j0; j < j1; ++j) dst[i * columns + j] = src[j * stride + i];
        }
      }
    }
  }

  std::vector<int64_t> perm_;
  int threads_;
  Shape dims_, src_strides_;  // merged output dimensions and their input strides
};

}  // namespace

std::unique_ptr<Operator> create_fast_transpose(const OpCreateInfo& info, std::unique_ptr<Operator> reference) {
  return std::make_unique<TransposeOperator>(std::move(reference), info.attributes().get_ints("perm"), info.threads);
}

}  // namespace vigil
