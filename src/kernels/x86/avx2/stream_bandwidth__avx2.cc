// SPDX-License-Identifier: Apache-2.0
// The AVX2 memory-bandwidth loops (kernels/stream_bandwidth.h): 32 floats a step on four
// independent accumulators, so the adds never limit the read sum; scalar tails.
#include <immintrin.h>

#include "kernels/stream_bandwidth.h"

namespace vigil::kernels {

namespace {

constexpr int64_t kStep = 32;

float read_sum(const float* data, int64_t count) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  int64_t i = 0;
  for (; i + kStep <= count; i += kStep) {
    s0 = _mm256_add_ps(s0, _mm256_loadu_ps(data + i));
    s1 = _mm256_add_ps(s1, _mm256_loadu_ps(data + i + 8));
    s2 = _mm256_add_ps(s2, _mm256_loadu_ps(data + i + 16));
    s3 = _mm256_add_ps(s3, _mm256_loadu_ps(data + i + 24));
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
  float sum = 0.0f;
  for (const float lane : lanes) sum += lane;
  for (; i < count; ++i) sum += data[i];
  return sum;
}

void triad(float* a, const float* b, const float* c, float scalar, int64_t count) {
  const __m256 s = _mm256_set1_ps(scalar);
  int64_t i = 0;
  for (; i + kStep <= count; i += kStep) {
    for (int64_t v = 0; v < kStep; v += 8) {
      _mm256_storeu_ps(a + i + v, _mm256_fmadd_ps(s, _mm256_loadu_ps(c + i + v), _mm256_loadu_ps(b + i + v)));
    }
  }
  for (; i < count; ++i) a[i] = b[i] + scalar * c[i];
}

}  // namespace

const StreamBandwidthLoops stream_bandwidth__avx2 = {"stream_bandwidth__avx2", read_sum, triad};

}  // namespace vigil::kernels
