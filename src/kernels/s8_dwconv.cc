// The depthwise int8 convolution of kernels/s8_dwconv.h: the padded plane, the scalar
// loop, and the dispatch to the AVX-512 rows.
#include "kernels/s8_dwconv.h"

#include <algorithm>
#include <cstring>

#include "core/cpu_features.h"

namespace vigil::kernels {

namespace {

constexpr int64_t kSlack = 64;  // vector loads may run this far past the plane

// The sum over the filter's taps, times the input's (u8-form) zero point: what the padded
// sum x w holds beyond sum (x - zx) w.
int32_t zero_point_correction(const S8DepthwiseShape& s, const S8DepthwiseChannel& c, int32_t zero_point) {
  int32_t sum = 0;
  for (int64_t t = 0; t < s.kernel_h * s.kernel_w; ++t) sum += c.weights[t];
  return zero_point * sum;
}

}  // namespace

// The rows of the AVX-512 path (x86/avx512/s8_dwconv__avx512.cc).
void s8_dwconv_rows__avx512(const S8DepthwiseShape& s, const uint8_t* plane, const S8DepthwiseChannel& c,
                            int32_t offset, uint8_t* y);

size_t s8_dwconv_scratch_bytes(const S8DepthwiseShape& s) {
  return static_cast<size_t>(s.padded_h() * s.padded_w() + kSlack);
}

void s8_dwconv_channel(const S8DepthwiseShape& s, const uint8_t* x, bool is_signed, const S8DepthwiseChannel& c,
                       uint8_t* y, uint8_t* scratch) {
  const uint8_t flip = is_signed ? 0x80 : 0x00;
  const int32_t zero_point = c.x_zero_point + (is_signed ? 128 : 0);  // in the u8 form
  const int64_t width = s.padded_w(), height = s.padded_h();
  std::memset(scratch, static_cast<uint8_t>(zero_point), static_cast<size_t>(width * height + kSlack));
  for (int64_t iy = 0; iy < s.in_h; ++iy) {
    const int64_t py = iy + s.pad_top;
    if (py < 0 || py >= height) continue;
    const int64_t first = std::max<int64_t>(0, -s.pad_left), last = std::min(s.in_w, width - s.pad_left);
    uint8_t* row = scratch + py * width + s.pad_left;
    std::memcpy(row + first, x + iy * s.in_w + first, static_cast<size_t>(std::max<int64_t>(0, last - first)));
    if (flip) {
      for (int64_t ix = first; ix < last; ++ix) row[ix] ^= flip;
    }
  }
  // The bias less the padded sum's excess, added to every sum.
  const int32_t offset = c.bias - zero_point_correction(s, c, zero_point);
  if (active_isa() == Isa::Avx512) return s8_dwconv_rows__avx512(s, scratch, c, offset, y);
  for (int64_t oy = 0; oy < s.out_h; ++oy) {
    for (int64_t ox = 0; ox < s.out_w; ++ox) {
      int32_t sum = offset;
      const uint8_t* window = scratch + oy * s.stride_h * width + ox * s.stride_w;
      for (int64_t ky = 0; ky < s.kernel_h; ++ky) {
        for (int64_t kx = 0; kx < s.kernel_w; ++kx) sum += window[ky * width + kx] * c.weights[ky * s.kernel_w + kx];
      }
      y[oy * s.out_w + ox] =
          static_cast<uint8_t>(requantize(sum, c.multiplier, c.y_zero_point, c.y_min, c.y_max));
    }
  }
}

const char* s8_dwconv_kernel_name() {
  return active_isa() == Isa::Avx512 ? "qs8_dwconv_requant__avx512" : "qs8_dwconv_requant__scalar";
}

}  // namespace vigil::kernels
