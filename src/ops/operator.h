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

// How output 0's rows depend on the inputs' rows, for an operator that computes each row
// of a 4-D (N, C, H, W) output from a window of rows of its 4-D inputs (convolution,
// pooling, elementwise operators). Output row o reads rows [o * stride - pad_top,
// o * stride - pad_top + extent) of each Windowed input, row o of each Aligned input and
// any part of each Whole input. An operator that computes blocks of `align` rows together
// (Winograd's tiles) rounds each row of a block from every row the block reads: a change
// that reaches one row of it changes them all, and a band must start at a block. Given a
// band of the Windowed inputs' rows and the matching rows of the Aligned ones, the
// operator computes every output row whose block reads only rows inside the band (or the
// padding of the whole input) bit for bit as it would over the whole input. Replays use it
// to recompute only the rows a change reaches (runtime/row_band.h).
struct RowDependence {
  enum class Role : uint8_t { Windowed, Aligned, Whole };
  int64_t extent = 1, stride = 1, pad_top = 0, pad_bottom = 0, align = 1;
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

  // The dependence of output 0's rows on the inputs' rows for these inputs (as plan()
  // would take them), or nullopt where the operator computes no row from a band alone.
  virtual std::optional<RowDependence> row_dependence(const OpInputs& inputs) const { return std::nullopt; }
};

// Every input of rank 4 whose height is the output's (`output_height`) Aligned, the rest
// Whole: the row dependence of an elementwise operator with a 4-D output.
RowDependence aligned_rows(const OpInputs& inputs, int64_t output_height);

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
