// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the ONNX loader: any bytes go through parsing, the checker, shape
// inference, conversion and session compilation. A vigil::Error is the expected answer
// to bad bytes; anything else (a crash, a sanitizer report, another exception) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/log.h"
#include "onnx_io/model_import.h"
#include "runtime/session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vigil::set_log_level(vigil::LogLevel::Error);
  try {
    auto model = vigil::load_model_from_bytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz.onnx");
    vigil::Session session(model);
  } catch (const vigil::Error&) {
  }
  return 0;
}
