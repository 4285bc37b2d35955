// SPDX-License-Identifier: Apache-2.0
// Hand-written mappings: the Table III row-stationary mapping of Eyeriss's CONV1 written
// out as loops gives the same figures as the template, written as MAESTRO-style
// directives the same loops, and bad fields and directives name the file and the field.
#include "accel/mapping_yaml.h"

#include <gtest/gtest.h>

#include "accel/evaluate.h"
#include "accel/row_stationary.h"
#include "accel/workload.h"
#include "core/error.h"

namespace vigil::accel {
namespace {

constexpr const char* kConv1 = R"(
mappings:
  CONV1: {dram: [N4, P8, C3], glb: [K3], weights_spad: [Q55], psum_spad: [K16],
          ifmap_spad: [S11], rows: [R11], cols: [P7, K2]}
)";

// The same as directives: P in strips of 7 rows (as a sliding input window in the
// second form), K in three blocks of 32, R on the rows, and within a row of 14 PEs
// seven groups of two for the strip's rows and the two halves of a block.
constexpr const char* kConv1Directives = R"(
mappings:
  CONV1:
    - TemporalMap(1,1) N
    - TemporalMap(7,7) P
    - TemporalMap(1,1) C
    - Level(glb)
    - TemporalMap(32,32) K
    - SpatialMap(1,1) R
    - Cluster(14)
    - SpatialMap(1,1) P
    - Cluster(2)
    - SpatialMap(16,16) K
    - Level(weights_spad)
    - TemporalMap(1,1) Q
    - Level(psum_spad)
    - TemporalMap(1,1) K
    - Level(ifmap_spad)
    - TemporalMap(Sz(S),Sz(S)) S
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  return text.replace(text.find(from), from.size(), to);
}

const ArchSpec& eyeriss() {
  static const ArchSpec arch = load_arch_spec(VIGIL_SOURCE_DIR "/src/accel/specs/eyeriss.yaml");
  return arch;
}

const Layer& conv1() {
  static const Layer layer = load_workload(VIGIL_SOURCE_DIR "/src/accel/specs/alexnet_eyeriss.yaml").layers.at(0);
  return layer;
}

