// SPDX-License-Identifier: Apache-2.0
// The int8 GEMM driver behind kernels/qs8_gemm.h, in the blocking scheme of Goto and van de
// Geijn (BLIS) without blocks of k (see kernels/qs8_gemm_microkernel.h): for each block of
// NC columns, B is packed into NR-wide c4 panels (the block kept in L2); for each block of
// MC rows of the packed weights, the micro-kernel sweeps MR x NR tiles, one B panel reused
// by all the block's rows; a fused residual Add follows each column block. Threads each take a
// rectangle of C, splitting columns first so that every thread packs only its own part of B.
#include "kernels/qs8_gemm.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "core/memory_budget.h"
#include "kernels/aligned_buffer.h"
#include "kernels/gemm_thread_grid.h"
#include "kernels/worker_scratch.h"
#include "kernels/qs8_gemm_check.h"
#include "kernels/qs8_gemm_microkernel.h"
#include "kernels/x8_interleave.h"

namespace vigil::kernels {

namespace {

constexpr int64_t kBBlockBytes = 512 * 1024;         // NC: a packed B block stays in L2 next to A's block
constexpr int64_t kABlockBytes = 256 * 1024;         // MC: the packed rows swept over each B panel
constexpr int64_t kResidualBlockBytes = 256 * 1024;  // the block of C a fused residual Add follows
// Packing one B panel costs about as much as this many tiles of products (a convolution's
// patch gather included); it weighs splitting rows (every thread packs all of B) against
// splitting columns.
constexpr int64_t kPanelPackCost = 2;

int64_t round_up(int64_t value, int64_t multiple) { return (value + multiple - 1) / multiple * multiple; }

// A worker's packed B block and its rows' epilogues.
struct ThreadBuffers {
  AlignedBuffer b;
  std::vector<QS8RowEpilogue> row_epilogues;
  void grow_to(const ThreadBuffers& other) {
    b.reserve_bytes(other.b.capacity_bytes());
    row_epilogues.reserve(other.row_epilogues.capacity());
  }
};
ThreadScratch<WorkerScratch<ThreadBuffers>> worker_buffers;  // each thread's products' workers

int output_bytes(QS8GemmOutput output) { return output == QS8GemmOutput::I32 ? 4 : 1; }

}  // namespace

#define VIGIL_QS8_GEMM_KERNEL(name) &name,
constexpr const QS8MicroKernel* kQS8GemmKernels[] = {
#include "kernels/qs8_gemm_kernels.inc"
};
#undef VIGIL_QS8_GEMM_KERNEL

const KernelRegistry<QS8MicroKernel>& qs8_gemm_kernels() {
  static const KernelRegistry<QS8MicroKernel> registry("qs8_gemm", kQS8GemmKernels);
  return registry;
}

QS8PackedWeights::QS8PackedWeights(int64_t m, int64_t k, const int8_t* a, int64_t lda, const QS8MicroKernel* kernel)
    : rows_(m), depth_(k), kernel_(kernel ? kernel : &qs8_gemm_kernels().active()) {
  check_input(k <= kQS8GemmMaxDepth, "int8 GEMM: depth ", k, " exceeds ", kQS8GemmMaxDepth,
              " (the int32 sums could overflow)");
  panel_rows_ = kernel_->mr;
  const int64_t groups = (k + 3) / 4;
  panel_bytes_ = panel_rows_ * groups * 4 * kernel_->a_bytes;
  const int64_t panels = std::max<int64_t>(1, (m + panel_rows_ - 1) / panel_rows_);
  const size_t bytes = static_cast<size_t>(round_up(std::max<int64_t>(panels * panel_bytes_, 1), 64));
  const std::shared_ptr<std::byte> block = allocate_block(bytes, "packed int8 weights");
  data_ = std::shared_ptr<int8_t[]>(block, reinterpret_cast<int8_t*>(block.get()));
  row_sums_ = std::shared_ptr<int32_t[]>(new int32_t[static_cast<size_t>(panels * panel_rows_)]());
  column_sums_ = std::shared_ptr<int32_t[]>(new int32_t[static_cast<size_t>(groups * 4)]());
  uint32_t* column_sums = reinterpret_cast<uint32_t*>(column_sums_.get());  // modulo 2^32
  for (int64_t panel = 0; panel < panels; ++panel) {
    int8_t* out8 = data_.get() + panel * panel_bytes_;
    int16_t* out16 = reinterpret_cast<int16_t*>(out8);
    for (int64_t g = 0; g < groups; ++g) {
      for (int r = 0; r < panel_rows_; ++r) {
        const int64_t i = panel * panel_rows_ + r;
        for (int q = 0; q < 4; ++q) {
          const int64_t p = g * 4 + q;
          const int8_t value = i < m && p < k ? a[i * lda + p] : 0;
          const int64_t at = (g * panel_rows_ + r) * 4 + q;
          if (kernel_->a_bytes == 2) {
            out16[at] = value;
          } else {
            out8[at] = value;
          }
          row_sums_[static_cast<size_t>(i)] += value;
          column_sums[p] += static_cast<uint32_t>(static_cast<int32_t>(value));
        }
      }
    }
  }
  encode_checksum_digits(groups * 4);
}

// Each column sum, read as a signed int32, in balanced digits of base 128 (d in [-64, 63]):
// d = ((s + 64) mod 128) - 64, s = (s - d) / 128, until nothing is left; at most five.
void QS8PackedWeights::encode_checksum_digits(int64_t count) {
  constexpr int kMaxDigits = 5;
  std::vector<int8_t> digits(static_cast<size_t>(kMaxDigits * count));
  int used = 1;
  for (int64_t p = 0; p < count; ++p) {
    int64_t rest = column_sums_[static_cast<size_t>(p)];
    for (int d = 0; rest != 0; ++d) {
      const int64_t digit = ((rest + 64) % 128 + 128) % 128 - 64;
      digits[static_cast<size_t>(d * count + p)] = static_cast<int8_t>(digit);
      rest = (rest - digit) / 128;
      used = std::max(used, d + 1);
    }
  }
  checksum_digit_count_ = used;
  checksum_digits_ = std::shared_ptr<int8_t[]>(new int8_t[static_cast<size_t>(used * count)]);
  std::memcpy(checksum_digits_.get(), digits.data(), static_cast<size_t>(used * count));
}

const char* QS8PackedWeights::kernel_name() const { return kernel_->name; }

const void* QS8PackedWeights::panel(int64_t row) const {
  assert(row % panel_rows_ == 0);
  return data_.get() + (row / panel_rows_) * panel_bytes_;
}

void qs8_gemm_pack_b_panels(const QS8GemmB& b, int64_t k, int64_t col0, int64_t cols, int nr, uint8_t* out) {
  const uint8_t* data = static_cast<const uint8_t*>(b.data);
  const uint8_t flip = b.is_signed ? 0x80 : 0x00;
  const int64_t groups = (k + 3) / 4;
  // Groups of four rows outside, panels inside: B is read row by row, in address order
  // (panel by panel it was read in strided 32-byte pieces, and packing took a fifth of
  // ResNet's 64 x 3136 x 576 product).
  for (int64_t g = 0; g < groups; ++g) {
    const int64_t p0 = g * 4;
    for (int64_t j0 = 0; j0 < cols; j0 += nr) {
      const int64_t live = std::min<int64_t>(nr, cols - j0);
      uint8_t* dst = out + (j0 / nr) * groups * nr * 4 + g * nr * 4;
      int64_t j = 0;
      if (!b.transposed && p0 + 4 <= k) {  // four rows of B, sixteen columns at a time
        const uint8_t* src = data + p0 * b.ld + col0 + j0;
        const uint8_t* const rows[4] = {src, src + b.ld, src + 2 * b.ld, src + 3 * b.ld};
        interleave_four_rows(rows, live, flip, dst);
        j = live;
      } else if (b.transposed && p0 + 4 <= k) {  // a column's four k are four adjacent bytes
        const uint32_t flip4 = 0x01010101u * flip;
        for (; j < live; ++j) {
          uint32_t group;
          std::memcpy(&group, data + (col0 + j0 + j) * b.ld + p0, 4);
          group ^= flip4;
          std::memcpy(dst + j * 4, &group, 4);
        }
      }
      for (; j < live; ++j) {
        const int64_t column = col0 + j0 + j;
        for (int q = 0; q < 4; ++q) {
          const int64_t p = p0 + q;
          dst[j * 4 + q] = p < k ? (b.transposed ? data[column * b.ld + p] : data[p * b.ld + column]) ^ flip : 0;
        }
      }
      std::memset(dst + live * 4, 0, static_cast<size_t>((nr - live) * 4));
    }
  }
}

namespace {

struct Problem {
  int64_t m, n, k;
  const QS8PackedWeights* a;
  const QS8GemmB* b;
  void* c;
  int64_t ldc;
  const QS8GemmEpilogue* epilogue;
  const QS8MicroKernel* kernel;
  QS8ProductCheck* check;  // nullptr: unchecked
  WorkerScratch<ThreadBuffers>* scratch;
};

// Packs B's columns [jc, jc + nc) into this thread's buffer, by the operand's packer or
// from its matrix.
const uint8_t* pack_b_block(const Problem& p, int64_t jc, int64_t nc) {
  const int nr = p.kernel->nr;
  const int64_t packed_bytes = qs8_gemm_b_packed_bytes(p.k, nr, nc);  // a multiple of 4
  uint8_t* packed = reinterpret_cast<uint8_t*>(p.scratch->mine().b.floats(static_cast<size_t>(packed_bytes / 4)));
  if (p.b->packer.pack) {
    p.b->packer.pack(p.b->packer.context, jc, nc, nr, packed);
  } else {
    qs8_gemm_pack_b_panels(*p.b, p.k, jc, nc, nr, packed);
  }
  return packed;
}

// The check's prediction from a packed block of columns [jc, jc + nc).
void predict_block(const Problem& p, QS8RectangleCheck& check, const uint8_t* packed, int64_t jc, int64_t nc) {
  const int nr = p.kernel->nr;
  const int64_t groups = (p.k + 3) / 4;
  for (int64_t jr = 0; jr < nc; jr += nr) {
    if (!check.predicts(jc + jr)) continue;
    check.predict(packed + (jr / nr) * groups * nr * 4, nr, jc + jr, static_cast<int>(std::min<int64_t>(nr, nc - jr)));
  }
}

// C rows [m0, m1) x columns [n0, n1), on one thread.
void gemm_rectangle(const Problem& p, int64_t m0, int64_t m1, int64_t n0, int64_t n1,
                    QS8RectangleCheck* check = nullptr) {
  const int mr = p.kernel->mr, nr = p.kernel->nr;
  const int64_t groups = (p.k + 3) / 4, group_bytes = std::max<int64_t>(groups, 1) * 4;
  int64_t column_block = std::max<int64_t>(nr, kBBlockBytes / group_bytes / nr * nr);
  // With a residual, the block of C a column block completes stays within L2, so that
  // adding the residual after it reads C back from there, row by row.
  if (p.epilogue->residual) {
    column_block = std::min(column_block, std::max<int64_t>(nr, kResidualBlockBytes / (m1 - m0) / nr * nr));
  }
  const int64_t row_block = std::max<int64_t>(mr, kABlockBytes / (group_bytes * p.kernel->a_bytes) / mr * mr);
  const QS8GemmEpilogue& e = *p.epilogue;
  const int element = output_bytes(e.output);
  // Each row's offset (bias - b_zero_point x rowsum, modulo 2^32) and multiplier, once.
  const uint32_t b_zero_point = static_cast<uint32_t>(e.b_zero_point + (p.b->is_signed ? 128 : 0));
  std::vector<QS8RowEpilogue>& row_epilogues = p.scratch->mine().row_epilogues;
  row_epilogues.resize(static_cast<size_t>(m1 - m0));
  for (int64_t i = m0; i < m1; ++i) {
    const uint32_t bias = e.bias ? static_cast<uint32_t>(e.bias[i]) : 0u;
    const int32_t offset = static_cast<int32_t>(bias - b_zero_point * static_cast<uint32_t>(p.a->row_sums()[i]));
    const FixedPointMultiplier multiplier =
        e.output == QS8GemmOutput::I32 ? FixedPointMultiplier{} : e.multiplier[e.per_row_multiplier ? i : 0];
    row_epilogues[static_cast<size_t>(i - m0)] = qs8_row_epilogue(offset, multiplier);
  }
  QS8TileEpilogue tile;
  tile.c_zero_point = e.c_zero_point;
  tile.c_min = e.c_min;
  tile.c_max = e.c_max;
  tile.output = e.output;
  tile.tile_hook = e.tile_hook;
  const bool tallies = check && check->tallies();
  const QS8MicroKernelFunction micro_kernel = tile.tile_hook || tallies ? p.kernel->run_hooked : p.kernel->run;
  // A fused check predicts from each panel once it is packed.
  const bool predict = check && !p.check->separate();
  for (int64_t jc = n0; jc < n1; jc += column_block) {
    const int64_t nc = std::min(column_block, n1 - jc);
    const uint8_t* packed = pack_b_block(p, jc, nc);
    if (predict) predict_block(p, *check, packed, jc, nc);
    for (int64_t ic = m0; ic < m1; ic += row_block) {
      const int64_t mc = std::min(row_block, m1 - ic);
      for (int64_t jr = 0; jr < nc; jr += nr) {
        const int cols = static_cast<int>(std::min<int64_t>(nr, nc - jr));
        const uint8_t* b_panel = packed + (jr / nr) * groups * nr * 4;
        for (int64_t ir = 0; ir < mc; ir += mr) {
          const int rows = static_cast<int>(std::min<int64_t>(mr, mc - ir));
          const int64_t i = ic + ir, j = jc + jr;
          tile.rows = row_epilogues.data() + (i - m0);
          void* c = static_cast<char*>(p.c) + (i * p.ldc + j) * element;
          if (tallies) tile.tally = check->tally_at(j);
          micro_kernel(groups, p.a->panel(i), b_panel, c, p.ldc, rows, cols, tile);
        }
      }
    }
    if (const QS8GemmResidual* r = e.residual) {
      uint8_t* block = static_cast<uint8_t*>(p.c) + m0 * p.ldc + jc;
      qs8_add_rows(r->add, m1 - m0, nc, block, p.ldc, r->data + m0 * r->ld + jc, r->ld, block, p.ldc);
    }
  }
}

// The separate check's pass after the product: the prediction from B's source, packed
// again block by block (convolution patches gathered again), and C's sums read back when
// it holds the int32 sums.
void check_rectangle_separately(const Problem& p, int64_t m0, int64_t m1, int64_t n0, int64_t n1,
                                QS8RectangleCheck& check) {
  const int nr = p.kernel->nr;
  const int64_t groups = (p.k + 3) / 4;
  const int64_t column_block = std::max<int64_t>(nr, kBBlockBytes / (std::max<int64_t>(groups, 1) * 4) / nr * nr);
  for (int64_t jc = n0; jc < n1; jc += column_block) {
    const int64_t nc = std::min(column_block, n1 - jc);
    predict_block(p, check, pack_b_block(p, jc, nc), jc, nc);
  }
  if (p.check->reads_back()) {
    const uint32_t b_zero_point = static_cast<uint32_t>(p.epilogue->b_zero_point + (p.b->is_signed ? 128 : 0));
    check.read_back(static_cast<const int32_t*>(p.c), p.ldc, *p.a, *p.epilogue, b_zero_point);
  }
}

}  // namespace

void qs8_gemm(int64_t m, int64_t n, int64_t k, const QS8PackedWeights& a, const QS8GemmB& b, void* c, int64_t ldc,
              const QS8GemmEpilogue& epilogue, int threads) {
  if (m <= 0 || n <= 0) return;
  assert(a.rows() == m && a.depth() == k && KernelRegistry<QS8MicroKernel>::runs_here(a.kernel()));
  assert(epilogue.output == QS8GemmOutput::I32 || epilogue.multiplier != nullptr);
  assert(epilogue.output != QS8GemmOutput::I32 || epilogue.residual == nullptr);
  const QS8MicroKernel& kernel = a.kernel();
  const int64_t tiles_m = (m + kernel.mr - 1) / kernel.mr, tiles_n = (n + kernel.nr - 1) / kernel.nr;
  // Below about two million multiply-adds the fork costs more than it saves.
  const int team = m * n * k < (1 << 21) ? 1 : static_cast<int>(std::min<int64_t>(threads, tiles_m * tiles_n));
  const GemmThreadContext& context = gemm_thread_context();
  if (!epilogue.tile_hook && context.s32_tile_hook) {
    QS8GemmEpilogue hooked = epilogue;
    hooked.tile_hook = context.s32_tile_hook;
    return qs8_gemm(m, n, k, a, b, c, ldc, hooked, threads);
  }
  const GemmThreadGrid grid = gemm_thread_grid(m, n, kernel.mr, kernel.nr, kPanelPackCost, 0, team);
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
  QS8ProductCheck check(*sink, m, n, k, a, epilogue, grid);
  const Problem problem{m, n, k, &a, &b, c, ldc, &epilogue, &kernel, &check, &buffers};
  split_gemm_over_threads(m, n, kernel.mr, kernel.nr, grid,
                          [&](int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
                            QS8RectangleCheck part(check, m0, m1, n0, n1, kernel.mr, kernel.nr);
                            gemm_rectangle(problem, m0, m1, n0, n1, &part);
                            if (check.separate()) check_rectangle_separately(problem, m0, m1, n0, n1, part);
                          });
  buffers.equalize();
  check.finish();
}

}  // namespace vigil::kernels
