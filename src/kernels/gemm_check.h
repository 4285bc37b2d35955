// SPDX-License-Identifier: Apache-2.0
// Algorithm-based fault tolerance inside the GEMM drivers: every product that f32_gemm or
// qs8_gemm computes on a thread whose GEMM context holds a check sink is checked while it
// is computed, whichever operator called it (Conv by implicit GEMM, 1x1 or Winograd's
// products, MatMul, Gemm, their int8 forms and fused epilogues). The same per-thread
// context lets a step hook reach the accumulators of any operator's GEMM with a tile hook
// (fault injection), without the operator knowing.
//
// The operand known in advance (weights, packed once) carries an encoded checksum made
// from its original values when it was packed: e^T A, the sum of its rows, one value per
// k (or B e when the weights are B). The check predicts the sums of C along the other
// side, e^T C = (e^T A) B, and compares them with the sums of C (Huang and Abraham):
//   - the sums of C are taken from each tile's sums in the hooked micro-kernel, before the
//     epilogue (kernels/gemm_tile_hook.h): bias, residual, a fused activation and int8
//     requantization all follow the check;
//   - fused: the prediction reads each panel of the other operand while the driver has
//     it in cache for the product: no pass over memory of its own, extra arithmetic;
//   - separate: the prediction reads the other operand from its source after the product
//     (re-gathering convolution patches), and the sums of C are read back from C where
//     the epilogue can be undone (no activation, no residual, no scale): a pass over
//     memory of its own, and it also covers the packing of the operand.
// int8 products compare their int32 accumulators exactly, modulo 2^32: a clean product
// never fails and any single corrupted accumulator (any bit) does. fp32 products allow
// the rounding error of the check, bounded per line from the same sums over absolute
// values (|e^T| |A| |B|), never a constant. A product with no encoded operand (two
// activations) computes e^T A on the fly.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "kernels/gemm_tile_hook.h"

namespace vigil::kernels {

enum class GemmCheckScheme { Fused, Separate };

// What the checked products of one step found.
struct GemmCheckTally {
  int64_t products = 0;  // products checked
  int64_t lines = 0;     // columns (or rows) of C compared
  int64_t failures = 0;  // lines whose sum disagreed with the prediction
  std::string first_failure;  // e.g. "column 17 of a 64 x 3136 x 576 int8 product: ..."
};

// The planes of one depthwise convolution whose sums disagreed with their checksums,
// recorded from any thread; then the step's tally.
class DepthwisePlaneFailures {
 public:
  explicit DepthwisePlaneFailures(int64_t planes) : planes_(planes), first_(planes) {}
  void record(int64_t plane);
  GemmCheckTally tally(int64_t kernel_h, int64_t kernel_w, const char* precision) const;

 private:
  int64_t planes_;
  std::atomic<int64_t> count_{0}, first_;
};

// Where checked products report; shared by the threads of one step. `depthwise_planes`:
// fp32 depthwise convolutions check their planes too (ops/conv_depthwise.cc), a pass of
// their own that only the uniform separate scheme asks for (int8 ones add up their sums in
// registers and check their planes under every scheme, ops/quantized/vigil_qconv.cc).
class GemmCheckSink {
 public:
  GemmCheckSink(GemmCheckScheme scheme, bool depthwise_planes)
      : scheme_(scheme), depthwise_planes_(depthwise_planes) {}
  GemmCheckScheme scheme() const { return scheme_; }
  bool depthwise_planes() const { return depthwise_planes_; }
  // Between steps (no product running): the scheme of the next step's products.
  void set_scheme(GemmCheckScheme scheme) { scheme_ = scheme; }
  void add(const GemmCheckTally& product);
  GemmCheckTally take();  // what was added since the last take

 private:
  GemmCheckScheme scheme_;
  bool depthwise_planes_;
  std::mutex mutex_;
  GemmCheckTally tally_;
};

// What the products a thread runs carry besides their operands.
struct GemmThreadContext {
  GemmCheckSink* check = nullptr;  // none: products are not checked
  // Tile hooks for products whose epilogue has none (kernels/gemm_tile_hook.h).
  const F32TileHook* f32_tile_hook = nullptr;
  const S32TileHook* s32_tile_hook = nullptr;
};
GemmThreadContext& gemm_thread_context();  // this thread's

// Installs a context on this thread for its lifetime. An operator that calls the GEMM from
// inside its own parallel region passes its caller's context on to every thread with one.
class GemmThreadScope {
 public:
  explicit GemmThreadScope(const GemmThreadContext& context);
  ~GemmThreadScope();
  GemmThreadScope(const GemmThreadScope&) = delete;
  GemmThreadScope& operator=(const GemmThreadScope&) = delete;

 private:
  GemmThreadContext previous_;
};

}  // namespace vigil::kernels
