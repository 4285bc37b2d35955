// Control-flow operators: If, Loop and Scan run subgraphs, so they live in the runtime
// (each holds sessions over its bodies) rather than among the plain operators of ops/.
// The session asks here first, then the operator registry.
#pragma once

#include "ops/operator.h"

namespace vigil {

// The factory for a control-flow node, or nullptr if the node is not one.
OpFactory find_control_flow_factory(const Node& node);

}  // namespace vigil
