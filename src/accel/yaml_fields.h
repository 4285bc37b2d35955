// SPDX-License-Identifier: Apache-2.0
// Reading fields of the accelerator's YAML files (specs, layer lists, dataflows) with
// errors that name the file and the field path ("eyeriss.yaml: memory[2].size_bytes:
// must be a number"). Unknown keys are errors too, so a misspelt field is not silently
// ignored.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <string>

namespace vigil::accel {

// Parses YAML text; a syntax error becomes a bad-input Error with the file and line.
YAML::Node parse_yaml(const std::string& text, const std::string& path);
// YAML files describe architectures, workloads and sweeps: a few kilobytes.
constexpr size_t kMaxYamlBytes = size_t{16} << 20;
YAML::Node load_yaml_file(const std::string& path);

// `where` is "FILE: FIELD.PATH" and prefixes every message.
void check_map(const YAML::Node& node, const std::string& where);
void check_keys(const YAML::Node& node, const std::string& where, std::initializer_list<const char*> allowed);

// A mapping's key as a name: a bad-input Error naming `where` if it is not a plain
// scalar (a null key, a list or a map as a key).
std::string key_name(const YAML::Node& key, const std::string& where);
// A scalar node as a finite number; `name` is its full field path ("FILE: values[2]").
double number_value(const YAML::Node& node, const std::string& name);
double required_number(const YAML::Node& map, const char* key, const std::string& where);
double optional_number(const YAML::Node& map, const char* key, double fallback, const std::string& where);
int64_t required_int(const YAML::Node& map, const char* key, const std::string& where);
int64_t optional_int(const YAML::Node& map, const char* key, int64_t fallback, const std::string& where);
bool optional_bool(const YAML::Node& map, const char* key, bool fallback, const std::string& where);
std::string required_string(const YAML::Node& map, const char* key, const std::string& where);
std::string optional_string(const YAML::Node& map, const char* key, const std::string& fallback,
                            const std::string& where);

}  // namespace vigil::accel
