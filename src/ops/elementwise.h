// SPDX-License-Identifier: Apache-2.0
// Elementwise iteration shared by the unary, binary, variadic and cast operators: one
// loop that walks any number of operands over their numpy broadcast, and the float16 /
// bfloat16 widening that lets those operators compute in float.
//
// The loop merges adjacent dimensions wherever every operand walks them contiguously
// (or not at all), so equal shapes become one flat run and "tensor op scalar" or
// "[N,C,H,W] op [C,1,1]" become long inner runs. Each inner run is a separate template
// instantiation per pattern of broadcast operands, so the compiler sees unit-stride or
// loop-invariant reads and can vectorise them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace vigil {

// A typed read-only view of one operand: its data and shape.
template <class T>
struct Operand {
  const T* data;
  const Shape* shape;
};

template <class T>
Operand<T> operand(const Tensor& tensor) {
  return {tensor.data<T>(), &tensor.shape()};
}

// The output shape, merged into as few dimensions as possible, and each operand's
// strides over it (0 along broadcast dimensions). The last dimension is the inner run.
template <size_t N>
struct BroadcastLayout {
  Shape dims;
  std::array<Shape, N> strides;

  BroadcastLayout(const Shape& out_shape, const std::array<const Shape*, N>& shapes) {
    std::array<Shape, N> full;
    for (size_t k = 0; k < N; ++k) full[k] = broadcast_strides(*shapes[k], out_shape);
    for (size_t d = 0; d < out_shape.size(); ++d) {
      const int64_t size = out_shape[d];
      if (size == 1) continue;  // contributes nothing to any offset
      bool mergeable = !dims.empty();
      for (size_t k = 0; k < N && mergeable; ++k) mergeable = strides[k].back() == full[k][d] * size;
      if (mergeable) {
        dims.back() *= size;
        for (size_t k = 0; k < N; ++k) strides[k].back() = full[k][d];
      } else {
        dims.push_back(size);
        for (size_t k = 0; k < N; ++k) strides[k].push_back(full[k][d]);
      }
    }
    if (dims.empty()) {  // a single element
      dims.push_back(1);
      for (size_t k = 0; k < N; ++k) strides[k].push_back(0);
    }
  }
};

namespace elementwise_detail {

// One inner run: bit k of Mask says operand k advances with the output (stride 1);
// otherwise it is broadcast along the run and read at offset 0.
template <unsigned Mask, class Out, class F, class... In, size_t... K>
void inner_run_impl(Out* out, int64_t n, const F& f, std::index_sequence<K...>, const In*... in) {
  for (int64_t i = 0; i < n; ++i) out[i] = f(in[((Mask >> K) & 1u) ? i : 0]...);
}

template <unsigned Mask, class Out, class F, class... In>
void inner_run(Out* out, int64_t n, const F& f, const In*... in) {
  inner_run_impl<Mask>(out, n, f, std::index_sequence_for<In...>{}, in...);
}

template <class Out, class F, class... In, unsigned... M>
constexpr auto inner_run_table(std::integer_sequence<unsigned, M...>) {
  using Run = void (*)(Out*, int64_t, const F&, const In*...);
  return std::array<Run, sizeof...(M)>{&inner_run<M, Out, F, In...>...};
}

template <class Out, class F, class... In, size_t... K>
void map_broadcast_impl(const Shape& out_shape, Out* out, const F& f, std::index_sequence<K...>,
                        const Operand<In>&... operands) {
  constexpr size_t N = sizeof...(In);
  const int64_t total = shape_numel(out_shape);
  if (total == 0) return;
  const BroadcastLayout<N> layout(out_shape, {operands.shape...});
  const size_t outer_rank = layout.dims.size() - 1;
  const int64_t inner = layout.dims.back();

  // The inner stride of an operand is 1 or 0: its innermost non-unit dimension is the
  // output's innermost one, or it is broadcast there.
  unsigned mask = 0;
  ((mask |= (layout.strides[K].back() != 0 ? 1u : 0u) << K), ...);
  static constexpr auto table = inner_run_table<Out, F, In...>(std::make_integer_sequence<unsigned, (1u << N)>{});
  const auto run = table[mask];

  std::array<int64_t, N> offset{};
  std::vector<int64_t> counter(outer_rank, 0);
  for (int64_t start = 0; start < total; start += inner) {
    run(out + start, inner, f, (operands.data + offset[K])...);
    // Odometer step over the outer dimensions, innermost first.
    for (size_t d = outer_rank; d-- > 0;) {
      ((offset[K] += layout.strides[K][d]), ...);
      if (++counter[d] < layout.dims[d]) break;
      ((offset[K] -= layout.strides[K][d] * layout.dims[d]), ...);
      counter[d] = 0;
    }
  }
}

}  // namespace elementwise_detail

// out[i] = f(operands[i]...) for every index i of out_shape, each operand read at its
// broadcast position. The operand shapes must broadcast to out_shape (checked by the
// callers through broadcast_shapes).
template <class Out, class F, class... In>
void map_broadcast(const Shape& out_shape, Out* out, const F& f, const Operand<In>&... operands) {
  elementwise_detail::map_broadcast_impl(out_shape, out, f, std::index_sequence_for<In...>{}, operands...);
}

// The numpy broadcast of all operand shapes; a bad-input Error naming `what` otherwise.
Shape broadcast_all(const std::vector<const Shape*>& shapes, const std::string& what);

// A new tensor of element type Out over the broadcast of the operands, filled with f.
template <class Out, class F, class... In>
Tensor apply_elementwise(const std::string& what, const F& f, const Operand<In>&... operands) {
  Tensor out(dtype_of<Out>(), broadcast_all({operands.shape...}, what));
  map_broadcast(out.shape(), out.template data<Out>(), f, operands...);
  return out;
}

// Elementwise conversion to another element type, as convert_element does; the same
// tensor (shared buffer) when the type already matches. String tensors are unsupported.
Tensor convert_tensor(const Tensor& tensor, DType to);

// float16 and bfloat16 are storage types: operators compute on float32 copies and
// convert the result back (convert_tensor). Other types pass through unchanged.
bool is_half_dtype(DType type);
Tensor widen_half(const Tensor& tensor);

// Checks that inputs meant to share one element type do.
void check_same_dtype(const Tensor& a, const Tensor& b, const std::string& what);

}  // namespace vigil
