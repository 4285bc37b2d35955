// Hand-written mappings: the Table III row-stationary mapping of Eyeriss's CONV1 written
// out as loops gives the same figures as the template, and bad fields name the file and
// the field.
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

std::string file_error(const std::string& text, const ArchSpec& arch) {
  try {
    parse_mapping_file(text, "map.yaml", arch);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(AccelMappingYaml, TableIIIConv1AsLoopsMatchesTheTemplate) {
  const ArchSpec arch = load_arch_spec(VIGIL_SOURCE_DIR "/src/accel/specs/eyeriss.yaml");
  const Layer conv1 = load_workload(VIGIL_SOURCE_DIR "/src/accel/specs/alexnet_eyeriss.yaml").layers.at(0);
  const MappingFile file = parse_mapping_file(kConv1, "map.yaml", arch);
  ASSERT_EQ(file.by_layer.count("CONV1"), 1u);
  const Mapping& given = file.by_layer.at("CONV1");
  const Mapping templated = row_stationary_mapping(arch, conv1, row_stationary_params(arch, conv1));
  EXPECT_EQ(mapping_to_string(given), mapping_to_string(templated));
  const EvalResult a = evaluate(arch, conv1, given), b = evaluate(arch, conv1, templated);
  ASSERT_TRUE(a.ok) << a.reason;
  EXPECT_EQ(a.processing_cycles, b.processing_cycles);
  EXPECT_EQ(a.energy_pj, b.energy_pj);
  EXPECT_EQ(a.active_pes, 154);
}

TEST(AccelMappingYaml, BadFieldsNameTheFileAndTheField) {
  const ArchSpec arch = load_arch_spec(VIGIL_SOURCE_DIR "/src/accel/specs/eyeriss.yaml");
  EXPECT_EQ(file_error("mappings:\n  L: {glb: [X4]}\n", arch),
            "map.yaml: mappings.L.glb[0]: unknown dimension 'X' in 'X4' (N, G, K, C, R, S, P, Q)");
  EXPECT_EQ(file_error("mappings:\n  L: {glb: [K0]}\n", arch),
            "map.yaml: mappings.L.glb[0]: bad factor in 'K0' (a whole number of at least 1)");
  EXPECT_EQ(file_error("mappings:\n  L: {l2: [K4]}\n", arch),
            "map.yaml: mappings.L.l2: unknown level (ifmap_spad, psum_spad, weights_spad, glb, dram, rows, cols)");
  EXPECT_EQ(file_error("mappings:\n  L: {glb: K4}\n", arch), "map.yaml: mappings.L.glb: must be a list of loops, such as [K4, C2]");
  EXPECT_EQ(file_error("maps: {}\n", arch), "map.yaml: maps: unknown field");
}

}  // namespace
}  // namespace vigil::accel
