// SPDX-License-Identifier: Apache-2.0
// The measured bit-product peak: how many GOP/s the loops of kernels/bitserial_peak.h give
// on one core and on N threads (a bit product and its add count as two operations, the
// multiply-add of a 1-bit layer). A layer of w weight planes and a activation planes runs
// w x a plane pairs per product, so its roof is this peak / (w x a). The best loop the CPU
// runs is timed: AVX-512 VPOPCNTDQ where the CPU has it, else AVX2.
#pragma once

#include "kernels/bitserial_peak.h"
#include "perf/throughput_timing.h"

namespace vigil::perf {

using BitSerialPeak = LoopPeak;

// The best bit-product loop this CPU runs; nullptr if it has no AVX2.
const kernels::BitSerialPeakLoop* bitserial_peak_loop();

// Times bitserial_peak_loop() as perf/throughput_timing.h does. A bad-input Error if the
// CPU has no loop or threads < 1.
BitSerialPeak measure_bitserial_peak(int threads, double seconds = 0.02, int repeats = 5);

}  // namespace vigil::perf
