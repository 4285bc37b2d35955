// SPDX-License-Identifier: Apache-2.0
// Counting every heap allocation of the process between start and stop
// (counting_allocator.cc replaces the allocator of the test executable).
#pragma once

namespace vigil::testing {
void start_counting_allocations();
long stop_counting_allocations();  // the allocations since start
}  // namespace vigil::testing
