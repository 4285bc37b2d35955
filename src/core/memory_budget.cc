// SPDX-License-Identifier: Apache-2.0
// The memory budget: one atomic count of the bytes alive in budgeted blocks.
#include "core/memory_budget.h"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "core/error.h"

namespace vigil {

namespace {
constexpr size_t kAlignment = 64;
// Blocks of at least kMappedBlock come straight from the kernel, already zeroed, aligned
// to a huge page and offered transparent huge pages: one page fault and one TLB entry per
// 2 MiB instead of 512 of each. Loading ResNet-50's 100 MB of weights and packing them
// faulted in 25,000 pages, which in a virtual machine took half of its set-up; its packed
// weights are then streamed on every inference. Smaller blocks come from malloc.
constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kMappedBlock = size_t{4} << 20;

std::atomic<size_t> bytes_in_use{0};

// What the process may use: physical memory, or less where a cgroup (a container) says so.
size_t usable_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  size_t usable =
      pages > 0 && page_size > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(page_size) : size_t{8} << 30;
  std::ifstream cgroup("/sys/fs/cgroup/memory.max");
  size_t limit = 0;
  if (cgroup >> limit && limit > 0) usable = std::min(usable, limit);
  return usable;
}

size_t budget_from_environment() {
  if (const char* text = std::getenv("VIGIL_MAX_MEMORY")) {
    const std::optional<size_t> bytes = parse_byte_size(text);
    check_input(bytes.has_value(), "VIGIL_MAX_MEMORY: '", text, "' is not a size such as 512M or 8G");
    return *bytes;
  }
  return default_memory_budget();
}

std::atomic<size_t>& budget() {
  static std::atomic<size_t> value{budget_from_environment()};
  return value;
}
}  // namespace

size_t default_memory_budget() { return usable_memory() / 5 * 4; }

size_t memory_budget() { return budget().load(std::memory_order_relaxed); }

void set_memory_budget(size_t bytes) { budget().store(bytes, std::memory_order_relaxed); }

size_t memory_in_use() { return bytes_in_use.load(std::memory_order_relaxed); }

bool arrives_zeroed(size_t bytes) { return bytes >= kMappedBlock; }

namespace {

// `bytes` of zeroed memory at a huge-page boundary, or nullptr; `length` is what to unmap.
std::byte* map_block(size_t bytes, size_t& length) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGE_SIZE));
  length = (bytes + page - 1) / page * page;
  void* mapped = mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) return nullptr;
  auto* start = static_cast<std::byte*>(mapped);
  auto* aligned = reinterpret_cast<std::byte*>((reinterpret_cast<uintptr_t>(start) + kHugePage - 1) / kHugePage * kHugePage);
  if (aligned > start) munmap(start, static_cast<size_t>(aligned - start));
  std::byte* end = start + length + kHugePage;
  if (end > aligned + length) munmap(aligned + length, static_cast<size_t>(end - (aligned + length)));
  madvise(aligned, length, MADV_HUGEPAGE);  // a hint: without huge pages the block still works
  return aligned;
}

}  // namespace

std::shared_ptr<std::byte> allocate_block(size_t bytes, const char* what) {
  const size_t limit = memory_budget();
  const size_t rounded = bytes > limit ? bytes : (bytes + kAlignment - 1) / kAlignment * kAlignment;
  size_t in_use = bytes_in_use.load(std::memory_order_relaxed);
  do {
    check_input(rounded <= limit && in_use <= limit - rounded, what, " needs ",
                format_bytes(static_cast<double>(bytes)), " with ", format_bytes(static_cast<double>(in_use)),
                " already in use, over the memory budget of ", format_bytes(static_cast<double>(limit)),
                " (--max-memory)");
  } while (!bytes_in_use.compare_exchange_weak(in_use, in_use + rounded, std::memory_order_relaxed));
  if (rounded >= kMappedBlock) {
    size_t length = 0;
    std::byte* block = map_block(rounded, length);
    if (!block) {
      bytes_in_use.fetch_sub(rounded, std::memory_order_relaxed);
      fail_bad_input(what, " needs ", format_bytes(static_cast<double>(bytes)), " and the system has no memory left");
    }
    return std::shared_ptr<std::byte>(block, [rounded, length](std::byte* p) {
      munmap(p, length);
      bytes_in_use.fetch_sub(rounded, std::memory_order_relaxed);
    });
  }
  void* memory = std::aligned_alloc(kAlignment, std::max(rounded, kAlignment));
  if (!memory) {
    bytes_in_use.fetch_sub(rounded, std::memory_order_relaxed);
    fail_bad_input(what, " needs ", format_bytes(static_cast<double>(bytes)), " and the system has no memory left");
  }
  return std::shared_ptr<std::byte>(static_cast<std::byte*>(memory), [rounded](std::byte* p) {
    std::free(p);
    bytes_in_use.fetch_sub(rounded, std::memory_order_relaxed);
  });
}

std::optional<size_t> parse_byte_size(std::string_view text) {
  const std::string owned(text);
  char* end = nullptr;
  const double value = std::strtod(owned.c_str(), &end);
  if (end == owned.c_str() || !std::isfinite(value) || value <= 0) return std::nullopt;
  std::string_view unit(end);
  if (unit.size() >= 2 && unit.substr(unit.size() - 2) == "iB")
    unit.remove_suffix(2);
  else if (!unit.empty() && unit.back() == 'B')
    unit.remove_suffix(1);
  static constexpr std::string_view kUnits = "KMGTP";
  double scale = 1;
  if (unit.size() == 1 && kUnits.find(unit[0]) != std::string_view::npos) {
    scale = std::ldexp(1.0, 10 * static_cast<int>(kUnits.find(unit[0]) + 1));
  } else if (!unit.empty()) {
    return std::nullopt;
  }
  const double bytes = std::floor(value * scale);
  if (bytes < 1 || bytes >= 0x1p63) return std::nullopt;
  return static_cast<size_t>(bytes);
}

std::string format_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 6) {
    bytes /= 1024;
    ++unit;
  }
  return unit == 0 ? str_cat(static_cast<size_t>(bytes), " bytes")
                   : str_cat(std::round(bytes * 10) / 10, " ", kUnits[unit]);
}

}  // namespace vigil
