// SPDX-License-Identifier: Apache-2.0
// Sequence and optional operators (SequenceEmpty ... SequenceMap, Optional,
// OptionalHasElement, OptionalGetElement, and Identity, which passes any value on). They
// work on Values, so they live in the runtime next to control flow.
#pragma once

#include <map>
#include <string>

#include "runtime/value_ops/value_operator.h"

namespace vigil {

// The factory for a sequence or optional node, or nullptr if the node is not one.
// The sequence and optional operators (and an Identity that passes any value) by name
// (default ONNX domain).
const std::map<std::string, ValueOpFactory>& sequence_operators();

}  // namespace vigil
