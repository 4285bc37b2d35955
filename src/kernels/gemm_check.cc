// SPDX-License-Identifier: Apache-2.0
// The check sink and thread context of kernels/gemm_check.h, and the registry of the checksum kernels
// (kernels/gemm_checksum_predict.h).
#include "kernels/gemm_check.h"

#include <utility>

#include "core/error.h"

#include "kernels/gemm_checksum_predict.h"

namespace vigil::kernels {

void GemmCheckSink::add(const GemmCheckTally& product) {
  const std::lock_guard<std::mutex> lock(mutex_);
  tally_.products += product.products;
  tally_.lines += product.lines;
  if (product.failures > 0 && tally_.failures == 0) tally_.first_failure = product.first_failure;
  tally_.failures += product.failures;
}

void DepthwisePlaneFailures::record(int64_t plane) {
  ++count_;
  for (int64_t first = first_.load(); plane < first && !first_.compare_exchange_weak(first, plane);) {
  }
}

GemmCheckTally DepthwisePlaneFailures::tally(int64_t kernel_h, int64_t kernel_w, const char* precision) const {
  GemmCheckTally tally;
  tally.products = 1;
  tally.lines = planes_;
  tally.failures = count_.load();
  if (tally.failures > 0) {
    tally.first_failure = str_cat("plane ", first_.load(), " of a", precision, " depthwise ", kernel_h, "x", kernel_w,
                                  " convolution of ", planes_, " planes: its sum disagrees with its checksum");
  }
  return tally;
}

GemmCheckTally GemmCheckSink::take() {
  const std::lock_guard<std::mutex> lock(mutex_);
  return std::exchange(tally_, {});
}

namespace {
thread_local GemmThreadContext thread_context;
}  // namespace

GemmThreadContext& gemm_thread_context() { return thread_context; }

GemmThreadScope::GemmThreadScope(const GemmThreadContext& context) : previous_(thread_context) {
  thread_context = context;
}
GemmThreadScope::~GemmThreadScope() { thread_context = previous_; }

extern const GemmChecksumPredictKernel gemm_checksum_predict__scalar;
extern const GemmChecksumPredictKernel gemm_checksum_predict__avx2;
extern const GemmChecksumPredictKernel gemm_checksum_predict__avx512;
extern const GemmChecksumPredictKernel gemm_checksum_predict__avx512vnni;

namespace {
constexpr const GemmChecksumPredictKernel* kPredictKernels[] = {
    &gemm_checksum_predict__scalar, &gemm_checksum_predict__avx2, &gemm_checksum_predict__avx512,
    &gemm_checksum_predict__avx512vnni};
}  // namespace

const KernelRegistry<GemmChecksumPredictKernel>& gemm_checksum_predict_kernels() {
  static const KernelRegistry<GemmChecksumPredictKernel> registry("gemm_checksum", kPredictKernels);
  return registry;
}

}  // namespace vigil::kernels
