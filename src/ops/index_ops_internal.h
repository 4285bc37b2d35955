// SPDX-License-Identifier: Apache-2.0
// Shared by the index family: index_ops.cc (Gather*, OneHot, registration) and
// scatter.cc (Scatter, ScatterElements, ScatterND).
#pragma once

#include <memory>
#include <vector>

#include "core/tensor.h"
#include "ops/operator.h"

namespace vigil {

// For every element of an index tensor of `indices_shape` (row-major), the offset into a
// tensor with strides `data_strides` of the same coordinates, with the `axis` coordinate
// taken as 0: GatherElements and ScatterElements then add index * data_strides[axis].
std::vector<int64_t> element_base_offsets(const Shape& indices_shape, const Shape& data_strides, int64_t axis);

// The indices of an index input as int64, negative ones wrapped, each checked to lie in
// [-dim, dim): out of range is bad input.
std::vector<int64_t> checked_indices(const Tensor& indices, int64_t dim, const std::string& what);

std::unique_ptr<Operator> create_scatter_elements(const OpCreateInfo& info);  // also Scatter
std::unique_ptr<Operator> create_scatter_nd(const OpCreateInfo& info);

}  // namespace vigil
