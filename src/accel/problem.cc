// SPDX-License-Identifier: Apache-2.0
// Names, relevance and footprints of the layer loop nest (problem.h).
#include "accel/problem.h"

#include <algorithm>

#include "core/error.h"

namespace vigil::accel {

namespace {
constexpr std::array<const char*, kDimCount> kDimNames = {"N", "G", "K", "C", "R", "S", "P", "Q"};
constexpr std::array<const char*, kDataSpaceCount> kDataSpaceNames = {"weights", "inputs", "outputs"};
}  // namespace

const char* dim_name(Dim dim) { return kDimNames[static_cast<int>(dim)]; }

bool parse_dim(const std::string& name, Dim* dim) {
  for (int i = 0; i < kDimCount; ++i) {
    if (name == kDimNames[i]) {
      *dim = static_cast<Dim>(i);
      return true;
    }
  }
  return false;
}

const char* data_space_name(DataSpace space) { return kDataSpaceNames[static_cast<int>(space)]; }

bool parse_data_space(const std::string& name, DataSpace* space) {
  for (int i = 0; i < kDataSpaceCount; ++i) {
    if (name == kDataSpaceNames[i]) {
      *space = static_cast<DataSpace>(i);
      return true;
    }
  }
  return false;
}

bool is_relevant(DataSpace space, Dim dim) {
  switch (space) {
    case DataSpace::Weights: return dim != Dim::N && dim != Dim::P && dim != Dim::Q;
    case DataSpace::Inputs: return dim != Dim::K;
    case DataSpace::Outputs: return dim != Dim::C && dim != Dim::R && dim != Dim::S;
  }
  return false;
}

int64_t Layer::macs() const {
  int64_t product = 1;
  for (int64_t size : dims) product *= size;
  return product;
}

int64_t Layer::elements(DataSpace space) const { return tile_elements(*this, space, dims); }

int64_t tile_elements(const Layer& layer, DataSpace space, const DimArray& extent) {
  auto e = [&](Dim dim) { return std::min(extent[static_cast<int>(dim)], layer.size(dim)); };
  switch (space) {
    case DataSpace::Weights: return e(Dim::G) * e(Dim::K) * e(Dim::C) * e(Dim::R) * e(Dim::S);
    case DataSpace::Outputs: return e(Dim::N) * e(Dim::G) * e(Dim::K) * e(Dim::P) * e(Dim::Q);
    case DataSpace::Inputs: {
      const int64_t rows = std::min((e(Dim::P) - 1) * layer.stride_h + e(Dim::R), layer.input_height());
      const int64_t cols = std::min((e(Dim::Q) - 1) * layer.stride_w + e(Dim::S), layer.input_width());
      return e(Dim::N) * e(Dim::G) * e(Dim::C) * rows * cols;
    }
  }
  return 0;
}

void check_layer(const Layer& layer, const std::string& where) {
  for (Dim dim : kAllDims) {
    check_input(layer.size(dim) >= 1, where, ": ", dim_name(dim), " must be at least 1, got ", layer.size(dim));
  }
  check_input(layer.stride_h >= 1 && layer.stride_w >= 1, where, ": strides must be at least 1");
  // Every count the model takes (MACs, padded inputs) must stay far from overflow.
  int64_t macs = 1;
  for (int64_t size : layer.dims) {
    check_input(!__builtin_mul_overflow(macs, size, &macs) && macs <= (int64_t{1} << 53), where,
                ": the layer is too large to model (more than 2^53 MACs)");
  }
  check_input(layer.stride_h <= 65536 && layer.stride_w <= 65536, where, ": strides must be at most 65536");
  check_input(layer.input_zero_fraction >= 0 && layer.input_zero_fraction < 1, where,
              ": input_zeros must be in [0, 1), got ", layer.input_zero_fraction);
  check_input(layer.output_zero_fraction >= 0 && layer.output_zero_fraction < 1, where,
              ": output_zeros must be in [0, 1), got ", layer.output_zero_fraction);
}

}  // namespace vigil::accel
