// SPDX-License-Identifier: Apache-2.0
// Reading MAESTRO-style directives and turning them into loops (mapping_directives.h).
#include "accel/mapping_directives.h"

#include <algorithm>
#include <charconv>

#include "accel/evaluate.h"
#include "core/error.h"

namespace vigil::accel {

namespace {

constexpr const char* kDims = "N, G, K, C, R, S, P, Q, or Y, X for the input window";

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

std::string trim(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// "Name(a, b) rest" -> name, the arguments split at top-level commas, rest; false if
// the parentheses do not match.
bool split_directive(const std::string& text, std::string* name, std::vector<std::string>* args, std::string* rest) {
  const size_t open = text.find('(');
  if (open == std::string::npos) return false;
  *name = trim(text.substr(0, open));
  int depth = 0;
  std::string arg;
  for (size_t i = open + 1; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == ')' && depth == 0) {
      args->push_back(trim(arg));
      *rest = trim(text.substr(i + 1));
      return true;
    }
    depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
    if (ch == ',' && depth == 0) {
      args->push_back(trim(arg));
      arg.clear();
    } else {
      arg += ch;
    }
  }
  return false;
}

DirectiveSize parse_size(const std::string& arg, const Directive& d) {
  DirectiveSize size;
  if (arg.size() > 4 && arg.compare(0, 3, "Sz(") == 0 && arg.back() == ')') {
    size.of_dim = parse_dim(trim(arg.substr(3, arg.size() - 4)), &size.dim);
    check_input(size.of_dim, d.where, ": unknown dimension in '", arg, "' of '", d.text, "' (N, G, K, C, R, S, P, Q)");
    return size;
  }
  const auto parsed = std::from_chars(arg.data(), arg.data() + arg.size(), size.value);
  check_input(parsed.ec == std::errc() && parsed.ptr == arg.data() + arg.size() && size.value >= 1, d.where,
              ": bad size '", arg, "' in '", d.text, "' (a whole number of at least 1, or Sz(D))");
  return size;
}

int64_t resolve(const DirectiveSize& size, const Layer& layer) {
  return size.of_dim ? layer.size(size.dim) : size.value;
}

// Splits what is left of the directive's dimension into chunks: the loop over them.
Loop split(const Directive& d, const Layer& layer, DimArray& left, std::array<bool, kDimCount>& mapped) {
  int64_t size = resolve(d.size, layer);
  const int64_t offset = resolve(d.offset, layer);
  if (d.window) {
    const bool rows = d.dim == Dim::P;
    const int64_t stride = rows ? layer.stride_h : layer.stride_w;
    const int64_t window = layer.size(rows ? Dim::R : Dim::S);
    const int64_t outputs = offset / stride;
    check_input(offset % stride == 0 && outputs >= 1 && size == (outputs - 1) * stride + window, d.where, ": '", d.text,
                "': p output ", rows ? "rows" : "columns", " are a window of (p-1) x ", stride, " + ", window,
                " moving by p x ", stride, " in layer '", layer.name, "'");
    size = outputs;
  } else {
    check_input(offset == size, d.where, ": '", d.text,
                "': the offset must equal the size (chunks do not overlap; only Y and X slide)");
  }
  const int i = static_cast<int>(d.dim);
  size = std::min(size, left[i]);
  const Loop loop{d.dim, ceil_div(left[i], size)};
  left[i] = size;
  mapped[i] = true;
  return loop;
}

// The units a SpatialMap at cluster level `i` spreads over: the clusters of the whole
// array at level 0, the groups (or PEs) of a cluster below it.
int64_t cluster_units(const ArchSpec& arch, const std::vector<int64_t>& clusters, size_t i) {
  const int64_t outer = i == 0 ? arch.pe_count() : clusters[i - 1];
  return outer / (i < clusters.size() ? clusters[i] : 1);
}

void add_loop(std::vector<Loop>& loops, const Loop& loop) {
  if (loop.factor > 1) loops.push_back(loop);
}

}  // namespace

Directive parse_directive(const std::string& text, const std::string& where, const ArchSpec& arch) {
  Directive d;
  d.text = text;
  d.where = where;
  std::string name, rest;
  std::vector<std::string> args;
  check_input(split_directive(text, &name, &args, &rest), where, ": '", text,
              "' is not a directive, such as TemporalMap(4,4) K");
  if (name == "TemporalMap" || name == "SpatialMap") {
    d.kind = name == "TemporalMap" ? DirectiveKind::Temporal : DirectiveKind::Spatial;
    check_input(args.size() == 2, where, ": '", text, "': ", name, " takes a size and an offset");
    d.window = rest == "Y" || rest == "X";
    if (d.window) d.dim = rest == "Y" ? Dim::P : Dim::Q;
    check_input(d.window || parse_dim(rest, &d.dim), where, ": unknown dimension '", rest, "' in '", text, "' (", kDims,
                ")");
    d.size = parse_size(args[0], d);
    d.offset = parse_size(args[1], d);
  } else if (name == "Cluster") {
    d.kind = DirectiveKind::Cluster;
    check_input(rest.empty() && (args.size() == 1 || (args.size() == 2 && args[1] == "P")), where, ": '", text,
                "': a cluster is Cluster(n) or Cluster(n, P), n physical PEs");
    d.size = parse_size(args[0], d);
    check_input(!d.size.of_dim, where, ": '", text, "': a cluster's size is a number of PEs");
  } else if (name == "Level") {
    d.kind = DirectiveKind::Level;
    d.level = args.size() == 1 && rest.empty() ? level_index(arch, args[0]) : -1;
    check_input(d.level >= 0, where, ": unknown level in '", text, "' (", level_names(arch), ")");
  } else {
    fail_bad_input(where, ": unknown directive '", text,
                   "' (TemporalMap(size,offset) D, SpatialMap(size,offset) D, Cluster(n), Level(name))");
  }
  return d;
}

Mapping directives_mapping(const std::vector<Directive>& directives, const std::string& where, const ArchSpec& arch,
                           const Layer& layer) {
  Mapping mapping;
  mapping.dataflow = "file";
  mapping.temporal.resize(arch.levels.size() + 1);
  const int array = arch.array_level();
  std::vector<int64_t> clusters;
  for (const Directive& d : directives) {
    if (d.kind == DirectiveKind::Cluster) clusters.push_back(d.size.value);
  }
  DimArray left = layer.dims;  // each dimension's chunk inside the directives so far
  std::array<bool, kDimCount> mapped{};
  int level = static_cast<int>(arch.levels.size());
  size_t cluster_level = 0;
  bool in_array = false, spatial_here = false;
  for (const Directive& d : directives) {
    const bool spatial = d.kind == DirectiveKind::Spatial || d.kind == DirectiveKind::Cluster;
    check_input(!spatial || level >= array, d.where, ": '", d.text,
                "': the spatial maps come together, above the levels private to a PE");
    switch (d.kind) {
      case DirectiveKind::Level:
        check_input(d.level <= level && !(in_array && d.level >= array), d.where, ": '", d.text,
                    "': levels go outermost first, the array between the shared ones and those private to a PE");
        level = d.level;
        break;
      case DirectiveKind::Cluster: {
        const int64_t outer = cluster_level == 0 ? arch.pe_count() : clusters[cluster_level - 1];
        check_input(d.size.value <= outer, d.where, ": '", d.text, "': larger than the ", outer, " PEs it groups");
        ++cluster_level;
        in_array = true;
        spatial_here = false;
        break;
      }
      case DirectiveKind::Spatial: {
        check_input(!spatial_here, d.where, ": '", d.text,
                    "': one SpatialMap per cluster level (vigil's spatial loops multiply)");
        const Loop loop = split(d, layer, left, mapped);
        const int64_t units = cluster_units(arch, clusters, cluster_level);
        check_input(loop.factor <= units, d.where, ": '", d.text, "': ", loop.factor, " chunks over ", units,
                    " units in layer '", layer.name, "' (split ", dim_name(loop.dim), " with a TemporalMap above)");
        add_loop(!clusters.empty() && cluster_level == 0 ? mapping.spatial_rows : mapping.spatial_cols, loop);
        in_array = spatial_here = true;
        break;
      }
      case DirectiveKind::Temporal:
        if (in_array && level >= array) {
          check_input(array > 0, d.where, ": '", d.text, "': no level private to a PE below the array");
          level = array - 1;
        }
        add_loop(mapping.temporal[level], split(d, layer, left, mapped));
        break;
    }
  }
  for (Dim dim : kAllDims) {
    const int i = static_cast<int>(dim);
    check_input(mapped[i] || layer.size(dim) == 1, where, ": the directives do not map ", dim_name(dim), " (",
                layer.size(dim), " in layer '", layer.name, "')");
    add_loop(mapping.temporal[0], {dim, left[i]});  // the last chunk, inside the PE
  }
  return mapping;
}

}  // namespace vigil::accel
