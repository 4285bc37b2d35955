// SPDX-License-Identifier: Apache-2.0
// The measured int8 arithmetic peak: how many GOP/s the int8 dot-product loops of
// kernels/s8_dot_peak.h give on one core and on N threads (a multiply and its add count
// as two operations, as in the int8 GEMM's figures). The best loop the CPU runs is
// timed: AVX-512 VNNI where the CPU has it, else AVX-VNNI, else AVX2.
#pragma once

#include "kernels/s8_dot_peak.h"
#include "perf/throughput_timing.h"

namespace vigil::perf {

using Int8Peak = LoopPeak;

// The best int8 loop this CPU runs; nullptr if it has no AVX2.
const kernels::S8DotPeakLoop* int8_peak_loop();

// Times int8_peak_loop() as perf/throughput_timing.h does. A bad-input Error if the CPU
// has no int8 loop or threads < 1.
Int8Peak measure_int8_peak(int threads, double seconds = 0.02, int repeats = 5);
// Times one given loop the same way: the yardstick of a kernel of a lower path (the AVX2
// int8 GEMM on a CPU with VNNI). The caller makes sure the CPU runs it.
Int8Peak measure_int8_peak(const kernels::S8DotPeakLoop& loop, int threads, double seconds = 0.02, int repeats = 5);

}  // namespace vigil::perf
