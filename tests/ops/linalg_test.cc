// SPDX-License-Identifier: Apache-2.0
// Det: pivoting, batches, singular matrices, double precision and bad shapes.
#include <gtest/gtest.h>

#include "ops/op_test_util.h"

namespace vigil {
namespace {

using testing::expect_error;
using testing::expect_tensor;
using testing::make;
using testing::OpRunner;

TEST(LinalgOps, DetOfOneMatrix) {
  expect_tensor<float>(OpRunner("Det", 11).run1({make<float>({2, 2}, {1, 2, 3, 4})}), {}, {-2});
  // A zero first pivot needs a row swap: 0 - 1 * (8 - 12) + 2 * (-3 - 0) = -2.
  const Tensor x = make<double>({3, 3}, {0, 1, 2, 1, 0, 3, 4, -3, 8});
  expect_tensor<double>(OpRunner("Det", 11).run1({x}), {}, {-2});
}

TEST(LinalgOps, DetOfABatch) {
  // [2, 1, 2, 2]: an identity scaled by 3 (det 9) and a singular matrix (det 0).
  const Tensor x = make<float>({2, 1, 2, 2}, {3, 0, 0, 3, 1, 2, 2, 4});
  expect_tensor<float>(OpRunner("Det", 11).run1({x}), {2, 1}, {9, 0});
  // An all-zero matrix and a 1x1 one.
  expect_tensor<float>(OpRunner("Det", 11).run1({make<float>({2, 2}, {0, 0, 0, 0})}), {}, {0});
  expect_tensor<float>(OpRunner("Det", 11).run1({make<float>({1, 1}, {-5})}), {}, {-5});
}

TEST(LinalgOps, DetRejectsBadInputs) {
  expect_error(ErrorKind::BadInput, [] { OpRunner("Det", 11).run1({make<float>({2, 3}, {1, 2, 3, 4, 5, 6})}); });
  expect_error(ErrorKind::BadInput, [] { OpRunner("Det", 11).run1({make<float>({2}, {1, 2})}); });
  expect_error(ErrorKind::Unsupported, [] { OpRunner("Det", 11).run1({make<int64_t>({1, 1}, {1})}); });
}

}  // namespace
}  // namespace vigil
