// SPDX-License-Identifier: Apache-2.0
// The frame of the float32 fast operators: an Operator with a planned path for the
// float32 inputs it handles (plan() returns false otherwise) that keeps the reference
// operator of the same node for everything else (other dtypes, unsupported layouts), and
// the thread split of row-wise work. Each fast operator lives beside its reference code
// (unary_ops.cc, binary_ops.cc, softmax.cc, ...).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>

#include "core/thread_pool.h"
#include "ops/operator.h"

namespace vigil {

// Below this many elements a tensor is computed on one thread: a parallel region, and the
// other core then reading half of the result from afar, cost more than they save (the
// transformer encoder's 32 K-element Transposes, Slices and Adds ran 2-4x slower on two
// threads than on one).
constexpr int64_t kParallelMinElements = 128 * 1024;

class F32FastOperator : public Operator {
 public:
  explicit F32FastOperator(std::unique_ptr<Operator> reference) : reference_(std::move(reference)) {}

  // The planned path when plan() accepts the inputs, the reference operator otherwise or
  // when the caller asks for more outputs (optional ones such as MaxPool's Indices) than
  // the fast path computes. Factories also check the node's output names, for sessions.
  void run(const OpInputs& inputs, OpOutputs& outputs) override {
    std::vector<TensorSpec> specs;
    if (!plan(inputs, specs) || outputs.size() > specs.size()) return reference_->run(inputs, outputs);
    for (size_t o = 0; o < specs.size() && o < outputs.size(); ++o) {
      if (specs[o].dtype != DType::Undefined) outputs[o] = Tensor(specs[o].dtype, specs[o].shape);
    }
    execute(inputs, outputs);
  }

 protected:
  static bool is_f32(const OpInputs& inputs, size_t index) {
    return has_input(inputs, index) && inputs[index]->dtype() == DType::Float32;
  }

 private:
  std::unique_ptr<Operator> reference_;
};

// Calls body(begin, end) over [0, count) items of `work_per_item` elements each: in one
// call when the whole is small or threads == 1, else over ranges shared by the threads
// (core/thread_pool.h; kernels inside run single-threaded).
template <class Body>
void parallel_ranges_if_large(int64_t count, int64_t work_per_item, int threads, const Body& body) {
  if (threads <= 1 || count * work_per_item < kParallelMinElements) {
    if (count > 0) body(int64_t{0}, count);
    return;
  }
  parallel_ranges(count, threads, body);
}

}  // namespace vigil
