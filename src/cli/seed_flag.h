// SPDX-License-Identifier: Apache-2.0
// The check of every --seed flag: a decimal integer from 0 to 2^64 - 1. CLI11's own
// conversion wraps "-1" and saturates numbers past 2^64, so a seed is read with
// std::from_chars, which refuses both.
#pragma once

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdint>
#include <string>

namespace vigil::cli {

inline CLI::Validator seed_flag_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        uint64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        if (text.empty() || error != std::errc() || stop != end) {
          return "a seed is a whole number from 0 to 18446744073709551615, not " + text;
        }
        return {};
      },
      "UINT in [0 - 2^64-1]");
}

}  // namespace vigil::cli
