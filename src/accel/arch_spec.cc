// SPDX-License-Identifier: Apache-2.0
// Reading an architecture spec from YAML and checking every field (arch_spec.h).
#include "accel/arch_spec.h"

#include "accel/yaml_fields.h"
#include "core/error.h"
#include "core/file_io.h"

namespace vigil::accel {

namespace {

// A list of operand names ("[weights, inputs]") as flags per operand.
std::array<bool, kDataSpaceCount> parse_spaces(const YAML::Node& node, const std::string& where) {
  check_input(node.IsSequence(), where, ": must be a list of operands (weights, inputs, outputs)");
  std::array<bool, kDataSpaceCount> flags = {false, false, false};
  for (const auto& item : node) {
    DataSpace space{};
    check_input(item.IsScalar() && parse_data_space(item.Scalar(), &space), where, ": unknown operand '",
                item.IsScalar() ? item.Scalar() : "?", "' (weights, inputs or outputs)");
    flags[static_cast<int>(space)] = true;
  }
  return flags;
}

void check_positive(double value, const std::string& where, const char* key) {
  check_input(value > 0, where, ".", key, ": must be positive, got ", value);
}

void check_not_negative(double value, const std::string& where, const char* key) {
  check_input(value >= 0, where, ".", key, ": must not be negative, got ", value);
}

MemoryLevel parse_level(const YAML::Node& node, const std::string& where) {
  check_keys(node, where,
             {"name", "per_pe", "size_bytes", "partition_bytes", "word_bits", "read_bandwidth", "write_bandwidth",
              "read_energy_pj", "write_energy_pj", "holds", "fill_before_pass"});
  MemoryLevel level;
  level.name = required_string(node, "name", where);
  level.per_pe = optional_bool(node, "per_pe", false, where);
  level.size_bytes = required_int(node, "size_bytes", where);
  check_positive(static_cast<double>(level.size_bytes), where, "size_bytes");
  if (node["partition_bytes"]) {
    const std::string sub = where + ".partition_bytes";
    check_keys(node["partition_bytes"], sub, {"weights", "inputs", "outputs"});
    for (DataSpace space : kAllDataSpaces) {
      const int64_t bytes = optional_int(node["partition_bytes"], data_space_name(space), 0, sub);
      check_not_negative(static_cast<double>(bytes), sub, data_space_name(space));
      level.partition_bytes[static_cast<int>(space)] = bytes;
    }
  }
  level.word_bits = static_cast<int>(optional_int(node, "word_bits", 16, where));
  check_input(level.word_bits >= 1 && level.word_bits <= 1024, where, ".word_bits: must be in 1..1024");
  level.read_bandwidth = optional_number(node, "read_bandwidth", 0, where);
  level.write_bandwidth = optional_number(node, "write_bandwidth", 0, where);
  level.read_energy_pj = required_number(node, "read_energy_pj", where);
  level.write_energy_pj = optional_number(node, "write_energy_pj", level.read_energy_pj, where);
  check_not_negative(level.read_bandwidth, where, "read_bandwidth");
  check_not_negative(level.write_bandwidth, where, "write_bandwidth");
  check_not_negative(level.read_energy_pj, where, "read_energy_pj");
  check_not_negative(level.write_energy_pj, where, "write_energy_pj");
  if (node["holds"]) level.holds = parse_spaces(node["holds"], where + ".holds");
  level.fill_before_pass = optional_bool(node, "fill_before_pass", false, where);
  return level;
}

}  // namespace

int ArchSpec::array_level() const {
  int level = 0;
  while (level < static_cast<int>(levels.size()) && levels[level].per_pe) ++level;
  return level;
}

ArchSpec parse_arch_spec(const std::string& yaml_text, const std::string& path) {
  const YAML::Node root = parse_yaml(yaml_text, path);
  check_input(root.IsMap(), path, ": must be a mapping of fields (name, clock_mhz, pe_array, memory, noc, dram)");
  const std::string top = path + ": ";
  check_keys(
      root, top,
      {"name", "clock_mhz", "precision_bits", "pe_array", "static_power_mw", "zero_gating", "memory", "noc", "dram"});
  ArchSpec arch;
  arch.path = path;
  arch.name = optional_string(root, "name", path, top);
  arch.clock_mhz = required_number(root, "clock_mhz", top);
  check_input(arch.clock_mhz > 0, top, "clock_mhz: must be positive, got ", arch.clock_mhz);
  arch.precision_bits = static_cast<int>(optional_int(root, "precision_bits", 16, top));
  check_input(arch.precision_bits >= 1 && arch.precision_bits <= 64, top, "precision_bits: must be in 1..64");
  arch.static_power_mw = optional_number(root, "static_power_mw", 0, top);
  check_input(arch.static_power_mw >= 0, top, "static_power_mw: must not be negative");
  arch.zero_gating = optional_bool(root, "zero_gating", false, top);

  check_input(root["pe_array"].IsDefined(), top, "pe_array: missing");
  const std::string array_where = top + "pe_array";
  const YAML::Node array = root["pe_array"];
  check_keys(array, array_where, {"rows", "cols", "macs_per_pe", "mac_energy_pj", "systolic"});
  arch.pe_rows = required_int(array, "rows", array_where);
  arch.pe_cols = required_int(array, "cols", array_where);
  arch.macs_per_pe = optional_int(array, "macs_per_pe", 1, array_where);
  arch.mac_energy_pj = required_number(array, "mac_energy_pj", array_where);
  arch.systolic = optional_bool(array, "systolic", false, array_where);
  check_input(arch.pe_rows >= 1 && arch.pe_rows <= 65536, array_where, ".rows: must be in 1..65536, got ",
              arch.pe_rows);
  check_input(arch.pe_cols >= 1 && arch.pe_cols <= 65536, array_where, ".cols: must be in 1..65536, got ",
              arch.pe_cols);
  check_positive(static_cast<double>(arch.macs_per_pe), array_where, "macs_per_pe");
  check_not_negative(arch.mac_energy_pj, array_where, "mac_energy_pj");

  const YAML::Node memory = root["memory"];
  check_input(memory.IsDefined() && memory.IsSequence() && memory.size() > 0, top,
              "memory: missing (a list of levels, innermost first)");
  for (size_t i = 0; i < memory.size(); ++i) {
    arch.levels.push_back(parse_level(memory[i], str_cat(top, "memory[", i, "]")));
  }
  check_input(arch.levels.size() <= 6, top, "memory: at most 6 on-chip levels, got ", arch.levels.size());
  const int shared = arch.array_level();
  for (size_t i = shared; i < arch.levels.size(); ++i) {
    check_input(!arch.levels[i].per_pe, top, "memory[", i, "].per_pe: levels private to a PE must come first");
  }

  if (root["noc"]) {
    const std::string where = top + "noc";
    check_keys(root["noc"], where, {"unicast_bandwidth", "multicast_bandwidth", "energy_per_hop_pj"});
    arch.noc.unicast_bandwidth = optional_number(root["noc"], "unicast_bandwidth", 0, where);
    arch.noc.multicast_bandwidth = optional_number(root["noc"], "multicast_bandwidth", 0, where);
    arch.noc.energy_per_hop_pj = optional_number(root["noc"], "energy_per_hop_pj", 0, where);
    check_not_negative(arch.noc.unicast_bandwidth, where, "unicast_bandwidth");
    check_not_negative(arch.noc.multicast_bandwidth, where, "multicast_bandwidth");
    check_not_negative(arch.noc.energy_per_hop_pj, where, "energy_per_hop_pj");
  }

  check_input(root["dram"].IsDefined(), top, "dram: missing");
  const std::string dram_where = top + "dram";
  const YAML::Node dram = root["dram"];
  check_keys(dram, dram_where, {"bandwidth_gb_per_s", "energy_pj_per_bit", "overlap", "compressed", "rlc"});
  arch.dram.bandwidth_gb_per_s = optional_number(dram, "bandwidth_gb_per_s", 0, dram_where);
  arch.dram.energy_pj_per_bit = required_number(dram, "energy_pj_per_bit", dram_where);
  arch.dram.overlap = optional_number(dram, "overlap", 1, dram_where);
  check_not_negative(arch.dram.bandwidth_gb_per_s, dram_where, "bandwidth_gb_per_s");
  check_not_negative(arch.dram.energy_pj_per_bit, dram_where, "energy_pj_per_bit");
  check_input(arch.dram.overlap >= 0 && arch.dram.overlap <= 1, dram_where, ".overlap: must be in [0, 1], got ",
              arch.dram.overlap);
  if (dram["compressed"]) arch.dram.compressed = parse_spaces(dram["compressed"], dram_where + ".compressed");
  if (dram["rlc"]) {
    const std::string where = dram_where + ".rlc";
    check_keys(dram["rlc"], where, {"run_bits", "level_bits", "word_bits"});
    arch.dram.rlc_run_bits = static_cast<int>(optional_int(dram["rlc"], "run_bits", 5, where));
    arch.dram.rlc_level_bits = static_cast<int>(optional_int(dram["rlc"], "level_bits", 16, where));
    arch.dram.rlc_word_bits = static_cast<int>(optional_int(dram["rlc"], "word_bits", 64, where));
    check_input(arch.dram.rlc_run_bits >= 1 && arch.dram.rlc_level_bits >= 1 &&
                    arch.dram.rlc_run_bits + arch.dram.rlc_level_bits < arch.dram.rlc_word_bits,
                where, ": run_bits + level_bits must be positive and below word_bits");
  }
  return arch;
}

ArchSpec load_arch_spec(const std::string& path) { return parse_arch_spec(read_file(path, kMaxYamlBytes), path); }

}  // namespace vigil::accel
