// Mappings written by hand: `vigil predict --dataflow FILE.yaml` gives each layer its
// loops explicitly instead of by a template. The file names each memory level (and dram,
// rows, cols) and lists its loops outermost first as dimension-and-factor tokens:
//   mappings:
//     CONV1: {dram: [N4, P8, C3], glb: [K3], weights_spad: [Q55], psum_spad: [K16],
//             ifmap_spad: [S11], rows: [R11], cols: [P7, K2]}
//     default: {...}          # for layers not named
// Levels left out have no loops. A bad level, dimension or factor is one error naming
// the file and the field.
#pragma once

#include <map>
#include <string>

#include "accel/arch_spec.h"
#include "accel/mapping.h"

namespace vigil::accel {

struct MappingFile {
  std::string path;
  std::map<std::string, Mapping> by_layer;  // "default" applies to the others
};

MappingFile parse_mapping_file(const std::string& yaml_text, const std::string& path, const ArchSpec& arch);
MappingFile load_mapping_file(const std::string& path, const ArchSpec& arch);

}  // namespace vigil::accel
