// SPDX-License-Identifier: Apache-2.0
// The epilogue of a GEMM or convolution: what happens to each accumulated output before
// it is stored, while it is still in registers or cache. Order: scale the sum, add the
// bias (per row or per column), add the residual (a tensor of the output's shape), then
// apply the activation. Fusion passes (graph/) turn Conv/Gemm/MatMul followed by Add and
// an activation into one node whose operator hands this to the kernel. A tile hook
// (kernels/gemm_tile_hook.h) sees each tile's sums before the epilogue: fused checksums
// and faults in accumulators attach there. Plain values only.
#pragma once

#include <cstdint>

#include "kernels/gemm_tile_hook.h"

namespace vigil::kernels {

enum class Activation {
  None,
  Relu,       // max(x, 0)
  Clip,       // min(max(x, lower), upper)
  LeakyRelu,  // x >= 0 ? x : alpha * x
  Sigmoid,    // 1 / (1 + exp(-x))
  Tanh,
  Gelu,         // x * (1 + erf(x / sqrt 2)) / 2
  HardSigmoid,  // max(0, min(1, alpha * x + beta))
};

struct ActivationSpec {
  Activation kind = Activation::None;
  float alpha = 0.0f;  // Clip: lower bound; LeakyRelu, HardSigmoid: alpha
  float beta = 0.0f;   // Clip: upper bound; HardSigmoid: beta
};

// The activation of one value: the scalar reference that vector kernels are tested against.
float apply_activation(const ActivationSpec& activation, float x);

struct Epilogue {
  float scale = 1.0f;           // multiplies the accumulated product (Gemm alpha)
  const float* bias = nullptr;  // bias[i] for output row i, or bias[j] for column j
  bool bias_per_column = false;
  const float* residual = nullptr;  // residual[i * residual_ld + j] added to output (i, j)
  int64_t residual_ld = 0;
  ActivationSpec activation;
  const F32TileHook* tile_hook = nullptr;  // none: the plain micro-kernel runs
};

}  // namespace vigil::kernels
