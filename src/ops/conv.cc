// STUB: to be written.
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

void register_conv_operators(OpRegistry& registry) {}

}  // namespace vigil
