// SPDX-License-Identifier: Apache-2.0
// Typed attribute access.
#include "graph/attribute.h"

#include "core/error.h"

namespace vigil {

std::string attribute_type_name(AttributeType type) {
  switch (type) {
    case AttributeType::Float: return "float";
    case AttributeType::Int: return "int";
    case AttributeType::String: return "string";
    case AttributeType::Tensor: return "tensor";
    case AttributeType::Graph: return "graph";
    case AttributeType::Floats: return "floats";
    case AttributeType::Ints: return "ints";
    case AttributeType::Strings: return "strings";
    case AttributeType::Tensors: return "tensors";
    case AttributeType::Graphs: return "graphs";
    case AttributeType::Type: return "type";
  }
  return "unknown";
}

const Attribute* Attributes::find(const std::string& name, AttributeType type) const {
  auto it = values_.find(name);
  if (it == values_.end()) return nullptr;
  check_input(it->second.type == type, owner_, ": attribute '", name, "' is a ", attribute_type_name(it->second.type),
              ", expected a ", attribute_type_name(type));
  return &it->second;
}

const Attribute& Attributes::require(const std::string& name, AttributeType type) const {
  const Attribute* value = find(name, type);
  check_input(value != nullptr, owner_, ": required attribute '", name, "' is missing");
  return *value;
}

float Attributes::get_float(const std::string& name, float fallback) const {
  const Attribute* value = find(name, AttributeType::Float);
  return value ? value->f : fallback;
}

int64_t Attributes::get_int(const std::string& name, int64_t fallback) const {
  const Attribute* value = find(name, AttributeType::Int);
  return value ? value->i : fallback;
}

std::string Attributes::get_string(const std::string& name, const std::string& fallback) const {
  const Attribute* value = find(name, AttributeType::String);
  return value ? value->s : fallback;
}

std::vector<float> Attributes::get_floats(const std::string& name, std::vector<float> fallback) const {
  const Attribute* value = find(name, AttributeType::Floats);
  return value ? value->floats : fallback;
}

std::vector<int64_t> Attributes::get_ints(const std::string& name, std::vector<int64_t> fallback) const {
  const Attribute* value = find(name, AttributeType::Ints);
  return value ? value->ints : fallback;
}

std::vector<std::string> Attributes::get_strings(const std::string& name, std::vector<std::string> fallback) const {
  const Attribute* value = find(name, AttributeType::Strings);
  return value ? value->strings : fallback;
}

}  // namespace vigil
