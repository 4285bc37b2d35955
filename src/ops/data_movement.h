// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the data-movement operators (shape, tensor, index, ordering and
// resize families): most of them read a strided view of one tensor into another, so a
// single N-d strided copy serves Transpose, Slice, Expand, Tile, DepthToSpace, ...
// Also the small readers for the integer "shape-like" inputs (axes, starts, repeats).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "ops/operator.h"

namespace vigil {

// Copies the elements of a view of `src` (first element at `src_offset`, per-dimension
// strides `src_strides`, in elements; strides may be 0 or negative) into `dst`, laid out
// from `dst_offset` with `dst_strides`. `shape` is the view's shape; `src` and `dst` have
// the same element type.
void copy_strided(const Tensor& src, int64_t src_offset, const Shape& src_strides, Tensor& dst, int64_t dst_offset,
                  const Shape& dst_strides, const Shape& shape);

// A new contiguous tensor holding the view of `src` described by offset, strides and shape.
Tensor gather_view(const Tensor& src, int64_t offset, const Shape& strides, const Shape& shape);

// `src` with its dimensions permuted: output dimension i is input dimension perm[i].
Tensor transpose_tensor(const Tensor& src, const std::vector<int64_t>& perm);

// The elements of an optional integer input (axes, pads, ...); `fallback` if it is absent.
std::vector<int64_t> optional_int64s(const OpInputs& in, size_t index, std::vector<int64_t> fallback = {});

// Axes normalised to [0, rank), checked for duplicates; `what` names the operator.
std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t rank, const std::string& what);

// Product of shape[begin, end).
int64_t dims_product(const Shape& shape, int64_t begin, int64_t end);

// Maps a possibly negative index into [0, dim); a bad-input Error naming `what` if it
// is outside [-dim, dim).
int64_t normalize_index(int64_t index, int64_t dim, const std::string& what);

}  // namespace vigil
