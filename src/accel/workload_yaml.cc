// SPDX-License-Identifier: Apache-2.0
// Layers written by hand in YAML (workload.h):
//   layers:
//     - {name: CONV1, N: 4, K: 96, C: 3, R: 11, S: 11, P: 55, Q: 55, stride: 4}
// K and C count channels per group; G (or groups) defaults to 1, N (or batch) to 1.
#include "accel/workload.h"

#include "accel/yaml_fields.h"
#include "core/error.h"
#include "core/file_io.h"

namespace vigil::accel {

namespace {

Layer parse_layer(const YAML::Node& node, const std::string& where) {
  check_keys(node, where,
             {"name", "type", "N", "batch", "G", "groups", "K", "C", "R", "S", "P", "Q", "stride", "stride_h",
              "stride_w", "input_zeros", "output_zeros", "row_stationary"});
  Layer layer;
  layer.name = optional_string(node, "name", where.substr(where.find(": ") + 2), where);
  layer.op = optional_string(node, "type", "Conv", where);
  auto set = [&](Dim dim, const char* alias) {
    const char* key = dim_name(dim);
    check_input(!(node[key] && node[alias]), where, ": give ", key, " or ", alias, ", not both");
    layer.dims[static_cast<int>(dim)] =
        node[alias] ? required_int(node, alias, where) : optional_int(node, key, 1, where);
  };
  set(Dim::N, "batch");
  set(Dim::G, "groups");
  for (Dim dim : {Dim::K, Dim::C, Dim::P, Dim::Q})
    layer.dims[static_cast<int>(dim)] = required_int(node, dim_name(dim), where);
  for (Dim dim : {Dim::R, Dim::S}) layer.dims[static_cast<int>(dim)] = optional_int(node, dim_name(dim), 1, where);
  const int64_t stride = optional_int(node, "stride", 1, where);
  layer.stride_h = optional_int(node, "stride_h", stride, where);
  layer.stride_w = optional_int(node, "stride_w", stride, where);
  layer.input_zero_fraction = optional_number(node, "input_zeros", 0, where);
  layer.output_zero_fraction = optional_number(node, "output_zeros", 0, where);
  if (node["row_stationary"]) {
    const std::string sub = where + ".row_stationary";
    check_keys(node["row_stationary"], sub, {"m", "n", "e", "p", "q", "r", "t"});
    for (const auto& entry : node["row_stationary"]) {
      const std::string key = key_name(entry.first, sub);
      const int64_t value = required_int(node["row_stationary"], key.c_str(), sub);
      check_input(value >= 1, sub, ".", key, ": must be at least 1, got ", value);
      layer.dataflow_params[key] = value;
    }
  }
  check_layer(layer, where);
  return layer;
}

}  // namespace

Workload parse_workload_yaml(const std::string& yaml_text, const std::string& path) {
  const YAML::Node root = parse_yaml(yaml_text, path);
  check_input(root.IsMap(), path, ": must be a mapping with a 'layers' list");
  check_keys(root, path + ": ", {"name", "layers"});
  const YAML::Node layers = root["layers"];
  check_input(layers.IsDefined() && layers.IsSequence() && layers.size() > 0, path,
              ": layers: missing (a list of layer shapes)");
  Workload workload;
  workload.source = path;
  for (size_t i = 0; i < layers.size(); ++i) {
    workload.layers.push_back(parse_layer(layers[i], str_cat(path, ": layers[", i, "]")));
  }
  return workload;
}

}  // namespace vigil::accel
