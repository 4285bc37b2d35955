// SPDX-License-Identifier: Apache-2.0
// The policy of ops/quantized/bit_serial_policy.h.
#include "ops/quantized/bit_serial_policy.h"

#include "core/error.h"
#include "core/log.h"
#include "kernels/bitserial_gemm.h"
#include "kernels/qs8_gemm_microkernel.h"

namespace vigil {

namespace {

constexpr int64_t kMinWords = 8;  // 64-bit words per plane along the depth

}  // namespace

int bit_serial_plane_pair_budget() {
  const kernels::BitSerialGemmKernel& bits = kernels::bitserial_gemm_kernels().active();
  const kernels::QS8MicroKernel& bytes = kernels::qs8_gemm_kernels().active();
  if (bits.needs.contains(CpuFeatures{CpuFeature::Avx512Vpopcntdq})) return 4;
  if (bytes.needs.contains(CpuFeatures{CpuFeature::Avx512Vnni})) return 0;
  if (bytes.needs.contains(CpuFeatures{CpuFeature::AvxVnni})) return 1;
  return 4;
}

std::string bit_serial_refusal(int weight_planes, int64_t channels, int64_t taps, bool& cpu) {
  cpu = false;
  const int64_t channel_words = kernels::bit_words(channels), words = taps * channel_words;
  // Channels that leave a quarter of their words empty cost more in padding than the
  // planes save; a depth of few words is mostly per-tile work.
  if (4 * channels < 3 * 64 * channel_words) {
    return str_cat(channels, taps == 1 ? " values of depth" : " input channels", " fill ", channels, " of the ",
                   64 * channel_words, " bits of their words (bit-serial needs three quarters)");
  }
  if (words < kMinWords) {
    return str_cat("a depth of ", words, words == 1 ? " word" : " words", " of 64 bits (bit-serial needs ", kMinWords,
                   ")");
  }
  if (bit_serial_plane_pair_budget() < weight_planes) {
    cpu = true;
    return str_cat("the int8 kernel (", kernels::qs8_gemm_kernels().active().name, ") is faster than ",
                   kernels::bitserial_gemm_kernels().active().name, " here");
  }
  return {};
}

std::vector<kernels::QS8RowEpilogue> bit_serial_row_epilogues(
    const int8_t* weights, int64_t rows, int64_t depth, const std::vector<int32_t>& bias,
    const std::vector<kernels::FixedPointMultiplier>& multipliers, int32_t x_zero_point) {
  std::vector<kernels::QS8RowEpilogue> epilogues;
  for (int64_t m = 0; m < rows; ++m) {
    uint32_t sum = 0;
    for (int64_t k = 0; k < depth; ++k) sum += static_cast<uint32_t>(weights[m * depth + k]);
    const uint32_t b = bias.empty() ? 0u : static_cast<uint32_t>(bias[static_cast<size_t>(m)]);
    const int32_t offset = static_cast<int32_t>(b - static_cast<uint32_t>(x_zero_point) * sum);
    epilogues.push_back(kernels::qs8_row_epilogue(offset, multipliers[multipliers.size() == 1 ? 0 : m]));
  }
  return epilogues;
}

kernels::QS8TileEpilogue bit_serial_output(const OutputRequantization& y) {
  kernels::QS8TileEpilogue output;
  output.c_zero_point = y.zero_point;
  output.c_min = y.min;
  output.c_max = y.max;
  output.output = y.type == DType::UInt8 ? kernels::QS8GemmOutput::U8 : kernels::QS8GemmOutput::S8;
  return output;
}

void report_bit_serial_refusal(const std::string& what, const std::string& refusal, bool cpu) {
  if (refusal.empty()) return;
  const std::string message = str_cat(what, ": its low-bit weights run on the int8 kernel: ", refusal);
  if (cpu) {
    log_info(message);
  } else {
    log_warning(message);
  }
}

}  // namespace vigil
