// SPDX-License-Identifier: Apache-2.0
// The operator interface. A session creates one Operator per node, once: creation reads
// the attributes and may prepare constant weights (packing comes with the fast kernels).
// run() receives the input tensors (nullptr for an omitted optional input), computes the
// output shapes from the actual inputs, allocates and fills the outputs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "graph/graph.h"

namespace vigil {

using OpInputs = std::vector<const Tensor*>;
using OpOutputs = std::vector<Tensor>;

// The dtype and shape of one output, as planned before it is computed.
struct TensorSpec {
  DType dtype = DType::Undefined;
  Shape shape;
};

// How output 0's rows and columns depend on the inputs' rows and columns, for an operator
// that computes each value of a 4-D (N, C, H, W) output from a window of its 4-D inputs
// (convolution, pooling, elementwise operators). Along each axis (`rows`, `cols`), output
// position o reads positions [o * stride - pad_begin, o * stride - pad_begin + extent) of
// each Windowed input, position o of each Aligned input (or its only one, where the input
// has size 1 on that axis and is broadcast), and any part of each Whole input. An operator
// that computes blocks of `align` positions together (Winograd's tiles) rounds each value
// of a block from everything the block reads: a change that reaches one position of it
// changes them all, and a box must start at a block. Given a box of the Windowed inputs'
// rows and columns and the matching box of the Aligned ones, the operator computes every
// output value whose block reads only values inside the box (or the padding of the whole
// input) bit for bit as it would over the whole input. An axis marked `whole` is computed
// only in full: the operator's arithmetic at a position depends on the axis's extent (the
// vector depthwise kernels group a row's columns by its width). Replays use it to
// recompute only the box a change reaches (runtime/spatial_box.h).
struct AxisWindow {
  int64_t extent = 1, stride = 1, pad_begin = 0, pad_end = 0, align = 1;
  bool whole = false;
};
struct SpatialDependence {
  enum class Role : uint8_t { Windowed, Aligned, Whole };
  AxisWindow rows, cols;
  std::vector<Role> roles;  // one per input
};

class Operator {
 public:
  virtual ~Operator() = default;

  // The general path: computes the output shapes from the actual inputs, allocates and
  // fills the outputs. `outputs` has one slot per node output, all empty on entry. The
  // default implementation is plan() followed by execute() on freshly allocated outputs;
  // operators without a planned path override run() instead.
  virtual void run(const OpInputs& inputs, OpOutputs& outputs);

  // The planned path, for operators whose output shapes follow from the input shapes (and
  // constant inputs) alone. plan() fills one spec per output (Undefined dtype for an
  // omitted optional output) and sizes any scratch it keeps for these input shapes; it
  // may allocate, and returns false if the operator has no planned path. The session calls
  // it when input shapes change, then calls execute() on every inference with outputs
  // already allocated to those specs (from its memory plan): execute() must not allocate.
  virtual bool plan(const OpInputs& inputs, std::vector<TensorSpec>& outputs) { return false; }
  virtual void execute(const OpInputs& inputs, OpOutputs& outputs);

  // The input whose buffer output 0 may be written into (execute() then sees the same
  // storage in both, and must handle that), or -1. The memory plan uses it when that input
  // dies at this node and has the output's size: elementwise operators, reshapes.
  virtual int in_place_input() const { return -1; }

  // The kernel or algorithm the operator runs, e.g. "winograd_f4x4_3x3 + f32_gemm_6x16__avx2",
  // for `vigil info --optimized` and the profiler; empty for plain reference operators.
  virtual std::string algorithm() const { return {}; }

  // The dependence of output 0's rows and columns on the inputs' for these inputs (as
  // plan() would take them), or nullopt where the operator computes nothing from a box alone.
  virtual std::optional<SpatialDependence> spatial_dependence(const OpInputs& inputs) const { return std::nullopt; }

 protected:
  // The default run(): plan(), outputs allocated to its specs, execute(); false, with
  // nothing run, when plan() declines (an operator's run() then takes its other path).
  bool run_planned(const OpInputs& inputs, OpOutputs& outputs);
};

// Every input of rank 4 whose height and width are the output's or 1 Aligned, the rest
// Whole: the spatial dependence of an elementwise operator with a 4-D output.
SpatialDependence aligned_spatially(const OpInputs& inputs, int64_t output_height, int64_t output_width);

// What an operator factory knows about the node it builds.
struct OpCreateInfo {
  const Node& node;
  int64_t opset = 0;             // the model's opset version for the node's domain
  const Model* model = nullptr;  // for subgraph-holding operators
  // Initializer tensors known at creation time, by name (weights); nullptr if not constant.
  std::function<const Tensor*(const std::string&)> find_constant;
  int threads = 1;

  const Attributes& attributes() const { return node.attributes; }
  std::string describe() const { return node.describe(); }
};

using OpFactory = std::unique_ptr<Operator> (*)(const OpCreateInfo& info);

// An Operator whose run is a callable; most reference operators are written as
//   return make_operator([alpha](const OpInputs& in, OpOutputs& out) { ... });
using OpRunFunction = std::function<void(const OpInputs&, OpOutputs&)>;
std::unique_ptr<Operator> make_operator(OpRunFunction run);

// Helpers for operator bodies: the input at `index`, required to be present; its
// presence test; the number of inputs given.
const Tensor& require_input(const OpInputs& inputs, size_t index, const std::string& what);
inline bool has_input(const OpInputs& inputs, size_t index) {
  return index < inputs.size() && inputs[index] != nullptr;
}

}  // namespace vigil
