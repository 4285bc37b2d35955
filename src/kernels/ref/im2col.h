// SPDX-License-Identifier: Apache-2.0
// im2col and col2im for N-D convolution: the lowering that turns Conv into one GEMM per
// (image, group) and ConvTranspose into a GEMM followed by a scatter. A column matrix has
// one row per (channel, kernel offset) and one column per output position, so that
// weights (out_channels x channels*kernel) times columns gives the output plane.
// Plain scalar code on pointers; it knows nothing of tensors or operators.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace vigil::kernels {

// The sliding-window geometry of one image: spatial dimensions of the image and of the
// output, with per-dimension kernel size, stride, dilation and leading padding.
struct PatchGeometry {
  int64_t channels = 0;
  std::vector<int64_t> input;
  std::vector<int64_t> output;
  std::vector<int64_t> kernel;
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  std::vector<int64_t> pads_begin;

  int64_t input_size() const { return product(input); }
  int64_t output_size() const { return product(output); }
  int64_t kernel_size() const { return product(kernel); }
  static int64_t product(const std::vector<int64_t>& dims) {
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    return n;
  }
};

namespace im2col_detail {

inline int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Moves data between an image (channels x input) and its column matrix
// (channels*kernel x output): copies image to columns (zeros where the window lies in the
// padding), or with kToImage adds columns back into the image.
template <class T, bool kToImage>
void patch_transfer(const PatchGeometry& g, T* image, T* columns) {
  const size_t rank = g.input.size();
  const int64_t kernel_size = g.kernel_size();
  const int64_t output_size = g.output_size();
  const int64_t input_size = g.input_size();
  const int64_t last = static_cast<int64_t>(rank) - 1;
  const int64_t inner_out = g.output[last];
  const int64_t inner_in = g.input[last];
  const int64_t outer_count = inner_out == 0 ? 0 : output_size / inner_out;
  std::vector<int64_t> offset(rank), position(rank);
  for (int64_t c = 0; c < g.channels; ++c) {
    T* plane = image + c * input_size;
    for (int64_t k = 0; k < kernel_size; ++k) {
      for (int64_t d = last, rest = k; d >= 0; --d) {
        offset[d] = rest % g.kernel[d];
        rest /= g.kernel[d];
      }
      T* row = columns + (c * kernel_size + k) * output_size;
      // Along the innermost dimension, the output positions whose input lies inside the image.
      const int64_t shift = offset[last] * g.dilations[last] - g.pads_begin[last];
      const int64_t stride = g.strides[last];
      const int64_t lo = std::clamp<int64_t>(-floor_div(shift, stride), 0, inner_out);
      const int64_t hi = std::clamp<int64_t>(floor_div(inner_in - 1 - shift, stride) + 1, lo, inner_out);
      std::fill(position.begin(), position.end(), 0);
      for (int64_t outer = 0; outer < outer_count; ++outer) {
        T* segment = row + outer * inner_out;
        bool inside = true;
        int64_t base = 0;
        for (int64_t d = 0; d < last; ++d) {
          const int64_t at = position[d] * g.strides[d] + offset[d] * g.dilations[d] - g.pads_begin[d];
          inside = inside && at >= 0 && at < g.input[d];
          base = base * g.input[d] + at;
        }
        for (int64_t d = last - 1; d >= 0; --d) {  // next outer position, odometer style
          if (++position[d] < g.output[d]) break;
          position[d] = 0;
        }
        if (!inside) {
          if constexpr (!kToImage) std::fill(segment, segment + inner_out, T(0));
          continue;
        }
        const int64_t start = base * inner_in + shift;  // input index of output position 0
        if constexpr (kToImage) {
          for (int64_t o = lo; o < hi; ++o) plane[start + o * stride] += segment[o];
        } else {
          std::fill(segment, segment + lo, T(0));
          for (int64_t o = lo; o < hi; ++o) segment[o] = plane[start + o * stride];
          std::fill(segment + hi, segment + inner_out, T(0));
        }
      }
    }
  }
}

}  // namespace im2col_detail

// columns (channels*kernel_size x output_size) <- image (channels x input_size).
template <class T>
void im2col(const PatchGeometry& geometry, const T* image, T* columns) {
  im2col_detail::patch_transfer<T, false>(geometry, const_cast<T*>(image), columns);
}

// image += the scatter of columns (the adjoint of im2col); image is not cleared first.
template <class T>
void col2im_add(const PatchGeometry& geometry, const T* columns, T* image) {
  im2col_detail::patch_transfer<T, true>(geometry, image, const_cast<T*>(columns));
}

}  // namespace vigil::kernels
