// SPDX-License-Identifier: Apache-2.0
// Mappings written by hand: `vigil predict --dataflow FILE.yaml` gives each layer its
// loops explicitly instead of by a template. The file names each memory level (and dram,
// rows, cols) and lists its loops outermost first as dimension-and-factor tokens:
//   mappings:
//     CONV1: {dram: [N4, P8, C3], glb: [K3], weights_spad: [Q55], psum_spad: [K16],
//             ifmap_spad: [S11], rows: [R11], cols: [P7, K2]}
//     default: {...}          # for layers not named
// or, as a list, in MAESTRO's directives (mapping_directives.h), which become loops for
// each layer's sizes. Levels left out have no loops. A bad level, dimension, factor or
// directive is one error naming the file and the field.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "accel/arch_spec.h"
#include "accel/mapping.h"
#include "accel/mapping_directives.h"

namespace vigil::accel {

// One layer's mapping: loops, or directives when `directives` is not empty.
struct MappingEntry {
  Mapping loops;
  std::vector<Directive> directives;
};

struct MappingFile {
  std::string path;
  std::map<std::string, MappingEntry> by_layer;  // "default" applies to the others
};

MappingFile parse_mapping_file(const std::string& yaml_text, const std::string& path, const ArchSpec& arch);
MappingFile load_mapping_file(const std::string& path, const ArchSpec& arch);

// The key of the layer's mapping: its name, else "default"; a bad-input Error naming
// the file if there is neither.
const std::string& mapping_key(const MappingFile& file, const Layer& layer);
// The mapping under `key` for the layer (directives become loops for its sizes).
Mapping file_mapping(const MappingFile& file, const std::string& key, const ArchSpec& arch, const Layer& layer);

}  // namespace vigil::accel
