// SPDX-License-Identifier: Apache-2.0
// Reading a sweep spec and writing a design point's values into the base architecture
// (sweep_spec.h).
#include "accel/sweep_spec.h"

#include <cmath>
#include <filesystem>
#include <limits>

#include "accel/yaml_fields.h"
#include "core/error.h"
#include "core/file_io.h"

namespace vigil::accel {

namespace {

constexpr int64_t kMaxValues = 10000;
constexpr int64_t kMaxPoints = 100000;

// What a swept field accepts: whole numbers or not, above zero or from zero, a ceiling.
struct FieldRule {
  const char* name;  // for the whole-spec fields; the suffix after memory.LEVEL. otherwise
  SweepField field;
  bool integer;
  bool positive;
  double max = std::numeric_limits<double>::infinity();
};

constexpr FieldRule kSpecFields[] = {
    {"pe_array.rows", SweepField::PeRows, true, true, 65536},
    {"pe_array.cols", SweepField::PeCols, true, true, 65536},
    {"pe_array.macs_per_pe", SweepField::MacsPerPe, true, true},
    {"clock_mhz", SweepField::ClockMhz, false, true},
    {"noc.unicast_bandwidth", SweepField::NocUnicastBandwidth, false, false},
    {"noc.multicast_bandwidth", SweepField::NocMulticastBandwidth, false, false},
    {"dram.bandwidth_gb_per_s", SweepField::DramBandwidth, false, false},
};
constexpr FieldRule kLevelFields[] = {
    {"size_bytes", SweepField::LevelSizeBytes, true, true},
    {"read_bandwidth", SweepField::LevelReadBandwidth, false, false},
    {"write_bandwidth", SweepField::LevelWriteBandwidth, false, false},
};

std::string known_fields() {
  std::string known;
  for (const FieldRule& rule : kSpecFields) known += std::string(known.empty() ? "" : ", ") + rule.name;
  for (const FieldRule& rule : kLevelFields) known += std::string(", memory.LEVEL.") + rule.name;
  return known;
}

// The rule for `name`, setting parameter.field and .level; a bad-input Error otherwise.
FieldRule find_rule(const std::string& name, const ArchSpec& base, const std::string& where,
                    SweepParameter& parameter) {
  for (const FieldRule& rule : kSpecFields) {
    if (name == rule.name) {
      parameter.field = rule.field;
      return rule;
    }
  }
  const size_t dot = name.rfind('.');
  if (name.rfind("memory.", 0) == 0 && dot > 7) {
    const std::string level = name.substr(7, dot - 7), suffix = name.substr(dot + 1);
    for (const FieldRule& rule : kLevelFields) {
      if (suffix != rule.name) continue;
      std::string levels;
      for (size_t i = 0; i < base.levels.size(); ++i) {
        if (base.levels[i].name == level) {
          parameter.field = rule.field;
          parameter.level = static_cast<int>(i);
          return rule;
        }
        levels += (i ? ", " : "") + base.levels[i].name;
      }
      fail_bad_input(where, ": no memory level '", level, "' in ", base.path, " (", levels, ")");
    }
  }
  fail_bad_input(where, ": unknown field (", known_fields(), ")");
}

// A list of numbers, or a range {from, to, step} (arithmetic) or {from, to, factor}
// (geometric), `to` included when the range reaches it.
std::vector<double> parse_values(const YAML::Node& node, const std::string& where) {
  std::vector<double> values;
  if (node.IsSequence()) {
    check_input(node.size() > 0, where, ": an empty list of values");
    for (size_t i = 0; i < node.size(); ++i) values.push_back(number_value(node[i], str_cat(where, "[", i, "]")));
    return values;
  }
  check_input(node.IsMap(), where, ": must be a list of values or a range {from, to, step or factor}");
  check_keys(node, where, {"from", "to", "step", "factor"});
  const double from = required_number(node, "from", where), to = required_number(node, "to", where);
  check_input(from <= to, where, ": from ", from, " is above to ", to);
  check_input(node["step"].IsDefined() != node["factor"].IsDefined(), where, ": give either step or factor");
  const bool geometric = node["factor"].IsDefined();
  const double by = required_number(node, geometric ? "factor" : "step", where);
  check_input(geometric ? by > 1 : by > 0, where, geometric ? ".factor: must be above 1" : ".step: must be positive");
  check_input(!geometric || from > 0, where, ".from: a geometric range must start above 0");
  const double last = to + 1e-9 * std::fabs(to);
  for (int64_t i = 0;; ++i) {
    const double value = geometric ? from * std::pow(by, static_cast<double>(i)) : from + by * static_cast<double>(i);
    if (value > last) break;
    check_input(i < kMaxValues, where, ": more than ", kMaxValues, " values");
    values.push_back(value);
  }
  return values;
}

void check_value(double value, const FieldRule& rule, const std::string& where) {
  check_input(!rule.integer || value == std::floor(value), where, ": must be an integer, got ", value);
  check_input(rule.positive ? value > 0 : value >= 0, where,
              rule.positive ? ": must be positive" : ": must not be negative", ", got ", value);
  check_input(value <= rule.max, where, ": must be at most ", rule.max, ", got ", value);
}

AreaModel parse_area(const YAML::Node& node, const std::string& where) {
  check_keys(node, where, {"mac_mm2", "sram_mm2_per_kib", "dram_mm2_per_gb_per_s"});
  AreaModel model;
  model.mac_mm2 = optional_number(node, "mac_mm2", model.mac_mm2, where);
  model.sram_mm2_per_kib = optional_number(node, "sram_mm2_per_kib", model.sram_mm2_per_kib, where);
  model.dram_mm2_per_gb_per_s = optional_number(node, "dram_mm2_per_gb_per_s", model.dram_mm2_per_gb_per_s, where);
  for (const double value : {model.mac_mm2, model.sram_mm2_per_kib, model.dram_mm2_per_gb_per_s}) {
    check_input(value >= 0, where, ": area constants must not be negative, got ", value);
  }
  return model;
}

}  // namespace

SweepSpec parse_sweep_spec(const std::string& yaml_text, const std::string& path) {
  const YAML::Node root = parse_yaml(yaml_text, path);
  check_input(root.IsMap(), path, ": must be a mapping of fields (arch, parameters, area)");
  const std::string top = path + ": ";
  check_keys(root, top, {"arch", "parameters", "area"});
  SweepSpec sweep;
  sweep.path = path;
  const std::filesystem::path arch = required_string(root, "arch", top);
  sweep.base =
      load_arch_spec(arch.is_relative() ? (std::filesystem::path(path).parent_path() / arch).string() : arch.string());
  const YAML::Node parameters = root["parameters"];
  const std::string where = top + "parameters";
  check_input(parameters.IsDefined() && parameters.IsMap() && parameters.size() > 0, where,
              ": missing (a mapping from field to values)");
  double points = 1;
  for (const auto& entry : parameters) {
    SweepParameter parameter;
    parameter.name = key_name(entry.first, where);
    const std::string field = where + "." + parameter.name;
    for (const SweepParameter& earlier : sweep.parameters) {
      check_input(earlier.name != parameter.name, field, ": given twice");
    }
    const FieldRule rule = find_rule(parameter.name, sweep.base, field, parameter);
    parameter.values = parse_values(entry.second, field);
    for (size_t i = 0; i < parameter.values.size(); ++i) {
      const std::string item = str_cat(field, "[", i, "]");
      check_value(parameter.values[i], rule, item);
      for (size_t j = 0; j < i; ++j) {
        check_input(parameter.values[j] != parameter.values[i], item, ": repeats ", parameter.values[i]);
      }
    }
    points *= static_cast<double>(parameter.values.size());
    check_input(points <= kMaxPoints, where, ": more than ", kMaxPoints, " design points");
    sweep.parameters.push_back(std::move(parameter));
  }
  if (root["area"]) sweep.area = parse_area(root["area"], top + "area");
  return sweep;
}

SweepSpec load_sweep_spec(const std::string& path) { return parse_sweep_spec(read_file(path, kMaxYamlBytes), path); }

int64_t point_count(const SweepSpec& sweep) {
  int64_t count = 1;
  for (const SweepParameter& parameter : sweep.parameters) count *= static_cast<int64_t>(parameter.values.size());
  return count;
}

std::vector<double> point_values(const SweepSpec& sweep, int64_t index) {
  std::vector<double> values(sweep.parameters.size());
  for (size_t i = sweep.parameters.size(); i-- > 0;) {
    const int64_t count = static_cast<int64_t>(sweep.parameters[i].values.size());
    values[i] = sweep.parameters[i].values[index % count];
    index /= count;
  }
  return values;
}

ArchSpec point_arch(const SweepSpec& sweep, const std::vector<double>& values) {
  ArchSpec arch = sweep.base;
  for (size_t i = 0; i < sweep.parameters.size(); ++i) {
    const SweepParameter& parameter = sweep.parameters[i];
    const double value = values[i];
    const auto whole = static_cast<int64_t>(value);
    switch (parameter.field) {
      case SweepField::PeRows: arch.pe_rows = whole; break;
      case SweepField::PeCols: arch.pe_cols = whole; break;
      case SweepField::MacsPerPe: arch.macs_per_pe = whole; break;
      case SweepField::ClockMhz: arch.clock_mhz = value; break;
      case SweepField::LevelSizeBytes: arch.levels[parameter.level].size_bytes = whole; break;
      case SweepField::LevelReadBandwidth: arch.levels[parameter.level].read_bandwidth = value; break;
      case SweepField::LevelWriteBandwidth: arch.levels[parameter.level].write_bandwidth = value; break;
      case SweepField::NocUnicastBandwidth: arch.noc.unicast_bandwidth = value; break;
      case SweepField::NocMulticastBandwidth: arch.noc.multicast_bandwidth = value; break;
      case SweepField::DramBandwidth: arch.dram.bandwidth_gb_per_s = value; break;
    }
  }
  return arch;
}

double area_mm2(const ArchSpec& arch, const AreaModel& model) {
  double bytes = 0;
  for (const MemoryLevel& level : arch.levels) {
    bytes += static_cast<double>(level.size_bytes) * static_cast<double>(level.per_pe ? arch.pe_count() : 1);
  }
  return static_cast<double>(arch.pe_count() * arch.macs_per_pe) * model.mac_mm2 +
         bytes / 1024 * model.sram_mm2_per_kib + arch.dram.bandwidth_gb_per_s * model.dram_mm2_per_gb_per_s;
}

}  // namespace vigil::accel