// The error of reading the file and mapping CONV1 with it, "" if none.
std::string file_error(const std::string& text, const ArchSpec& arch) {
  try {
    const MappingFile file = parse_mapping_file(text, "map.yaml", arch);
    file_mapping(file, mapping_key(file, conv1()), arch, conv1());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string directive_error(const std::string& from, const std::string& to) {
  return file_error(replaced(kConv1Directives, from, to), eyeriss());
}

TEST(AccelMappingYaml, TableIIIConv1AsLoopsMatchesTheTemplate) {
  const ArchSpec& arch = eyeriss();
  const MappingFile file = parse_mapping_file(kConv1, "map.yaml", arch);
  ASSERT_EQ(mapping_key(file, conv1()), "CONV1");
  const Mapping given = file_mapping(file, "CONV1", arch, conv1());
  const Mapping templated = row_stationary_mapping(arch, conv1(), row_stationary_params(arch, conv1()));
  EXPECT_EQ(mapping_to_string(given), mapping_to_string(templated));
  const EvalResult a = evaluate(arch, conv1(), given), b = evaluate(arch, conv1(), templated);
  ASSERT_TRUE(a.ok) << a.reason;
  EXPECT_EQ(a.processing_cycles, b.processing_cycles);
  EXPECT_EQ(a.energy_pj, b.energy_pj);
  EXPECT_EQ(a.active_pes, 154);
}

void expect_same_result(const EvalResult& a, const EvalResult& b) {
  ASSERT_TRUE(a.ok && b.ok) << a.reason << b.reason;
  EXPECT_EQ(a.compute_cycles, b.compute_cycles);
  EXPECT_EQ(a.ramp_cycles, b.ramp_cycles);
  EXPECT_EQ(a.processing_cycles, b.processing_cycles);
  EXPECT_EQ(a.total_cycles, b.total_cycles);
  EXPECT_EQ(a.active_pes, b.active_pes);
  EXPECT_EQ(a.energy_pj, b.energy_pj);
  EXPECT_EQ(a.dram_bytes, b.dram_bytes);
  EXPECT_EQ(a.noc_words, b.noc_words);
  ASSERT_EQ(a.levels.size(), b.levels.size());
  for (size_t level = 0; level < a.levels.size(); ++level) {
    EXPECT_EQ(a.levels[level].reads, b.levels[level].reads) << level;
    EXPECT_EQ(a.levels[level].writes, b.levels[level].writes) << level;
  }
}

TEST(AccelMappingYaml, TableIIIConv1AsDirectivesGivesTheSameLoops) {
  const ArchSpec& arch = eyeriss();
  const Mapping loops = file_mapping(parse_mapping_file(kConv1, "map.yaml", arch), "CONV1", arch, conv1());
  const Mapping directives =
      file_mapping(parse_mapping_file(kConv1Directives, "map.yaml", arch), "CONV1", arch, conv1());
  EXPECT_EQ(mapping_to_string(directives), mapping_to_string(loops));
  expect_same_result(evaluate(arch, conv1(), directives), evaluate(arch, conv1(), loops));
  // Stride 4 and 11 filter rows: 7 output rows are an input window of 35 rows moving
  // by 28, one output row a window of 11 moving by 4.
  const std::string windows = replaced(replaced(kConv1Directives, "TemporalMap(7,7) P", "TemporalMap(35,28) Y"),
                                       "SpatialMap(1,1) P", "SpatialMap(11,4) Y");
  const Mapping slid = file_mapping(parse_mapping_file(windows, "map.yaml", arch), "CONV1", arch, conv1());
  EXPECT_EQ(mapping_to_string(slid), mapping_to_string(loops));
}

TEST(AccelMappingYaml, BadDirectivesNameTheFileAndTheDirective) {
  EXPECT_EQ(directive_error("TemporalMap(1,1) N", "TemporalMap(1,1) Z"),
            "map.yaml: mappings.CONV1[0]: unknown dimension 'Z' in 'TemporalMap(1,1) Z' "
            "(N, G, K, C, R, S, P, Q, or Y, X for the input window)");
  EXPECT_EQ(directive_error("TemporalMap(32,32) K", "TemporalMap(0,0) K"),
            "map.yaml: mappings.CONV1[4]: bad size '0' in 'TemporalMap(0,0) K' (a whole number of at least 1, or "
            "Sz(D))");
  EXPECT_EQ(directive_error("TemporalMap(32,32) K", "TemporalMap(32,16) K"),
            "map.yaml: mappings.CONV1[4]: 'TemporalMap(32,16) K': the offset must equal the size (chunks do not "
            "overlap; only Y and X slide)");
  EXPECT_EQ(directive_error("TemporalMap(7,7) P", "TemporalMap(35,20) Y"),
            "map.yaml: mappings.CONV1[1]: 'TemporalMap(35,20) Y': p output rows are a window of (p-1) x 4 + 11 "
            "moving by p x 4 in layer 'CONV1'");
  EXPECT_EQ(directive_error("    - TemporalMap(1,1) N\n", ""),
            "map.yaml: mappings.CONV1: the directives do not map N (4 in layer 'CONV1')");
  EXPECT_EQ(directive_error("Cluster(2)", "Tile(2)"),
            "map.yaml: mappings.CONV1[8]: unknown directive 'Tile(2)' (TemporalMap(size,offset) D, "
            "SpatialMap(size,offset) D, Cluster(n), Level(name))");
  EXPECT_EQ(directive_error("Level(glb)", "Level(l2)"),
            "map.yaml: mappings.CONV1[3]: unknown level in 'Level(l2)' (ifmap_spad, psum_spad, weights_spad, glb, "
            "dram)");
  EXPECT_EQ(directive_error("SpatialMap(1,1) R", "SpatialMap(1,1) K"),
            "map.yaml: mappings.CONV1[5]: 'SpatialMap(1,1) K': 32 chunks over 12 units in layer 'CONV1' (split K "
            "with a TemporalMap above)");
  EXPECT_EQ(directive_error("Cluster(2)", "SpatialMap(1,1) Q"),
            "map.yaml: mappings.CONV1[8]: 'SpatialMap(1,1) Q': one SpatialMap per cluster level (vigil's spatial "
            "loops multiply)");
  EXPECT_EQ(directive_error("Level(weights_spad)", "Level(glb)"),
            "map.yaml: mappings.CONV1[10]: 'Level(glb)': levels go outermost first, the array between the shared "
            "ones and those private to a PE");
  EXPECT_EQ(file_error("mappings:\n  CONV1: [TemporalMap]\n", eyeriss()),
            "map.yaml: mappings.CONV1[0]: 'TemporalMap' is not a directive, such as TemporalMap(4,4) K");
}

TEST(AccelMappingYaml, BadFieldsNameTheFileAndTheField) {
  const ArchSpec arch = load_arch_spec(VIGIL_SOURCE_DIR "/src/accel/specs/eyeriss.yaml");
  EXPECT_EQ(file_error("mappings:\n  L: {glb: [X4]}\n", arch),
            "map.yaml: mappings.L.glb[0]: unknown dimension 'X' in 'X4' (N, G, K, C, R, S, P, Q)");
  EXPECT_EQ(file_error("mappings:\n  L: {glb: [K0]}\n", arch),
            "map.yaml: mappings.L.glb[0]: bad factor in 'K0' (a whole number of at least 1)");
  EXPECT_EQ(file_error("mappings:\n  L: {l2: [K4]}\n", arch),
            "map.yaml: mappings.L.l2: unknown level (ifmap_spad, psum_spad, weights_spad, glb, dram, rows, cols)");
  EXPECT_EQ(file_error("mappings:\n  L: {glb: K4}\n", arch),
            "map.yaml: mappings.L.glb: must be a list of loops, such as [K4, C2]");
  EXPECT_EQ(file_error("maps: {}\n", arch), "map.yaml: maps: unknown field");
}

}  // namespace
}  // namespace vigil::accel
