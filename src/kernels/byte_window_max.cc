// The scalar loop and the dispatch of kernels/byte_window_max.h.
#include "kernels/byte_window_max.h"

#include <algorithm>

#include "core/cpu_features.h"

namespace vigil::kernels {

// Strides 1 and 2 (x86/avx512/byte_window_max__avx512.cc); false for others.
bool byte_window_max__avx512(const uint8_t* line, int64_t count, int64_t window, int64_t stride, bool is_signed,
                             uint8_t* y);

namespace {

template <class T>
void window_max(const T* line, int64_t count, int64_t window, int64_t stride, T* y) {
  for (int64_t o = 0; o < count; ++o) {
    const T* cells = line + o * stride;
    y[o] = *std::max_element(cells, cells + window);
  }
}

}  // namespace

void byte_window_max(const uint8_t* line, int64_t count, int64_t window, int64_t stride, bool is_signed,
                     uint8_t* y) {
  if (active_isa() == Isa::Avx512 && byte_window_max__avx512(line, count, window, stride, is_signed, y)) return;
  if (is_signed) {
    window_max(reinterpret_cast<const int8_t*>(line), count, window, stride, reinterpret_cast<int8_t*>(y));
  } else {
    window_max(line, count, window, stride, y);
  }
}

}  // namespace vigil::kernels
