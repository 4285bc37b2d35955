// SPDX-License-Identifier: Apache-2.0
// The workload of the accelerator model: one layer as a seven-deep loop nest over
// N (batch), G (groups), K (output channels per group), C (input channels per group),
// R, S (filter rows, columns) and P, Q (output rows, columns), the notation of Timeloop
// and of Sze et al. Convolutions (grouped and depthwise), matrix products and pooling all
// become this nest; the evaluator and the dataflow templates read nothing else. A layer
// also carries the fraction of zeros in its input and output, which run-length
// compression and zero gating turn into less DRAM traffic and less MAC energy.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vigil::accel {

enum class Dim { N, G, K, C, R, S, P, Q };
inline constexpr int kDimCount = 8;
inline constexpr std::array<Dim, kDimCount> kAllDims = {Dim::N, Dim::G, Dim::K, Dim::C, Dim::R, Dim::S, Dim::P, Dim::Q};

// The three operands of a multiply-accumulate.
enum class DataSpace { Weights, Inputs, Outputs };
inline constexpr int kDataSpaceCount = 3;
inline constexpr std::array<DataSpace, kDataSpaceCount> kAllDataSpaces = {DataSpace::Weights, DataSpace::Inputs,
                                                                          DataSpace::Outputs};

const char* dim_name(Dim dim);                      // "N", "G", ...
bool parse_dim(const std::string& name, Dim* dim);  // false for an unknown name
const char* data_space_name(DataSpace space);       // "weights", "inputs", "outputs"
bool parse_data_space(const std::string& name, DataSpace* space);

// Whether the operand's index depends on the dimension. Inputs depend on P and R (and Q
// and S) through the sliding window h = p * stride + r.
bool is_relevant(DataSpace space, Dim dim);

using DimArray = std::array<int64_t, kDimCount>;  // indexed by static_cast<int>(Dim)

struct Layer {
  std::string name;
  std::string op = "Conv";  // what it came from: Conv, Gemm, MatMul, MaxPool, AveragePool
  DimArray dims = {1, 1, 1, 1, 1, 1, 1, 1};
  int64_t stride_h = 1, stride_w = 1;
  double input_zero_fraction = 0;   // zeros in the input, in [0, 1)
  double output_zero_fraction = 0;  // zeros in the output after the activation
  // Parameters a dataflow template may take from the workload (the row-stationary
  // template reads m, n, e, p, q, r, t, the names of Eyeriss's Table III).
  std::map<std::string, int64_t> dataflow_params;

  int64_t size(Dim dim) const { return dims[static_cast<int>(dim)]; }
  int64_t input_height() const { return (size(Dim::P) - 1) * stride_h + size(Dim::R); }  // padded
  int64_t input_width() const { return (size(Dim::Q) - 1) * stride_w + size(Dim::S); }
  int64_t macs() const;
  int64_t elements(DataSpace space) const;  // of the whole operand
};

// The footprint of an operand over a tile with extent[d] iterations of each dimension,
// clipped to the layer (a sliding-window input tile includes its halo).
int64_t tile_elements(const Layer& layer, DataSpace space, const DimArray& extent);

// A bad-input Error naming `where` if a size is below 1, a stride is below 1, or a zero
// fraction is outside [0, 1).
void check_layer(const Layer& layer, const std::string& where);

}  // namespace vigil::accel
