// SPDX-License-Identifier: Apache-2.0
// Bit-error robustness (RandBET, Stutz et al.): accuracy against the rate at which the
// stored bits of a model's weights flip, as in SRAM run below its safe voltage. At each
// rate p, every bit of every weight tensor (the filters and matrices: initializers of
// rank 2 or more that the selected nodes read, int8 in a quantized model, fp32 otherwise)
// flips independently with probability p; the model so corrupted is loaded as a new
// session (graph passes run after the corruption, as on a device) and evaluated on the
// images. Each rate is repeated with other error patterns; the band is their spread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "faults/fault_sites.h"
#include "io/idx.h"
#include "runtime/session.h"

namespace vigil::faults {

struct BerSweepOptions {
  double low_rate = 1e-7, high_rate = 1e-2;  // the rates, spaced evenly in log between
  int points = 6;
  int repeats = 5;  // error patterns per rate
  uint64_t seed = 0;
  int workers = 1;
  bool optimize = true;
  std::string node_pattern, op_type;  // which nodes' weights
  int64_t images = 1000;
};

struct BerPoint {
  double rate = 0;
  std::vector<double> accuracies;  // one per repetition
  double mean_flips = 0;           // bits flipped per repetition
  double mean = 0, low = 0, high = 0;  // mean accuracy and the band (lowest, highest)
};

struct BerSweepResult {
  double clean_accuracy = 0;
  int64_t images = 0;
  int64_t weight_bits = 0;           // the bits exposed to errors
  std::vector<std::string> tensors;  // the weight tensors exposed
  std::vector<BerPoint> points;
  double seconds = 0;
};

// A bad-input Error naming --ber for rates outside (0, 1) or the low one above the high.
void check_bit_error_rates(double low, double high);

// A bad-input Error for bad rates (check_bit_error_rates) or no weight selected.
BerSweepResult sweep_bit_error_rates(std::shared_ptr<const Model> model, const IdxDataset& data,
                                     const BerSweepOptions& options);

// The flips of one error pattern: every bit of `bits` bits set with probability `rate`,
// drawn by geometric skips; ascending positions.
std::vector<uint64_t> bit_error_positions(uint64_t bits, double rate, uint64_t seed, uint64_t stream);

}  // namespace vigil::faults
