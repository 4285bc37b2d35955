// SPDX-License-Identifier: Apache-2.0
// Reading architecture specs and layer lists: the shipped Eyeriss spec as published,
// and bad fields as one error naming the file and the field.
#include "accel/arch_spec.h"

#include <gtest/gtest.h>

#include <map>

#include "accel/workload.h"
#include "core/error.h"

namespace vigil::accel {
namespace {

constexpr const char* kMinimal = R"(
name: tiny
clock_mhz: 500
pe_array: {rows: 4, cols: 8, mac_energy_pj: 0.5}
memory:
  - {name: rf, per_pe: true, size_bytes: 64, read_energy_pj: 0.5}
  - {name: buffer, size_bytes: 65536, read_energy_pj: 5, holds: [inputs, outputs]}
dram: {bandwidth_gb_per_s: 16, energy_pj_per_bit: 10}
)";

// The error message of parsing `text` as a spec named "arch.yaml", or "" if it parses.
std::string spec_error(const std::string& text) {
  try {
    parse_arch_spec(text, "arch.yaml");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    return e.what();
  }
  return "";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(AccelArchSpec, ReadsEveryField) {
  const ArchSpec arch = parse_arch_spec(kMinimal, "arch.yaml");
  EXPECT_EQ(arch.name, "tiny");
  EXPECT_EQ(arch.pe_count(), 32);
  ASSERT_EQ(arch.levels.size(), 2u);
  EXPECT_EQ(arch.array_level(), 1);
  EXPECT_TRUE(arch.levels[0].holds[0] && arch.levels[0].holds[1] && arch.levels[0].holds[2]);
  EXPECT_FALSE(arch.levels[1].holds[static_cast<int>(DataSpace::Weights)]);
  EXPECT_EQ(arch.levels[1].write_energy_pj, 5);  // defaults to the read energy
  EXPECT_EQ(arch.dram.bandwidth_gb_per_s, 16);
  EXPECT_EQ(arch.dram.overlap, 1);
}

TEST(AccelArchSpec, ShippedEyerissSpecIsThePublishedChip) {
  const ArchSpec arch = load_arch_spec(VIGIL_SOURCE_DIR "/src/accel/specs/eyeriss.yaml");
  EXPECT_EQ(arch.pe_rows, 12);
  EXPECT_EQ(arch.pe_cols, 14);
  EXPECT_EQ(arch.clock_mhz, 200);
  EXPECT_EQ(arch.precision_bits, 16);
  ASSERT_EQ(arch.levels.size(), 4u);
  EXPECT_EQ(arch.levels[0].size_bytes + arch.levels[1].size_bytes + arch.levels[2].size_bytes, 24 + 48 + 448);
  EXPECT_EQ(arch.levels[3].size_bytes, 108 * 1024);
}

TEST(AccelArchSpec, BadFieldsNameTheFileAndTheField) {
  EXPECT_EQ(spec_error(replaced(kMinimal, "clock_mhz: 500\n", "")), "arch.yaml: clock_mhz: missing");
  EXPECT_EQ(spec_error(replaced(kMinimal, "rows: 4", "rows: -4")),
            "arch.yaml: pe_array.rows: must be in 1..65536, got -4");
  EXPECT_EQ(spec_error(replaced(kMinimal, "mac_energy_pj: 0.5}", "mac_energy_pj: 0.5, systolic: maybe}")),
            "arch.yaml: pe_array.systolic: must be true or false, got 'maybe'");
  EXPECT_EQ(spec_error(replaced(kMinimal, "size_bytes: 64", "size_bytes: lots")),
            "arch.yaml: memory[0].size_bytes: must be a number, got 'lots'");
  EXPECT_EQ(spec_error(replaced(kMinimal, "holds: [inputs, outputs]", "holds: [inputs, psums]")),
            "arch.yaml: memory[1].holds: unknown operand 'psums' (weights, inputs or outputs)");
  EXPECT_EQ(spec_error(replaced(kMinimal, "read_energy_pj: 5", "read_energy_pj: 5, sise_bytes: 3")),
            "arch.yaml: memory[1].sise_bytes: unknown field");
  EXPECT_EQ(spec_error(replaced(kMinimal, "energy_pj_per_bit: 10}", "energy_pj_per_bit: 10, overlap: 2}")),
            "arch.yaml: dram.overlap: must be in [0, 1], got 2");
  EXPECT_EQ(spec_error(replaced(replaced(kMinimal, "name: buffer,", "name: buffer, per_pe: true,"),
                                "name: rf, per_pe: true,", "name: rf,")),
            "arch.yaml: memory[1].per_pe: levels private to a PE must come first");
  EXPECT_EQ(spec_error("clock_mhz: [1"), "arch.yaml: line 1: not valid YAML: end of sequence flow not found");
}

TEST(AccelWorkload, LayersFromYaml) {
  const Workload workload = parse_workload_yaml(R"(
layers:
  - {name: dw, groups: 32, K: 1, C: 1, R: 3, S: 3, P: 56, Q: 56, stride: 2, batch: 4, input_zeros: 0.5}
  - {name: fc, K: 1000, C: 512, P: 1, Q: 1}
)",
                                                "net.yaml");
  ASSERT_EQ(workload.layers.size(), 2u);
  const Layer& dw = workload.layers[0];
  EXPECT_EQ(dw.size(Dim::G), 32);
  EXPECT_EQ(dw.size(Dim::N), 4);
  EXPECT_EQ(dw.input_height(), 55 * 2 + 3);
  EXPECT_EQ(dw.macs(), 4 * 32 * 9 * 56 * 56);
  EXPECT_EQ(dw.input_zero_fraction, 0.5);
  EXPECT_EQ(workload.layers[1].macs(), 512000);
  auto error_of = [](const std::string& text) -> std::string {
    try {
      parse_workload_yaml(text, "net.yaml");
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(error_of("layers:\n  - {K: 4, C: 4, P: 0, Q: 1}\n"), "net.yaml: layers[0]: P must be at least 1, got 0");
  EXPECT_EQ(error_of("layers:\n  - {K: 4, C: 4, Q: 1}\n"), "net.yaml: layers[0].P: missing");
  EXPECT_EQ(error_of("layers:\n  - {K: 4, C: 4, P: 1, Q: 1, X: 3}\n"), "net.yaml: layers[0].X: unknown field");
  EXPECT_EQ(error_of("layers: []\n"), "net.yaml: layers: missing (a list of layer shapes)");
  EXPECT_EQ(error_of("layers:\n  - {K: 99999999999, C: 99999999999, P: 99999, Q: 99999}\n"),
            "net.yaml: layers[0]: the layer is too large to model (more than 2^53 MACs)");
}

// The Fashion-MNIST model's three convolutions, two max-pools and two matrix products,
// with the batch given for its symbolic dimension.
TEST(AccelWorkload, LayersFromAnOnnxModel) {
  const Workload workload = load_workload(VIGIL_SOURCE_DIR "/models/fashion_mnist_cnn.onnx", 2);
  std::map<std::string, int> ops;
  for (const Layer& layer : workload.layers) {
    EXPECT_EQ(layer.size(Dim::N), 2) << layer.name;
    ++ops[layer.op];
  }
  EXPECT_EQ(ops, (std::map<std::string, int>{{"Conv", 3}, {"Gemm", 2}, {"MaxPool", 2}}));
  // The first convolution: 1 -> 32 channels, 3 x 3, padded to a 28 x 28 output.
  const Layer& first = workload.layers.front();
  EXPECT_EQ(first.op, "Conv");
  EXPECT_EQ(first.size(Dim::C), 1);
  EXPECT_EQ(first.size(Dim::K), 32);
  EXPECT_EQ(first.size(Dim::R), 3);
  EXPECT_EQ(first.size(Dim::P), 28);
  EXPECT_EQ(first.input_height(), 30);
}

}  // namespace
}  // namespace vigil::accel
