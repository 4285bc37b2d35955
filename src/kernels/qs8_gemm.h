// SPDX-License-Identifier: Apache-2.0
// The int8 GEMM primitive: C (m x n) = epilogue(A (m x k, int8) * B (k x n, uint8 or int8)),
// on raw pointers with leading dimensions. The integer convolution (A = weights, M output
// channels x K = input channels x kernel area; B = activation patches, K x N output pixels;
// C = M x N, NCHW) and the integer MatMul/Gemm reach their products through here. A is
// constant: packed once for one micro-kernel path (QS8PackedWeights, at session creation) with
// its row sums; B is packed on the fly, panel by panel, into per-thread buffers that only
// grow, from a plain matrix or by the operator's own packer (the convolution's patch
// gather). Sums are exact in int32; the epilogue folds B's zero point, adds the bias and
// requantizes in fixed point (kernels/requantize.h) to u8 or s8, or stores the int32 sums.
// Micro-kernels: AVX-512 VNNI (vpdpbusd), AVX-VNNI (the VEX vpdpbusd on ymm), AVX2 (bytes
// widened to int16, vpmaddwd: exact), or the scalar reference, chosen from core/cpu_features.h.
#pragma once

#include <cstdint>
#include <memory>

#include "core/cpu_features.h"
#include "kernels/gemm_checksum_predict.h"
#include "kernels/gemm_tile_hook.h"
#include "kernels/kernel_registry.h"
#include "kernels/qs8_add.h"
#include "kernels/requantize.h"

namespace vigil::kernels {

// The int8 GEMM micro-kernels (kernels/qs8_gemm_kernels.inc: scalar, AVX2, AVX-VNNI,
// AVX-512 VNNI) as a registry. Weights are packed for one micro-kernel, by default the
// registry's active one; the tests and micro-benchmarks pack for each one the CPU runs.
struct QS8MicroKernel;
const KernelRegistry<QS8MicroKernel>& qs8_gemm_kernels();

// The largest k: |sum| <= 128 x 255 x k must stay below 2^31.
constexpr int64_t kQS8GemmMaxDepth = 65536;

// A (m x k, row-major int8, element (i, p) at a[i * lda + p]) packed for `kernel` (nullptr:
// the active one): panels of MR rows, each
// ceil(k / 4) groups of MR x 4 consecutive k (the "c4" layout vpdpbusd reads; int16 on the
// AVX2 path), zero beyond k, plus the sum over k of each row. A bad-input Error if
// k > kQS8GemmMaxDepth.
class QS8PackedWeights {
 public:
  QS8PackedWeights() = default;
  QS8PackedWeights(int64_t m, int64_t k, const int8_t* a, int64_t lda, const QS8MicroKernel* kernel = nullptr);
  int64_t rows() const { return rows_; }
  int64_t depth() const { return depth_; }
  const QS8MicroKernel& kernel() const { return *kernel_; }
  const char* kernel_name() const;
  const void* panel(int64_t row) const;  // the panel holding `row` (a multiple of MR)
  const int32_t* row_sums() const { return row_sums_.get(); }
  // e^T A of the original A, modulo 2^32, with its digits: its encoded checksum
  // (kernels/gemm_check.h, kernels/gemm_checksum_predict.h).
  S32Checksum checksum() const { return {column_sums_.get(), checksum_digits_.get(), checksum_digit_count_}; }
  bool empty() const { return data_ == nullptr; }

 private:
  void encode_checksum_digits(int64_t count);

