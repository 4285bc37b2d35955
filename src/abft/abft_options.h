// SPDX-License-Identifier: Apache-2.0
// What ABFT does in a session (runtime/session.h: SessionOptions::abft) and on the command
// line (--abft, --abft-mode): which checksum scheme checks every matrix product of the
// GEMM-shaped steps (kernels/gemm_check.h); `full` checks them as `fused` does and runs
// every other step twice, comparing the two results bit for bit (duplication: element-wise
// operators, pooling, softmax, normalization, depthwise convolutions); `auto` chooses per
// step between fused and separate from the step's arithmetic intensity against the
// machine's balance (its ridge, from `vigil peaks`): auto_prefers_separate below. What a
// detected error does:
//   detect   the inference fails with one error naming the node (exit code 3);
//   correct  the step runs again once on the same inputs (a transient error is gone) and
//            the inference fails only if the result still disagrees (a duplicated step
//            takes the result two of its three runs agree on).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vigil::abft {

enum class Scheme { Off, Separate, Fused, Full, Auto };
enum class Mode { Detect, Correct };

struct Options {
  Scheme scheme = Scheme::Off;
  Mode mode = Mode::Detect;
  // For auto: the machine's ridge points, operations per byte of memory traffic, for fp32
  // and int8 arithmetic on the session's threads; 0 (not known): every product counts as
  // compute-bound (fused).
  double fp32_ridge = 0;
  double int8_ridge = 0;
};

// The choice of auto for one product: separate when its largest operand alone makes it
// memory-bound, that is when its operations per byte of that operand fall below the
// ridge (a fully connected layer at a small batch, whose weights stream from memory).
// That operand streams under either scheme and separate reads only the smaller ones again,
// while fused's tally costs the same per tile as anywhere. Fused otherwise, and when the
// ridge is not known (0).
inline bool auto_prefers_separate(int64_t ops, int64_t largest_operand_bytes, double ridge) {
  return ridge > 0 && largest_operand_bytes > 0 &&
         static_cast<double>(ops) < ridge * static_cast<double>(largest_operand_bytes);
}

const char* scheme_name(Scheme scheme);  // "off", "separate", "fused", "full", "auto"
const char* mode_name(Mode mode);        // "detect", "correct"
std::optional<Scheme> parse_scheme(std::string_view name);
std::optional<Mode> parse_mode(std::string_view name);

}  // namespace vigil::abft
