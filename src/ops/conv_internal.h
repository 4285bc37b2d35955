// Shared by the convolution family files: conv.cc registers the family and defines Conv,
// conv_transpose.cc defines ConvTranspose.
#pragma once

#include <memory>

#include "ops/operator.h"

namespace vigil {

std::unique_ptr<Operator> create_conv_transpose(const OpCreateInfo& info);

}  // namespace vigil
