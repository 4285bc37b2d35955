// The AVX2 int8 throughput loop (kernels/s8_dot_peak.h): 8 ymm accumulators, each
// step vpmaddubsw + vpmaddwd + vpaddd. The products do not depend on the accumulators,
// so an empty asm statement marks the inputs as changed every step; without it the
// compiler would compute the product once and the loop would time vpaddd alone.
// vpmaddubsw saturates a pair's sum to int16, so only inputs with |2ab| <= 32767 give
// the exact sum the header promises (the timing does not care; the test stays inside).
#include <immintrin.h>

#include "kernels/s8_dot_peak.h"

namespace vigil::kernels {

namespace {

constexpr int kChains = 8, kLanes = 8;

inline __m256i dot4(__m256i a, __m256i b, __m256i ones) {
  return _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones);
}

void run(int64_t iterations, uint8_t a_byte, int8_t b_byte, int32_t* state) {
  __m256i a = _mm256_set1_epi8(static_cast<char>(a_byte)), b = _mm256_set1_epi8(b_byte);
  const __m256i ones = _mm256_set1_epi16(1);
  auto load = [&](int chain) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(state + chain * kLanes)); };
  __m256i c0 = load(0), c1 = load(1), c2 = load(2), c3 = load(3), c4 = load(4), c5 = load(5), c6 = load(6),
          c7 = load(7);
  for (int64_t i = 0; i < iterations; ++i) {
    __asm__("" : "+x"(a), "+x"(b));
    c0 = _mm256_add_epi32(c0, dot4(a, b, ones));
    c1 = _mm256_add_epi32(c1, dot4(a, b, ones));
    c2 = _mm256_add_epi32(c2, dot4(a, b, ones));
    c3 = _mm256_add_epi32(c3, dot4(a, b, ones));
    c4 = _mm256_add_epi32(c4, dot4(a, b, ones));
    c5 = _mm256_add_epi32(c5, dot4(a, b, ones));
    c6 = _mm256_add_epi32(c6, dot4(a, b, ones));
    c7 = _mm256_add_epi32(c7, dot4(a, b, ones));
  }
  const __m256i chains[kChains] = {c0, c1, c2, c3, c4, c5, c6, c7};
  for (int c = 0; c < kChains; ++c) _mm256_storeu_si256(reinterpret_cast<__m256i*>(state + c * kLanes), chains[c]);
}

}  // namespace

const S8DotPeakLoop s8_dot_peak__avx2 = {"s8_dot_peak__avx2", kChains, kLanes, run};

}  // namespace vigil::kernels
