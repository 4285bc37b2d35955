// SPDX-License-Identifier: Apache-2.0
// kernels/x8_deinterleave.h on every path this CPU runs against the definition
// (even[j] = source[2 j], odd[j] = source[2 j + 1]): every length from 0 to 200, so whole
// 64-byte steps, odd and even tails and the single byte; the bytes after the written ones
// stay untouched.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/x8_deinterleave.h"

namespace vigil::kernels {
namespace {

TEST(X8Deinterleave, EveryPathEveryLength) {
  std::vector<Isa> paths = {Isa::Scalar};
  if (detected_isa() == Isa::Avx512) paths.push_back(Isa::Avx512);
  for (const Isa isa : paths) {
    set_active_isa(isa);
    for (int64_t count = 0; count <= 200; ++count) {
      std::vector<uint8_t> source(static_cast<size_t>(count));
      for (int64_t i = 0; i < count; ++i) source[static_cast<size_t>(i)] = static_cast<uint8_t>(i * 37 + 5);
      std::vector<uint8_t> even(128, 0xEE), odd(128, 0xDD);
      x8_deinterleave(source.data(), count, even.data(), odd.data());
      for (int64_t j = 0; j < 128; ++j) {
        const uint8_t want_even = 2 * j < count ? source[static_cast<size_t>(2 * j)] : 0xEE;
        const uint8_t want_odd = 2 * j + 1 < count ? source[static_cast<size_t>(2 * j + 1)] : 0xDD;
        ASSERT_EQ(even[static_cast<size_t>(j)], want_even) << isa_name(isa) << " count " << count << " j " << j;
        ASSERT_EQ(odd[static_cast<size_t>(j)], want_odd) << isa_name(isa) << " count " << count << " j " << j;
      }
    }
  }
  set_active_isa(detected_isa());
}

}  // namespace
}  // namespace vigil::kernels
