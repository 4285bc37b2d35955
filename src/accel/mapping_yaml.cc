// SPDX-License-Identifier: Apache-2.0
// Reading hand-written mappings (mapping_yaml.h).
#include "accel/mapping_yaml.h"

#include <charconv>

#include "accel/evaluate.h"
#include "accel/yaml_fields.h"
#include "core/error.h"
#include "core/file_io.h"

namespace vigil::accel {

namespace {

// "K16" -> {K, 16}.
Loop parse_loop(const YAML::Node& node, const std::string& where) {
  check_input(node.IsScalar() && !node.Scalar().empty(), where, ": must be a dimension and a factor, such as K16");
  const std::string& token = node.Scalar();
  Loop loop;
  check_input(parse_dim(token.substr(0, 1), &loop.dim), where, ": unknown dimension '", token.substr(0, 1), "' in '",
              token, "' (N, G, K, C, R, S, P, Q)");
  const char* end = token.data() + token.size();
  const auto parsed = std::from_chars(token.data() + 1, end, loop.factor);
  check_input(parsed.ec == std::errc() && parsed.ptr == end && loop.factor >= 1, where, ": bad factor in '", token,
              "' (a whole number of at least 1)");
  return loop;
}

std::vector<Loop> parse_loops(const YAML::Node& node, const std::string& where) {
  check_input(node.IsSequence(), where, ": must be a list of loops, such as [K4, C2]");
  std::vector<Loop> loops;
  for (size_t i = 0; i < node.size(); ++i) loops.push_back(parse_loop(node[i], str_cat(where, "[", i, "]")));
  return loops;
}

Mapping parse_mapping(const YAML::Node& node, const std::string& where, const ArchSpec& arch) {
  check_map(node, where);
  Mapping mapping;
  mapping.dataflow = "file";
  mapping.temporal.resize(arch.levels.size() + 1);
  for (const auto& entry : node) {
    const std::string key = key_name(entry.first, where);
    const std::string field = where + "." + key;
    if (key == "rows") {
      mapping.spatial_rows = parse_loops(entry.second, field);
      continue;
    }
    if (key == "cols") {
      mapping.spatial_cols = parse_loops(entry.second, field);
      continue;
    }
    const int level = level_index(arch, key);
    check_input(level >= 0, field, ": unknown level (", level_names(arch), ", rows, cols)");
    mapping.temporal[level] = parse_loops(entry.second, field);
  }
  return mapping;
}

MappingEntry parse_entry(const YAML::Node& node, const std::string& where, const ArchSpec& arch) {
  MappingEntry entry;
  if (!node.IsSequence()) {
    entry.loops = parse_mapping(node, where, arch);
    return entry;
  }
  check_input(node.size() > 0, where, ": no directives");
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string field = str_cat(where, "[", i, "]");
    check_input(node[i].IsScalar(), field, ": must be a directive, such as TemporalMap(4,4) K");
    entry.directives.push_back(parse_directive(node[i].Scalar(), field, arch));
  }
  return entry;
}

}  // namespace

MappingFile parse_mapping_file(const std::string& yaml_text, const std::string& path, const ArchSpec& arch) {
  const YAML::Node root = parse_yaml(yaml_text, path);
  check_input(root.IsMap(), path, ": must be a mapping with a 'mappings' field");
  check_keys(root, path + ": ", {"mappings"});
  const YAML::Node mappings = root["mappings"];
  check_input(mappings.IsDefined() && mappings.IsMap() && mappings.size() > 0, path,
              ": mappings: missing (layer name: levels and their loops)");
  MappingFile file;
  file.path = path;
  for (const auto& entry : mappings) {
    const std::string layer = key_name(entry.first, path + ": mappings");
    file.by_layer[layer] = parse_entry(entry.second, path + ": mappings." + layer, arch);
  }
  return file;
}

MappingFile load_mapping_file(const std::string& path, const ArchSpec& arch) {
  return parse_mapping_file(read_file(path, kMaxYamlBytes), path, arch);
}

const std::string& mapping_key(const MappingFile& file, const Layer& layer) {
  auto given = file.by_layer.find(layer.name);
  if (given == file.by_layer.end()) given = file.by_layer.find("default");
  check_input(given != file.by_layer.end(), file.path, ": mappings: nothing for layer '", layer.name,
              "' and no default");
  return given->first;
}

Mapping file_mapping(const MappingFile& file, const std::string& key, const ArchSpec& arch, const Layer& layer) {
  const MappingEntry& entry = file.by_layer.at(key);
  if (entry.directives.empty()) return entry.loops;
  return directives_mapping(entry.directives, file.path + ": mappings." + key, arch, layer);
}

}  // namespace vigil::accel
