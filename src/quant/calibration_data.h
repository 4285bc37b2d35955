// SPDX-License-Identifier: Apache-2.0
// The samples calibration runs the float model on, for the model's first input: an IDX
// image set (pixels fed as float32 in [0, 1], as `vigil eval` feeds them), one .npy
// batch or a folder of .npy batches, or random numbers (only with a warning: ranges
// learnt from noise are not the ranges of real inputs). Batches are made on demand, so a
// large image set is held as bytes, not as floats.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "graph/graph.h"

namespace vigil::quant {

class CalibrationData {
 public:
  // `source`: an IDX images file (idx3, uint8), a folder holding train-images-idx3-ubyte[.gz]
  // (or t10k-images-idx3-ubyte[.gz]), a .npy file, a folder of .npy files (read in name
  // order), or "random". `limit` > 0 keeps only the first `limit` samples. A bad-input
  // Error naming --calib and the file if it cannot be read or does not fit `input`.
  CalibrationData(const std::string& source, const ValueInfo& input, int64_t limit);

  int64_t samples() const { return samples_; }
  int64_t batch_count() const;
  Tensor batch(int64_t index) const;  // a feed for the input

 private:
  enum class Kind { Idx, Npy, Random };
  void open_idx(const std::string& path, int64_t limit);
  void open_npy(const std::vector<std::string>& paths, int64_t limit);
  void open_random(int64_t limit);

  Kind kind_ = Kind::Random;
  ValueInfo input_;
  int64_t samples_ = 0;
  int64_t batch_size_ = 0;  // Idx and Random
  Tensor images_;           // Idx: uint8 [N, rows, cols]
  std::vector<Tensor> npy_batches_;
  Shape sample_shape_;  // Random: one sample's shape (batch dimension 1)
};

}  // namespace vigil::quant
