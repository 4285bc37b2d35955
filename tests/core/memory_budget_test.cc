// SPDX-License-Identifier: Apache-2.0
// The memory budget: sizes as users write them, and allocations counted against the limit.
#include "core/memory_budget.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/tensor.h"

namespace vigil {

TEST(MemoryBudget, ParsesSizesAsUsersWriteThem) {
  EXPECT_EQ(parse_byte_size("4096"), 4096u);
  EXPECT_EQ(parse_byte_size("512M"), size_t{512} << 20);
  EXPECT_EQ(parse_byte_size("1.5G"), size_t{3} << 29);
  EXPECT_EQ(parse_byte_size("2GiB"), size_t{2} << 30);
  EXPECT_EQ(parse_byte_size("8KB"), size_t{8} << 10);
  for (const char* bad : {"", "0", "-1G", "1Q", "G", "nan", "1e300T", "12 M"}) {
    EXPECT_FALSE(parse_byte_size(bad).has_value()) << bad;
  }
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(100), "100 bytes");
}

TEST(MemoryBudget, AllocationsBeyondTheBudgetAreOneClearErrorAndReleasesCount) {
  const size_t saved = memory_budget();
  const size_t before = memory_in_use();
  set_memory_budget(before + (size_t{9} << 20));
  {
    const Tensor fits(DType::Float32, {1 << 20});  // 4 MiB
    EXPECT_GE(memory_in_use(), before + (size_t{4} << 20));
    try {
      const Tensor too_much(DType::Float32, {1 << 21});  // 8 MiB more
      ADD_FAILURE() << "an allocation beyond the budget succeeded";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::BadInput);
      EXPECT_NE(std::string(e.what()).find("--max-memory"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(memory_in_use(), before);  // the released tensor no longer counts
  const Tensor now_fits(DType::Float32, {1 << 21});
  set_memory_budget(saved);
}

}  // namespace vigil
