// SPDX-License-Identifier: Apache-2.0
// Mappings written as MAESTRO's data-centric directives (Kwon et al., MICRO 2019), a
// compact form of a mapping file's loops (mapping_yaml.h). A layer's mapping is a list,
// outermost first:
//   TemporalMap(size,offset) D   D in chunks of `size`, one after the other in time
//   SpatialMap(size,offset) D    D in chunks of `size`, one per unit of the array
//   Cluster(n)                   groups of n PEs: the SpatialMap above spreads over the
//                                groups (the array's rows), the ones below within a group
//                                (its columns); a further Cluster splits a group again
//   Level(name)                  the memory level the TemporalMaps that follow loop at
// A size is a number or Sz(D), the layer's size of D. Each map splits what the maps
// above left of D (a larger size is clamped to it); its loop's factor is the number of
// chunks, and a PE works through the last chunk itself (innermost). The list starts at DRAM; TemporalMaps after the
// spatial maps loop at the outermost level private to a PE until a Level says another.
// Only what vigil's loops can say is accepted: chunks do not overlap (offset = size),
// except that Y and X, the input rows and columns, slide by the filter window
// (TemporalMap((p-1) stride + R, p stride) Y is p output rows), and a cluster level has
// one SpatialMap (MAESTRO's coupled maps are not loops).
#pragma once

#include <string>
#include <vector>

#include "accel/arch_spec.h"
#include "accel/mapping.h"
#include "accel/problem.h"

namespace vigil::accel {

enum class DirectiveKind { Temporal, Spatial, Cluster, Level };

// A number, or the layer's size of a dimension (Sz(D)).
struct DirectiveSize {
  int64_t value = 1;
  bool of_dim = false;
  Dim dim = Dim::N;
};

struct Directive {
  DirectiveKind kind = DirectiveKind::Temporal;
  std::string text;            // as written, for messages
  std::string where;           // "FILE: mappings.LAYER[i]"
  Dim dim = Dim::N;            // Temporal, Spatial: the dimension (P or Q for Y or X)
  bool window = false;         // Y or X: input rows or columns, sliding by the filter window
  DirectiveSize size, offset;  // Cluster: its size in size.value
  int level = 0;               // Level: the memory level's index (DRAM last)
};

// One directive; a bad-input Error "WHERE: ..." for an unknown directive, dimension or
// level, or a bad size.
Directive parse_directive(const std::string& text, const std::string& where, const ArchSpec& arch);

// The loops the directives give the layer; a bad-input Error naming the directive (or
// `where`, for a dimension no directive maps) when they cannot be loops on this array.
Mapping directives_mapping(const std::vector<Directive>& directives, const std::string& where, const ArchSpec& arch,
                           const Layer& layer);

}  // namespace vigil::accel
