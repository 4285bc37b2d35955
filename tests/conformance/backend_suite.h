// SPDX-License-Identifier: Apache-2.0
// The ONNX backend test suite as Debian's libonnx-testdata ships it: folders of test
// cases, each a model.onnx and test_data_set_*/ with input_*.pb and output_*.pb. This
// runs one case through a vigil session and compares every output (floats within
// rtol 1e-3 and atol 1e-5, integers, bools and strings exactly; sequences element by
// element; optionals by presence, then content).
#pragma once

#include <string>

namespace vigil::conformance {

enum class Outcome { Pass, Fail, Unsupported };

struct CaseResult {
  Outcome outcome = Outcome::Pass;
  std::string detail;  // why it failed or is unsupported
};

CaseResult run_backend_case(const std::string& case_dir);

// The suite's location: $VIGIL_ONNX_TESTDATA, or where Debian installs it.
std::string backend_data_root();

}  // namespace vigil::conformance