  int64_t rows_ = 0, depth_ = 0, panel_bytes_ = 0;
  int panel_rows_ = 0;
  const QS8MicroKernel* kernel_ = nullptr;
  std::shared_ptr<int8_t[]> data_;
  std::shared_ptr<int32_t[]> row_sums_;
  std::shared_ptr<int32_t[]> column_sums_;
  std::shared_ptr<int8_t[]> checksum_digits_;
  int checksum_digit_count_ = 0;
};

// B's packed layout, which a packer writes. Columns are cut into NR-wide panels (NR = the
// `nr` the driver passes: the micro-kernel's NR), stored one after the other; a panel holds
// K4 = ceil(k / 4) groups of NR columns x 4 consecutive k, so that element (p, j) of B lies
// at byte qs8_gemm_b_packed_offset(k, nr, p, j) from the start of the panels. Bytes are
// unsigned: an int8 B is stored x + 128 (sign bit flipped). Bytes beyond k and right of the
// last column must be written (any value: they meet zero weights or are never stored).
inline int64_t qs8_gemm_b_packed_offset(int64_t k, int nr, int64_t p, int64_t j) {
  const int64_t k4 = (k + 3) / 4;
  return (j / nr) * k4 * nr * 4 + (p / 4) * nr * 4 + (j % nr) * 4 + p % 4;
}
inline int64_t qs8_gemm_b_packed_bytes(int64_t k, int nr, int64_t cols) {
  return (cols + nr - 1) / nr * nr * ((k + 3) / 4) * 4;
}

// B produced on the fly: writes columns [col0, col0 + cols) of B, all k rows, as NR-wide
// panels at `out` (layout above, j counted from col0). Called from several threads at
// once for disjoint column ranges. A convolution's packer writes the input's zero point
// (flipped too when the input is int8) where a patch falls in the padding.
struct QS8GemmBPacker {
  void (*pack)(const void* context, int64_t col0, int64_t cols, int nr, uint8_t* out) = nullptr;
  const void* context = nullptr;
};

// The B operand. Element (p, j) is data[p * ld + j], or data[j * ld + p] when transposed.
// An int8 B (is_signed) is served by the same u8 x s8 kernels: its bytes are flipped to
// x + 128 while packing and the driver adds 128 to its zero point, so that
// (x + 128) - (zero_point + 128) = x - zero_point. A packer of an int8 B flips the bytes
// itself (qs8_gemm_pack_b_panels does) and leaves is_signed set.
struct QS8GemmB {
  const void* data = nullptr;
  int64_t ld = 0;
  bool transposed = false;
  bool is_signed = false;
  QS8GemmBPacker packer;  // used instead of data when set
};

// The packing of a plain B (data, ld, transposed, is_signed), in the layout above.
void qs8_gemm_pack_b_panels(const QS8GemmB& b, int64_t k, int64_t col0, int64_t cols, int nr, uint8_t* out);

enum class QS8GemmOutput { U8, S8, I32 };

// A residual Add fused after the requantization (U8 and S8 outputs): C = qs8_add(C, R), C's
// requantized value as the Add's `a` operand and R (C's shape, leading dimension ld, bytes
// of C's type) as `b` (kernels/qs8_add.h), applied block by block while the block of C is
// in L2 (a thread's rows by at most 256 KiB of them): the sum that ends a ResNet block,
// without a pass of its own over memory. (Tile by tile, in L1, read R in 32-byte pieces
// of 8 rows and was slower than the separate pass on two threads.)
struct QS8GemmResidual {
  const uint8_t* data = nullptr;
  int64_t ld = 0;
  QS8AddParameters add;
};

// What happens to each sum S = sum_p A(i, p) x (B(p, j) - b_zero_point):
//   U8, S8: C = clamp(c_zero_point + round_half_even((S + bias[i]) x multiplier_i), c_min, c_max),
//           the multiplier per row (per output channel) or one for all; a fused Relu or Clip
//           is the clamp bounds.
//   I32:    C = S + bias[i] (MatMulInteger, ConvInteger); the multiplier and bounds are unused.
// then, with a residual (U8, S8): C = qs8_add(C, R) (QS8GemmResidual above).
// The zero point is folded out of the inner loop: S = sum A x B - b_zero_point x rowsum(A).
struct QS8GemmEpilogue {
  const int32_t* bias = nullptr;                     // m values, or none
  const FixedPointMultiplier* multiplier = nullptr;  // m values if per_row_multiplier, else 1
  bool per_row_multiplier = false;
  int32_t b_zero_point = 0;  // in B's own type: 0..255 (u8) or -128..127 (int8)
  int32_t c_zero_point = 0;
  int32_t c_min = 0, c_max = 255;  // within the output type's range
  QS8GemmOutput output = QS8GemmOutput::U8;
  const QS8GemmResidual* residual = nullptr;  // none, or U8 / S8 outputs
  // None: the plain micro-kernel runs. Else each tile's sums (sum A x B, before the row
  // offset) pass through it before the epilogue (kernels/gemm_tile_hook.h).
  const S32TileHook* tile_hook = nullptr;
};

// C (m x n, leading dimension ldc in elements of the output type) = epilogue(A * B),
// checked when this thread has a check sink (kernels/gemm_check.h); C is written, never read. `threads` splits C over threads (kernels/gemm_thread_grid.h);
// inside a parallel loop it runs on the caller alone. `a` must have m rows and depth k; its path's micro-kernel does the work.
void qs8_gemm(int64_t m, int64_t n, int64_t k, const QS8PackedWeights& a, const QS8GemmB& b, void* c, int64_t ldc,
              const QS8GemmEpilogue& epilogue, int threads = 1);

}  // namespace vigil::kernels
