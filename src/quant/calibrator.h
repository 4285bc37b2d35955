// SPDX-License-Identifier: Apache-2.0
// Calibration: runs the float model (vigil's Session, graph as written, no optimisation
// passes, so every tensor the QDQ writer names exists) over the calibration data and
// watches the chosen tensors through a step hook (a StepWatcher). A first pass records
// each tensor's min and max; when the method clips (calibration_methods.h), a second pass
// fills histograms over the ranges the first found. A progress bar shows on a terminal.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "quant/calibration_data.h"
#include "quant/tensor_statistics.h"

namespace vigil::quant {

// Statistics of the float32 tensors among `tensors` (graph inputs or node outputs); a
// tensor that is never a float32 tensor is absent from the result.
std::map<std::string, TensorStatistics> calibrate(std::shared_ptr<const Model> model,
                                                  const std::vector<std::string>& tensors, const CalibrationData& data,
                                                  bool histograms, int threads = 1);

}  // namespace vigil::quant
