// SPDX-License-Identifier: Apache-2.0
// The f32 GEMM primitive: C (m x n) = epilogue(op(A) (m x k) * op(B) (k x n)), on raw
// pointers with leading dimensions. Operators (Conv, MatMul, Gemm, Winograd's batched
// products) reach every fast fp32 product through here. A constant operand (weights) is
// packed once into the micro-kernel's panel layout (F32PackedA / F32PackedB, made at
// session creation); the other operand is packed on the fly into per-thread buffers that
// are reused, so steady-state calls allocate nothing. The micro-kernel comes from the
// active instruction-set path (core/cpu_features.h): AVX-512, AVX2+FMA or the scalar
// reference; a packed operand remembers the path it was packed for.
#pragma once

#include <cstdint>
#include <memory>

#include "core/cpu_features.h"
#include "kernels/epilogue.h"

namespace vigil::kernels {

// A matrix on raw memory: element (r, c) is data[r * ld + c], or data[c * ld + r] when
// transposed.
struct F32Matrix {
  const float* data = nullptr;
  int64_t ld = 0;
  bool transposed = false;
};

// A (m x k) packed for one instruction-set path: panels of MR rows, each k x MR
// interleaved. Made once for constant weights.
class F32PackedA {
 public:
  F32PackedA() = default;
  F32PackedA(int64_t m, int64_t k, F32Matrix a, Isa isa = active_isa());
  int64_t rows() const { return rows_; }
  int64_t depth() const { return depth_; }
  Isa isa() const { return isa_; }
  const float* panel(int64_t row) const;  // the panel holding `row` (a multiple of MR)
  bool empty() const { return data_ == nullptr; }
  // e^T A then e^T |A| (2k floats) of the original A: its encoded checksum (kernels/gemm_check.h).
  const float* checksum() const { return checksum_.get(); }

 private:
  int64_t rows_ = 0, depth_ = 0, panel_rows_ = 0;
  Isa isa_ = Isa::Scalar;
  std::shared_ptr<float[]> data_;
  std::shared_ptr<float[]> checksum_;
};

// B (k x n) packed for one path: panels of NR columns, each k x NR, zero-padded at the
// right edge. Made once for constant weights (MatMul and Gemm with constant B).
class F32PackedB {
 public:
  F32PackedB() = default;
  F32PackedB(int64_t k, int64_t n, F32Matrix b, Isa isa = active_isa());
  int64_t depth() const { return depth_; }
  int64_t columns() const { return columns_; }
  Isa isa() const { return isa_; }
  const float* panel(int64_t column) const;  // the panel holding `column` (a multiple of NR)
  bool empty() const { return data_ == nullptr; }
  // B e then |B| e (2k floats) of the original B: its encoded checksum (kernels/gemm_check.h).
  const float* checksum() const { return checksum_.get(); }

 private:
  int64_t depth_ = 0, columns_ = 0, panel_columns_ = 0;
  Isa isa_ = Isa::Scalar;
  std::shared_ptr<float[]> data_;
  std::shared_ptr<float[]> checksum_;
};

// One GEMM operand: raw, or packed (then `matrix` is ignored).
struct F32GemmA {
  F32Matrix matrix;
  const F32PackedA* packed = nullptr;
};
// B produced on the fly (implicit GEMM, e.g. convolution patches gathered straight into
// panels): writes rows [p0, p0 + depth) x columns [col0, col0 + cols) of B as NR-wide
// panels, each depth x NR and zero-padded right of column `cols`, one after the other at
// `out`. Called from several threads at once for disjoint column ranges.
struct F32BPacker {
  void (*pack)(const void* context, int64_t p0, int64_t depth, int64_t col0, int64_t cols, int nr,
               float* out) = nullptr;
  const void* context = nullptr;
};
struct F32GemmB {
  F32Matrix matrix;
  const F32PackedB* packed = nullptr;
  F32BPacker packer;  // used instead of `matrix` when set
};

// The packing of a plain matrix, in the layout F32BPacker describes.
void f32_pack_b_panels(const F32Matrix& b, int64_t p0, int64_t depth, int64_t col0, int64_t cols, int nr, float* out);

// C = epilogue(A * B), checked when this thread has a check sink (kernels/gemm_check.h).
// C is written, never read, unless the epilogue's residual aliases
// it (allowed: residual == c with residual_ld == ldc). `threads` splits the output over
// threads (kernels/gemm_thread_grid.h); inside a parallel loop it runs on the caller alone. Packed operands must have
// been packed for the path active now (they are whenever the path is not changed between
// session creation and run).
void f32_gemm(int64_t m, int64_t n, int64_t k, const F32GemmA& a, const F32GemmB& b, float* c, int64_t ldc,
              const Epilogue& epilogue = {}, int threads = 1);

// The kernel name (docs/kernels.md grammar) the path `isa` uses, e.g. "f32_gemm_8x32__avx512".
const char* f32_gemm_kernel_name(Isa isa = active_isa());

}  // namespace vigil::kernels
