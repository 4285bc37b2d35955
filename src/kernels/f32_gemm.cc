// SPDX-License-Identifier: Apache-2.0
// The f32 GEMM driver behind kernels/f32_gemm.h, in the blocking scheme of Goto and van de
// Geijn (BLIS): for each block of NC columns and KC of depth, B is packed into NR-wide
// panels (kept in L2); for each block of MC rows, A into MR-high panels; the micro-kernel
// then sweeps MR x NR tiles with one B panel in L1. Operands packed in advance (weights)
// skip their packing. Threads each take a rectangle of C, chosen so every thread gets the
// same number of tiles and, where it can, whole columns of B.
#include "kernels/f32_gemm.h"

#include <xmmintrin.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/memory_budget.h"
#include "core/shape.h"
#include "kernels/aligned_buffer.h"
#include "kernels/f32_gemm_check.h"
#include "kernels/f32_gemm_microkernel.h"
#include "kernels/gemm_thread_grid.h"
#include "kernels/worker_scratch.h"
#include "kernels/unary.h"

namespace vigil::kernels {

namespace {

constexpr int64_t kDepthBlock = 256;    // KC: a B panel (KC x NR) stays in L1
constexpr int64_t kRowBlock = 144;      // MC: an A block (MC x KC) stays in L2
constexpr int64_t kColumnBlock = 1024;  // NC: a B block (KC x NC) stays in L2/L3
constexpr int64_t kInPlaceRows = 48;    // up to this many rows of C, an unpacked B is not packed
// Packing one B panel on the fly (patch gathers included) costs about as much as four
// tiles of products: measured on ResNet-50's layers at 2 threads (2.6% faster than 0).
constexpr int64_t kPanelPackCost = 4;
// Packing one A panel (an activation's rows, transposed four by four) costs half a tile
// to a tile: on the transformer encoder at 1 thread it took 2.8% of the samples and the
// tiles about 75%, at one A panel to every 14 tiles.
constexpr int64_t kAPanelPackCost = 1;

int64_t round_up(int64_t value, int64_t multiple) { return (value + multiple - 1) / multiple * multiple; }

// Rows [0, live) of a row-major A (row r at rows + r * ld, from the block's first k), of
// `depth` k, into one panel MR high: panel[p * mr + r], zero below the live rows. Whole
// groups of four live rows go four k at a time through SSE2 registers (part of every
// x86-64), transposed; the rest element by element.
void interleave_rows(const float* rows, int64_t ld, int live, int64_t depth, int mr, float* panel) {
  const int grouped = live / 4 * 4;
  int64_t p = 0;
  for (; p + 4 <= depth; p += 4) {
    for (int r = 0; r < grouped; r += 4) {
      __m128 k0 = _mm_loadu_ps(rows + r * ld + p), k1 = _mm_loadu_ps(rows + (r + 1) * ld + p);
      __m128 k2 = _mm_loadu_ps(rows + (r + 2) * ld + p), k3 = _mm_loadu_ps(rows + (r + 3) * ld + p);
      _MM_TRANSPOSE4_PS(k0, k1, k2, k3);
      _mm_storeu_ps(panel + p * mr + r, k0);
      _mm_storeu_ps(panel + (p + 1) * mr + r, k1);
      _mm_storeu_ps(panel + (p + 2) * mr + r, k2);
      _mm_storeu_ps(panel + (p + 3) * mr + r, k3);
    }
  }
  auto element = [&](int64_t q, int r) { panel[q * mr + r] = r < live ? rows[r * ld + q] : 0.0f; };
  for (int64_t q = 0; grouped < mr && q < p; ++q) {  // the rows past the groups, where they took the k
    for (int r = grouped; r < mr; ++r) element(q, r);
  }
  for (int64_t q = p; q < depth; ++q) {  // every row of the k left
    for (int r = 0; r < mr; ++r) element(q, r);
  }
}

// Packs rows [row0, row0 + rows) x depth [p0, p0 + depth) of A into MR-high panels, each
// depth x MR interleaved, zero-padded below the last row.
void pack_a_block(const F32Matrix& a, int64_t row0, int64_t rows, int64_t p0, int64_t depth, int mr, float* out) {
  for (int64_t i0 = 0; i0 < rows; i0 += mr) {
    const int live = static_cast<int>(std::min<int64_t>(mr, rows - i0));
    if (!a.transposed) {
      interleave_rows(a.data + (row0 + i0) * a.ld + p0, a.ld, live, depth, mr, out);
    } else {  // a panel's line of k is contiguous in A
      for (int64_t p = 0; p < depth; ++p) {
        float* dst = out + p * mr;
        std::memcpy(dst, a.data + (p0 + p) * a.ld + row0 + i0, static_cast<size_t>(live) * sizeof(float));
        std::fill(dst + live, dst + mr, 0.0f);
      }
    }
    out += depth * mr;
  }
}

// Packs depth [p0, p0 + depth) x columns [col0, col0 + cols) of B into NR-wide panels,
// each depth x NR, zero-padded right of the last column.
}  // namespace

void f32_pack_b_panels(const F32Matrix& b, int64_t p0, int64_t depth, int64_t col0, int64_t cols, int nr, float* out) {
  for (int64_t j0 = 0; j0 < cols; j0 += nr) {
    const int64_t live = std::min<int64_t>(nr, cols - j0);
    for (int64_t p = 0; p < depth; ++p) {
      float* dst = out + p * nr;
      const int64_t q = p0 + p;
      if (!b.transposed) {
        std::memcpy(dst, b.data + q * b.ld + col0 + j0, static_cast<size_t>(live) * sizeof(float));
      } else {
        for (int64_t c = 0; c < live; ++c) dst[c] = b.data[(col0 + j0 + c) * b.ld + q];
      }
      for (int64_t c = live; c < nr; ++c) dst[c] = 0.0f;
    }
    out += depth * nr;
  }
}

namespace {

// A worker's packed A and B blocks.
struct ThreadBuffers {
  AlignedBuffer a, b;
  void grow_to(const ThreadBuffers& other) {
    a.reserve_bytes(other.a.capacity_bytes());
    b.reserve_bytes(other.b.capacity_bytes());
  }
};
ThreadScratch<WorkerScratch<ThreadBuffers>> worker_buffers;  // each thread's products' workers

// The clamp and leaky parts of an activation go into the micro-kernel; the rest is
// applied to the stored tile.
F32TileEpilogue tile_epilogue_template(const Epilogue& e) {
  F32TileEpilogue t;
  t.scale = e.scale;
  t.bias_per_column = e.bias_per_column;
  t.residual_ld = e.residual_ld;
  t.tile_hook = e.tile_hook;
  switch (e.activation.kind) {
    case Activation::Relu:
      t.clamp = true;
      t.lower = 0.0f;
      t.upper = std::numeric_limits<float>::infinity();
      break;
    case Activation::Clip:
      t.clamp = true;
      t.lower = e.activation.alpha;
      t.upper = e.activation.beta;
      break;
    case Activation::LeakyRelu:
      t.leaky = true;
      t.leaky_alpha = e.activation.alpha;
      break;
    default: break;
  }
  return t;
}

bool activation_after_store(const Activation kind) {
  return kind == Activation::Sigmoid || kind == Activation::Tanh || kind == Activation::Gelu ||
         kind == Activation::HardSigmoid;
}

struct Problem {
  int64_t m, n, k;
  const F32GemmA* a;
  const F32GemmB* b;
  float* c;
  int64_t ldc;
  const Epilogue* epilogue;
  const F32MicroKernel* kernel;
  F32ProductCheck* check;  // nullptr: unchecked
  WorkerScratch<ThreadBuffers>* scratch;
};

// Packs B's block [pc, pc + kc) x [jc, jc + nc) into this thread's buffer, by the
// operand's packer or from its matrix.
const float* pack_b_block(const Problem& p, int64_t pc, int64_t kc, int64_t jc, int64_t nc) {
  ThreadBuffers& buffers = p.scratch->mine();
  const int nr = p.kernel->nr;
  float* packed = buffers.b.floats(static_cast<size_t>(round_up(nc, nr) * kc));
  if (p.b->packer.pack) {
    p.b->packer.pack(p.b->packer.context, pc, kc, jc, nc, nr, packed);
  } else {
    f32_pack_b_panels(p.b->matrix, pc, kc, jc, nc, nr, packed);
  }
  return packed;
}

// C rows [m0, m1) x columns [n0, n1), on one thread.
void gemm_rectangle(const Problem& p, int64_t m0, int64_t m1, int64_t n0, int64_t n1,
                    F32RectangleCheck* check = nullptr) {
  ThreadBuffers& buffers = p.scratch->mine();
  const int mr = p.kernel->mr, nr = p.kernel->nr;
  F32TileEpilogue base = tile_epilogue_template(*p.epilogue);
  const Epilogue& e = *p.epilogue;
  const bool tallies = check && check->tallies();
  base.tally_rows = tallies && p.check->by_rows();
  const F32MicroKernelFunction micro_kernel = base.tile_hook || tallies ? p.kernel->run_hooked : p.kernel->run;
  // Fused checks predict from the panels (packed or read in place) as the tiles use them.
  const bool predict_columns = check && !p.check->separate() && !p.check->by_rows();
  const bool predict_rows = check && !p.check->separate() && p.check->by_rows();
  // Packing B pays off when many rows of A reuse each panel; for a few rows it costs more
  // than the products, and a plain B is read where it lies.
  const bool b_in_place = !p.b->packed && !p.b->packer.pack && !p.b->matrix.transposed && m1 - m0 <= kInPlaceRows;
  for (int64_t jc = n0; jc < n1; jc += kColumnBlock) {
    const int64_t nc = std::min(kColumnBlock, n1 - jc);
    for (int64_t pc = 0; pc < p.k; pc += kDepthBlock) {
      const int64_t kc = std::min(kDepthBlock, p.k - pc);
      const float* b_block = nullptr;
      int64_t b_panel_stride = 0;         // floats from one NR panel to the next
      int64_t b_row_stride = nr;          // floats from one row of a panel to the next
      int64_t in_place_columns = 0;       // leading columns of the block read in place
      const float* tail_panel = nullptr;  // the packed ragged panel after them
      if (p.b->packed) {
        b_block = p.b->packed->panel(jc) + pc * nr;
        b_panel_stride = p.k * nr;
      } else if (b_in_place) {
        // Whole panels straight from B; the ragged last one is packed (reading it in place
        // would run past the end of B's last row).
        in_place_columns = nc / nr * nr;
        b_block = p.b->matrix.data + pc * p.b->matrix.ld + jc;
        b_panel_stride = nr;
        b_row_stride = p.b->matrix.ld;
        if (in_place_columns < nc) {
          float* packed = buffers.b.floats(static_cast<size_t>(nr * kc));
          f32_pack_b_panels(p.b->matrix, pc, kc, jc + in_place_columns, nc - in_place_columns, nr, packed);
          tail_panel = packed;
        }
      } else {
        b_block = pack_b_block(p, pc, kc, jc, nc);
        b_panel_stride = kc * nr;
      }
      F32TileEpilogue tile = base;
      tile.accumulate = pc > 0;
      tile.last = pc + kc == p.k;
      for (int64_t ic = m0; ic < m1; ic += kRowBlock) {
        const int64_t mc = std::min(kRowBlock, m1 - ic);
        const float* a_block = nullptr;
        int64_t a_panel_stride = 0;
        if (p.a->packed) {
          a_block = p.a->packed->panel(ic) + pc * mr;
          a_panel_stride = p.k * mr;
        } else {
          float* packed = buffers.a.floats(static_cast<size_t>(round_up(mc, mr) * kc));
          pack_a_block(p.a->matrix, ic, mc, pc, kc, mr, packed);
          a_block = packed;
          a_panel_stride = kc * mr;
        }
        if (predict_rows && jc == n0) {
          for (int64_t ir = 0; ir < mc; ir += mr) {
            if (check->predicts(ic + ir)) check->predict(pc, kc, a_block + (ir / mr) * a_panel_stride, mr, ic + ir,
                           static_cast<int>(std::min<int64_t>(mr, mc - ir)));
          }
        }
        for (int64_t jr = 0; jr < nc; jr += nr) {
          const int cols = static_cast<int>(std::min<int64_t>(nr, nc - jr));
          const bool packed_tail = b_in_place && jr >= in_place_columns;
          const float* b_panel = packed_tail ? tail_panel : b_block + (jr / nr) * b_panel_stride;
          const int64_t b_stride = packed_tail ? nr : b_row_stride;
          for (int64_t ir = 0; ir < mc; ir += mr) {
            const int rows = static_cast<int>(std::min<int64_t>(mr, mc - ir));
            const int64_t i = ic + ir, j = jc + jr;
            float* c = p.c + i * p.ldc + j;
            if (tile.last) {
              if (e.bias) tile.bias = e.bias_per_column ? e.bias + j : e.bias + i;
              if (e.residual) tile.residual = e.residual + i * e.residual_ld + j;
            }
            if (tallies && tile.last) tile.tally = check->tally_at(i, j);
            micro_kernel(kc, a_block + (ir / mr) * a_panel_stride, b_panel, b_stride, c, p.ldc, rows, cols, tile);
            if (tile.last && activation_after_store(e.activation.kind)) {
              for (int r = 0; r < rows; ++r) f32_activation(e.activation, cols, c + r * p.ldc, c + r * p.ldc);
            }
          }
          // A column check predicts from the panel once the first row block's tiles have
          // brought it into L1 (from memory, for a B read in place).
          if (predict_columns && ic == m0 && check->predicts(jc + jr)) {
            check->predict(pc, kc, b_panel, b_stride, jc + jr, cols);
          }
        }
      }
    }
  }
}

// The separate check's pass after the product: the prediction from the other operand's
// source, packed again block by block (convolution patches gathered again), and C's sums
// read back where the epilogue can be undone.
void check_rectangle_separately(const Problem& p, int64_t m0, int64_t m1, int64_t n0, int64_t n1,
                                F32RectangleCheck& check) {
  ThreadBuffers& buffers = p.scratch->mine();
  const int mr = p.kernel->mr, nr = p.kernel->nr;
  if (!p.check->by_rows()) {
    for (int64_t jc = n0; jc < n1; jc += kColumnBlock) {
      const int64_t nc = std::min(kColumnBlock, n1 - jc);
      for (int64_t pc = 0; pc < p.k; pc += kDepthBlock) {
        const int64_t kc = std::min(kDepthBlock, p.k - pc);
        const float* block = nullptr;
        int64_t panel_stride = kc * nr;
        if (p.b->packed) {
          block = p.b->packed->panel(jc) + pc * nr;
          panel_stride = p.k * nr;
        } else {
          block = pack_b_block(p, pc, kc, jc, nc);
        }
        for (int64_t jr = 0; jr < nc; jr += nr) {
          if (!check.predicts(jc + jr)) continue;
          check.predict(pc, kc, block + (jr / nr) * panel_stride, nr, jc + jr,
                        static_cast<int>(std::min<int64_t>(nr, nc - jr)));
        }
      }
    }
  } else {
    for (int64_t ic = m0; ic < m1; ic += kRowBlock) {
      const int64_t mc = std::min(kRowBlock, m1 - ic);
      for (int64_t pc = 0; pc < p.k; pc += kDepthBlock) {
        const int64_t kc = std::min(kDepthBlock, p.k - pc);
        float* packed = buffers.a.floats(static_cast<size_t>(round_up(mc, mr) * kc));
        pack_a_block(p.a->matrix, ic, mc, pc, kc, mr, packed);
        for (int64_t ir = 0; ir < mc; ir += mr) {
          if (!check.predicts(ic + ir)) continue;
          check.predict(pc, kc, packed + (ir / mr) * kc * mr, mr, ic + ir, static_cast<int>(std::min<int64_t>(mr, mc - ir)));
        }
      }
    }
  }
  if (p.check->reads_back()) check.read_back(p.c, p.ldc, *p.epilogue);
}

void fill_epilogue_only(int64_t m, int64_t n, float* c, int64_t ldc, const Epilogue& e) {
  F32TileEpilogue t = tile_epilogue_template(e);
  t.last = true;
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      t.bias = e.bias ? (e.bias_per_column ? e.bias + j : e.bias + i) : nullptr;
      t.residual = e.residual ? e.residual + i * e.residual_ld + j : nullptr;
      c[i * ldc + j] = f32_tile_epilogue_value(t, 0.0f, 0, 0);
    }
    if (activation_after_store(e.activation.kind)) f32_activation(e.activation, n, c + i * ldc, c + i * ldc);
  }
}

}  // namespace

