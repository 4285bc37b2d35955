// SPDX-License-Identifier: Apache-2.0
// Seeded random test data shared by the tests: uniform floats (in [-1, 1] unless told) as
// a vector or a float32 tensor, the same values for the same seed on every run.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "core/tensor.h"

namespace vigil::testing {

inline std::vector<float> random_values(size_t count, uint32_t seed, float low = -1.0f, float high = 1.0f) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<float> uniform(low, high);
  std::vector<float> values(count);
  for (float& v : values) v = uniform(engine);
  return values;
}

inline Tensor random_tensor(Shape shape, uint32_t seed, float low = -1.0f, float high = 1.0f) {
  Tensor t(DType::Float32, std::move(shape));
  const std::vector<float> values = random_values(static_cast<size_t>(t.numel()), seed, low, high);
  std::copy(values.begin(), values.end(), t.data<float>());
  return t;
}

}  // namespace vigil::testing
