// SPDX-License-Identifier: Apache-2.0
// The core clock under load, measured rather than read from the processor's name or
// from /proc/cpuinfo (which shows the base or a momentary figure, and nothing under some
// hypervisors): a chain of dependent register-to-register integer adds retires one add
// per cycle on every x86-64 core since the 1990s, so adds per second are cycles per second. `vigil peaks`
// prints it and converts the measured peaks into operations per cycle against theory.
#pragma once

namespace vigil::perf {

// GHz of the calling thread's core while it computes (best of a few timings).
double measure_clock_ghz();

}  // namespace vigil::perf