#define VIGIL_F32_GEMM_KERNEL(name) &name,
constexpr const F32MicroKernel* kF32GemmKernels[] = {
#include "kernels/f32_gemm_kernels.inc"
};
#undef VIGIL_F32_GEMM_KERNEL

const KernelRegistry<F32MicroKernel>& f32_gemm_kernels() {
  static const KernelRegistry<F32MicroKernel> registry("f32_gemm", kF32GemmKernels);
  return registry;
}

const char* f32_gemm_kernel_name(Isa isa) { return f32_micro_kernel(isa).name; }

namespace {
// Room for `lines` panel lines of `depth` (at least one of each), 64-byte aligned.
std::shared_ptr<float[]> allocate_panels(int64_t lines, int64_t line_multiple, int64_t depth) {
  const int64_t size = round_up(std::max<int64_t>(lines, 1), line_multiple) * std::max<int64_t>(depth, 1);
  const std::shared_ptr<std::byte> block = allocate_block(byte_count(size, sizeof(float)), "packed weights");
  return std::shared_ptr<float[]>(block, reinterpret_cast<float*>(block.get()));
}
}  // namespace

F32PackedA::F32PackedA(int64_t m, int64_t k, F32Matrix a, Isa isa)
    : rows_(m),
      depth_(k),
      panel_rows_(f32_micro_kernel(isa).mr),
      isa_(isa),
      data_(allocate_panels(m, panel_rows_, k)),
      checksum_(new float[static_cast<size_t>(2 * std::max<int64_t>(k, 0))]) {
  if (m > 0 && k > 0) pack_a_block(a, 0, m, 0, k, panel_rows_, data_.get());
  if (k > 0) f32_encode_checksum(a, m, k, checksum_.get());
}

