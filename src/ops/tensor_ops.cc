// STUB: to be written.
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

void register_tensor_operators(OpRegistry& registry) {}

}  // namespace vigil
