// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the data readers: the first byte picks the .npy reader or the IDX
// reader (with a --limit from the second byte), the rest is the file. A vigil::Error is
// the expected answer to bad bytes; a crash, a sanitizer report, another exception, a
// hang or memory beyond the 256 MiB budget is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/file_io.h"
#include "core/memory_budget.h"
#include "io/idx.h"
#include "io/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  vigil::set_memory_budget(size_t{256} << 20);
  const std::string bytes(reinterpret_cast<const char*>(data) + 2, size - 2);
  vigil::BoundedReader reader = vigil::BoundedReader::over(bytes, "fuzz");
  try {
    if (data[0] % 2) {
      vigil::read_idx(reader, data[1] % 4 == 0 ? 0 : data[1]);
    } else {
      vigil::read_npy(reader);
    }
  } catch (const vigil::Error&) {
  }
  return 0;
}