const float* F32PackedA::panel(int64_t row) const {
  assert(row % panel_rows_ == 0);
  return data_.get() + (row / panel_rows_) * panel_rows_ * depth_;
}

F32PackedB::F32PackedB(int64_t k, int64_t n, F32Matrix b, Isa isa)
    : depth_(k),
      columns_(n),
      panel_columns_(f32_micro_kernel(isa).nr),
      isa_(isa),
      data_(allocate_panels(n, panel_columns_, k)),
      checksum_(new float[static_cast<size_t>(2 * std::max<int64_t>(k, 0))]) {
  if (k > 0 && n > 0) f32_pack_b_panels(b, 0, k, 0, n, panel_columns_, data_.get());
  if (k > 0) f32_encode_checksum(F32Matrix{b.data, b.ld, !b.transposed}, n, k, checksum_.get());
}

const float* F32PackedB::panel(int64_t column) const {
  assert(column % panel_columns_ == 0);
  return data_.get() + (column / panel_columns_) * panel_columns_ * depth_;
}

void f32_gemm(int64_t m, int64_t n, int64_t k, const F32GemmA& a, const F32GemmB& b, float* c, int64_t ldc,
              const Epilogue& epilogue, int threads) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    fill_epilogue_only(m, n, c, ldc, epilogue);
    return;
  }
  const Isa isa = a.packed ? a.packed->isa() : b.packed ? b.packed->isa() : active_isa();
  assert(!a.packed || (a.packed->isa() == isa && a.packed->rows() == m && a.packed->depth() == k));
  assert(!b.packed || (b.packed->isa() == isa && b.packed->columns() == n && b.packed->depth() == k));
  // The active kernel where the operands allow it (its choice is logged once).
  const F32MicroKernel& active = f32_gemm_kernels().active();
  const F32MicroKernel& kernel = active.isa() == isa ? active : f32_micro_kernel(isa);
  const int64_t tiles_m = (m + kernel.mr - 1) / kernel.mr, tiles_n = (n + kernel.nr - 1) / kernel.nr;
  // Below about a million multiply-adds the fork costs more than it saves.
  const int team = m * n * k < (1 << 20) ? 1 : static_cast<int>(std::min<int64_t>(threads, tiles_m * tiles_n));
  const GemmThreadContext& context = gemm_thread_context();
  if (!epilogue.tile_hook && context.f32_tile_hook) {
    Epilogue hooked = epilogue;
    hooked.tile_hook = context.f32_tile_hook;
    return f32_gemm(m, n, k, a, b, c, ldc, hooked, threads);
  }
  const GemmThreadGrid grid =
      gemm_thread_grid(m, n, kernel.mr, kernel.nr, b.packed ? 0 : kPanelPackCost, a.packed ? 0 : kAPanelPackCost, team);
  GemmCheckSink* sink = context.check;
  WorkerScratch<ThreadBuffers>& buffers = worker_buffers.mine();
  buffers.prepare(team);
  if (!sink) {
    const Problem problem{m, n, k, &a, &b, c, ldc, &epilogue, &kernel, nullptr, &buffers};
    split_gemm_over_threads(m, n, kernel.mr, kernel.nr, grid, [&](int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
      gemm_rectangle(problem, m0, m1, n0, n1);
    });
    buffers.equalize();
    return;
  }
  F32ProductCheck check(*sink, m, n, k, kDepthBlock, a, b, epilogue, grid);
  const Problem problem{m, n, k, &a, &b, c, ldc, &epilogue, &kernel, &check, &buffers};
  split_gemm_over_threads(m, n, kernel.mr, kernel.nr, grid,
                          [&](int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
                            F32RectangleCheck part(check, m0, m1, n0, n1, kernel.mr, kernel.nr);
                            gemm_rectangle(problem, m0, m1, n0, n1, &part);
                            if (check.separate()) check_rectangle_separately(problem, m0, m1, n0, n1, part);
                          });
  buffers.equalize();
  check.finish();
}

}  // namespace vigil::kernels
