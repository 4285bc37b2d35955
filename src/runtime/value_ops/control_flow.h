// SPDX-License-Identifier: Apache-2.0
// Control-flow operators: If, Loop and Scan run subgraphs, so they live in the runtime
// (each holds sessions over its bodies) rather than among the plain operators of ops/.
// They are value operators: bodies may carry sequences and optionals.
#pragma once

#include <map>
#include <string>

#include "runtime/value_ops/value_operator.h"

namespace vigil {

// The factory for a control-flow node, or nullptr if the node is not one.
// If, Loop and Scan by name (default ONNX domain).
const std::map<std::string, ValueOpFactory>& control_flow_operators();

}  // namespace vigil
