// SPDX-License-Identifier: Apache-2.0
// The names of a small enumeration (fault models, sites, outcomes) as one table that
// reads both ways: the name of a value for reports and journals, the value of a name
// for flags and journal records.
#pragma once

#include <optional>
#include <string>

namespace vigil::faults {

template <typename Enum>
struct NameOf {
  Enum value;
  const char* name;
};

template <typename Enum, size_t N>
const char* name_in(const NameOf<Enum> (&table)[N], Enum value) {
  for (const NameOf<Enum>& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "?";
}

template <typename Enum, size_t N>
std::optional<Enum> value_in(const NameOf<Enum> (&table)[N], const std::string& name) {
  for (const NameOf<Enum>& entry : table) {
    if (name == entry.name) return entry.value;
  }
  return std::nullopt;
}

}  // namespace vigil::faults
