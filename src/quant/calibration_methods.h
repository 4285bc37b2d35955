// SPDX-License-Identifier: Apache-2.0
// Turning a tensor's calibration statistics into the float range it is quantized over.
// minmax keeps every value; the other three clip rare large values so that the common
// ones get a finer grid:
//   percentile  clips each tail where the values beyond it are (100 - P)% of all values
//               (symmetric activations: the P-th percentile of |x|);
//   mse         tries ranges shrunk from [min, max] by k / 128 (k = 1..128) and keeps the
//               one whose quantize-dequantize error, summed over the histogram's bin
//               centres, is smallest;
//   entropy     TensorRT's choice: for each candidate threshold, the histogram below it
//               (clipped values added to its last bin) against the same histogram merged
//               into as many bins as there are quantization levels; the threshold with
//               the least KL divergence wins, chosen per tail (the spike of zeros in
//               the first bin is levelled to its neighbour first).
#pragma once

#include <string>

#include "quant/affine_quantization.h"
#include "quant/tensor_statistics.h"

namespace vigil::quant {

enum class CalibrationMethod { MinMax, Percentile, Mse, Entropy };

// "minmax", "percentile", "mse", "entropy"; a bad-input Error naming --method otherwise.
CalibrationMethod parse_calibration_method(const std::string& name);
const char* calibration_method_name(CalibrationMethod method);
// Whether the method needs the histogram (a second pass over the data).
inline bool needs_histogram(CalibrationMethod method) { return method != CalibrationMethod::MinMax; }

struct CalibrationSettings {
  CalibrationMethod method = CalibrationMethod::MinMax;
  double percentile = 99.99;  // in (0, 100]
  ActivationScheme scheme;
};

// The range for one tensor. Requires statistics with a range, and a histogram unless the
// method is minmax. The result lies within [min, max], or [-max|x|, max|x|] when symmetric.
Range choose_range(const TensorStatistics& statistics, const CalibrationSettings& settings);

// The individual methods, for tests.
Range percentile_range(const TensorStatistics& statistics, double percentile, bool symmetric);
Range mse_range(const TensorStatistics& statistics, const ActivationScheme& scheme);
Range entropy_range(const TensorStatistics& statistics, bool symmetric);
// TensorRT's threshold search on one histogram of |x| (bins of equal width): the number
// of bins, in [levels, bins], below the threshold that minimises KL divergence. Bin 0
// (the zeros) counts as much as bin 1.
size_t entropy_threshold_bins(const std::vector<double>& histogram, size_t levels);

}  // namespace vigil::quant
