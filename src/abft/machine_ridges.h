// SPDX-License-Identifier: Apache-2.0
// The ridge points that `auto` chooses by (abft/abft_options.h), from the machine's
// measured peaks (perf/peaks_cache.h): cached per CPU model, measured once when they are
// not. Every interface that offers `auto` (the command line, the C and Python interfaces)
// sets them here.
#pragma once

#include <string_view>

#include "abft/abft_options.h"

namespace vigil::abft {

// Sets options' fp32 and int8 ridges for `threads` threads when its scheme is auto.
void set_machine_ridges(Options& options, int threads);

// A session's options from a scheme and a mode by name (empty: off, detect), with the
// ridges for `threads`, as the C and Python interfaces take them; a bad-input Error that
// names `source` (the call) for an unknown name, or a mode without a scheme.
Options options_by_name(std::string_view scheme, std::string_view mode, int threads, std::string_view source);

}  // namespace vigil::abft
