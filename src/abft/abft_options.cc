// SPDX-License-Identifier: Apache-2.0
// The names of the ABFT settings (abft/abft_options.h), as the command line spells them.
#include "abft/abft_options.h"

namespace vigil::abft {

const char* scheme_name(Scheme scheme) {
  switch (scheme) {
    case Scheme::Separate: return "separate";
    case Scheme::Fused: return "fused";
    case Scheme::Full: return "full";
    case Scheme::Auto: return "auto";
    default: return "off";
  }
}

const char* mode_name(Mode mode) { return mode == Mode::Correct ? "correct" : "detect"; }

std::optional<Scheme> parse_scheme(std::string_view name) {
  for (Scheme scheme : {Scheme::Off, Scheme::Separate, Scheme::Fused, Scheme::Full, Scheme::Auto}) {
    if (name == scheme_name(scheme)) return scheme;
  }
  return std::nullopt;
}

std::optional<Mode> parse_mode(std::string_view name) {
  for (Mode mode : {Mode::Detect, Mode::Correct}) {
    if (name == mode_name(mode)) return mode;
  }
  return std::nullopt;
}

}  // namespace vigil::abft
