// SPDX-License-Identifier: Apache-2.0
// Names and sizes of element types.
#include "core/dtype.h"

namespace vigil {

size_t dtype_size(DType type) {
  switch (type) {
    case DType::Float32:
    case DType::Int32:
    case DType::UInt32: return 4;
    case DType::Float64:
    case DType::Int64:
    case DType::UInt64: return 8;
    case DType::Float16:
    case DType::BFloat16:
    case DType::Int16:
    case DType::UInt16: return 2;
    case DType::Int8:
    case DType::UInt8:
    case DType::Bool: return 1;
    default: return 0;
  }
}

std::string dtype_name(DType type) {
  switch (type) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Float16: return "float16";
    case DType::BFloat16: return "bfloat16";
    case DType::UInt8: return "uint8";
    case DType::Int8: return "int8";
    case DType::UInt16: return "uint16";
    case DType::Int16: return "int16";
    case DType::Int32: return "int32";
    case DType::Int64: return "int64";
    case DType::UInt32: return "uint32";
    case DType::UInt64: return "uint64";
    case DType::Bool: return "bool";
    case DType::String: return "string";
    case DType::Undefined: return "undefined";
  }
  return str_cat("type#", static_cast<int>(type));
}

bool dtype_is_float(DType type) {
  return type == DType::Float32 || type == DType::Float64 || type == DType::Float16 || type == DType::BFloat16;
}

bool dtype_is_integer(DType type) {
  switch (type) {
    case DType::UInt8:
    case DType::Int8:
    case DType::UInt16:
    case DType::Int16:
    case DType::Int32:
    case DType::Int64:
    case DType::UInt32:
    case DType::UInt64: return true;
    default: return false;
  }
}

bool dtype_is_signed(DType type) {
  return dtype_is_float(type) || type == DType::Int8 || type == DType::Int16 || type == DType::Int32 ||
         type == DType::Int64;
}

}  // namespace vigil
