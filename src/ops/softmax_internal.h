// SPDX-License-Identifier: Apache-2.0
// Shared by the softmax family files: the softmax kernel (softmax.cc's operators and the
// losses of losses.cc both use it) and the loss factories that softmax.cc registers.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "ops/operator.h"

namespace vigil {

enum class SoftmaxKind { Softmax, LogSoftmax, Hardmax };

// Applies the kind to every line of a tensor viewed as (outer, n, inner): a line is n
// elements at stride `inner`. The maximum is subtracted first so large inputs do not
// overflow; sums are in double.
template <class T>
void softmax_lines(const T* x, T* y, int64_t outer, int64_t n, int64_t inner, SoftmaxKind kind) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const T* in = x + o * n * inner + i;
      T* out = y + o * n * inner + i;
      int64_t arg_max = 0;
      for (int64_t k = 1; k < n; ++k)
        if (in[k * inner] > in[arg_max * inner]) arg_max = k;
      if (kind == SoftmaxKind::Hardmax) {
        for (int64_t k = 0; k < n; ++k) out[k * inner] = T(k == arg_max ? 1 : 0);
        continue;
      }
      const double max = n > 0 ? static_cast<double>(in[arg_max * inner]) : 0.0;
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) sum += std::exp(static_cast<double>(in[k * inner]) - max);
      const double log_sum = std::log(sum);
      for (int64_t k = 0; k < n; ++k) {
        const double shifted = static_cast<double>(in[k * inner]) - max;
        out[k * inner] = static_cast<T>(kind == SoftmaxKind::Softmax ? std::exp(shifted) / sum : shifted - log_sum);
      }
    }
  }
}

std::unique_ptr<Operator> create_negative_log_likelihood_loss(const OpCreateInfo& info);
std::unique_ptr<Operator> create_softmax_cross_entropy_loss(const OpCreateInfo& info);

}  // namespace vigil
