// SPDX-License-Identifier: Apache-2.0
// The ridge points that `auto` chooses by (abft/abft_options.h), from the machine's
// measured peaks (perf/peaks_cache.h): cached per CPU model, measured once when they are
// not. Every interface that offers `auto` (the command line, the C API) sets them here.
#pragma once

#include "abft/abft_options.h"

namespace vigil::abft {

// Sets options' fp32 and int8 ridges for `threads` threads when its scheme is auto.
void set_machine_ridges(Options& options, int threads);

}  // namespace vigil::abft
