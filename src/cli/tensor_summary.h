// SPDX-License-Identifier: Apache-2.0
// One-line summaries of tensors for the terminal and JSON: type, shape, min, max, mean.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/tensor.h"

namespace vigil::cli {

struct TensorSummary {
  std::string dtype;
  Shape shape;
  double min = 0, max = 0, mean = 0;
};

TensorSummary summarize(const Tensor& tensor);
std::string to_string(const TensorSummary& summary);
nlohmann::json to_json(const TensorSummary& summary);

}  // namespace vigil::cli
