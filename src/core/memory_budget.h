// SPDX-License-Identifier: Apache-2.0
// The memory budget. Every large block vigil allocates (tensors, a session's arena, packed
// weights) comes from allocate_block, which counts the bytes alive in the
// process against one limit. A model, input or flag that asks for more memory than the
// machine can give thus ends in one bad-input error that says how much was asked, instead
// of the out-of-memory killer. The default is 80% of the memory the process may use (the
// smaller of physical memory and the cgroup limit); `--max-memory` and VIGIL_MAX_MEMORY
// set it.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

size_t memory_budget();  // a bad VIGIL_MAX_MEMORY is a bad-input Error on the first call
size_t default_memory_budget();
void set_memory_budget(size_t bytes);
size_t memory_in_use();  // bytes in blocks alive now

// A 64-byte aligned block of at least `bytes`, counted against the budget until its last
// owner lets go. A bad-input Error naming `what` if it would take the process over the
// budget or if the system has no memory for it.
std::shared_ptr<std::byte> allocate_block(size_t bytes, const char* what = "tensor");
// Whether a block of `bytes` from allocate_block is zeroed already (a large one, fresh from
// the kernel), so that zeroing it again would only touch every page for nothing.
bool arrives_zeroed(size_t bytes);

// "4096", "512M", "1.5G", "2T" (powers of 1024; a trailing "B" or "iB" is accepted);
// nothing for text that is not a size or for a size of 0.
std::optional<size_t> parse_byte_size(std::string_view text);
std::string format_bytes(double bytes);  // "1.5 GiB"

}  // namespace vigil
