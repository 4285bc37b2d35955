// SPDX-License-Identifier: Apache-2.0
// What ABFT does in a session (runtime/session.h: SessionOptions::abft) and on the command
// line (--abft, --abft-mode): which checksum scheme checks every matrix product of the
// GEMM-shaped steps (kernels/gemm_check.h); `full` checks them as `fused` does and runs
// every other step twice, comparing the two results bit for bit (duplication: element-wise
// operators, pooling, softmax, normalization, depthwise convolutions). What a detected
// error does:
//   detect   the inference fails with one error naming the node (exit code 3);
//   correct  the step runs again once on the same inputs (a transient error is gone) and
//            the inference fails only if the result still disagrees (a duplicated step
//            takes the result two of its three runs agree on).
#pragma once

#include <optional>
#include <string_view>

namespace vigil::abft {

enum class Scheme { Off, Separate, Fused, Full };
enum class Mode { Detect, Correct };

struct Options {
  Scheme scheme = Scheme::Off;
  Mode mode = Mode::Detect;
};

const char* scheme_name(Scheme scheme);  // "off", "separate", "fused", "full"
const char* mode_name(Mode mode);        // "detect", "correct"
std::optional<Scheme> parse_scheme(std::string_view name);
std::optional<Mode> parse_mode(std::string_view name);

}  // namespace vigil::abft
