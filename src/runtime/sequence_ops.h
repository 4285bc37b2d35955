// Sequence and optional operators (SequenceEmpty ... SequenceMap, Optional,
// OptionalHasElement, OptionalGetElement, and Identity, which passes any value on). They
// work on Values, so they live in the runtime next to control flow.
#pragma once

#include "runtime/value_operator.h"

namespace vigil {

// The factory for a sequence or optional node, or nullptr if the node is not one.
ValueOpFactory find_sequence_factory(const Node& node);

}  // namespace vigil
