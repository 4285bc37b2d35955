// SPDX-License-Identifier: Apache-2.0
// Typed, checked access to YAML fields (yaml_fields.h).
#include "accel/yaml_fields.h"

#include <cmath>

#include "core/error.h"
#include "core/file_io.h"

namespace vigil::accel {

namespace {

std::string field(const std::string& where, const char* key) {
  return where.back() == ' ' ? where + key : where + "." + key;
}

const YAML::Node child(const YAML::Node& map, const char* key) { return map[key]; }

}  // namespace

double number_value(const YAML::Node& node, const std::string& name) {
  check_input(node.IsScalar(), name, ": must be a number");
  try {
    const double value = node.as<double>();
    check_input(std::isfinite(value), name, ": must be a finite number, got '", node.Scalar(), "'");
    return value;
  } catch (const YAML::Exception&) {
    fail_bad_input(name, ": must be a number, got '", node.Scalar(), "'");
  }
}

std::string key_name(const YAML::Node& key, const std::string& where) {
  check_input(key.IsScalar(), where, ": a key must be a name");
  return key.Scalar();
}

namespace {

int64_t as_int(const YAML::Node& node, const std::string& name) {
  const double value = number_value(node, name);
  check_input(value == std::floor(value) && std::fabs(value) < 9e15, name, ": must be an integer, got '", node.Scalar(),
              "'");
  return static_cast<int64_t>(value);
}

}  // namespace

namespace {

// Nodes in the tree with every alias expanded, counted up to `limit` (then it stops).
size_t expanded_nodes(const YAML::Node& node, size_t limit, size_t counted = 0) {
  ++counted;
  if (node.IsSequence() || node.IsMap()) {
    for (auto it = node.begin(); it != node.end() && counted <= limit; ++it) {
      if (node.IsMap()) {
        counted = expanded_nodes(it->first, limit, counted);
        counted = expanded_nodes(it->second, limit, counted);
      } else {
        counted = expanded_nodes(*it, limit, counted);
      }
    }
  }
  return counted;
}

}  // namespace

YAML::Node parse_yaml(const std::string& text, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    fail_bad_input(path, ": line ", e.mark.line + 1, ": not valid YAML: ", e.msg);
  }
  // Aliases let a small file stand for a huge tree (400k aliases of one layer). Written
  // out, a node takes at least a byte or two of text; a tree much larger than its text
  // is an amplification, refused before anything walks it.
  const size_t limit = 2 * text.size() + 1000;
  check_input(expanded_nodes(root, limit) <= limit, path, ": its aliases expand to more than ", limit,
              " nodes, far more than its text holds");
  return root;
}

YAML::Node load_yaml_file(const std::string& path) { return parse_yaml(read_file(path, kMaxYamlBytes), path); }

void check_map(const YAML::Node& node, const std::string& where) {
  check_input(node.IsMap(), where, ": must be a mapping of fields");
}

void check_keys(const YAML::Node& node, const std::string& where, std::initializer_list<const char*> allowed) {
  check_map(node, where);
  for (const auto& entry : node) {
    const std::string key = key_name(entry.first, where);
    bool known = false;
    for (const char* name : allowed) known = known || key == name;
    check_input(known, field(where, key.c_str()), ": unknown field");
  }
}

double required_number(const YAML::Node& map, const char* key, const std::string& where) {
  const YAML::Node node = child(map, key);
  check_input(node.IsDefined() && !node.IsNull(), field(where, key), ": missing");
  return number_value(node, field(where, key));
}

double optional_number(const YAML::Node& map, const char* key, double fallback, const std::string& where) {
  const YAML::Node node = child(map, key);
  return node.IsDefined() && !node.IsNull() ? number_value(node, field(where, key)) : fallback;
}

int64_t required_int(const YAML::Node& map, const char* key, const std::string& where) {
  const YAML::Node node = child(map, key);
  check_input(node.IsDefined() && !node.IsNull(), field(where, key), ": missing");
  return as_int(node, field(where, key));
}

int64_t optional_int(const YAML::Node& map, const char* key, int64_t fallback, const std::string& where) {
  const YAML::Node node = child(map, key);
  return node.IsDefined() && !node.IsNull() ? as_int(node, field(where, key)) : fallback;
}

bool optional_bool(const YAML::Node& map, const char* key, bool fallback, const std::string& where) {
  const YAML::Node node = child(map, key);
  if (!node.IsDefined() || node.IsNull()) return fallback;
  check_input(node.IsScalar(), field(where, key), ": must be true or false");
  try {
    return node.as<bool>();
  } catch (const YAML::Exception&) {
    fail_bad_input(field(where, key), ": must be true or false, got '", node.Scalar(), "'");
  }
}

std::string required_string(const YAML::Node& map, const char* key, const std::string& where) {
  const YAML::Node node = child(map, key);
  check_input(node.IsDefined() && node.IsScalar(), field(where, key), ": missing (a name)");
  return node.Scalar();
}

std::string optional_string(const YAML::Node& map, const char* key, const std::string& fallback,
                            const std::string& where) {
  const YAML::Node node = child(map, key);
  if (!node.IsDefined() || node.IsNull()) return fallback;
  check_input(node.IsScalar(), field(where, key), ": must be a string");
  return node.Scalar();
}

}  // namespace vigil::accel
