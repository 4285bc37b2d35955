// SPDX-License-Identifier: Apache-2.0
// Index operators: Gather, GatherElements, GatherND, Scatter*, OneHot, including
// negative and out-of-range indices.
#include "ops/op_test_util.h"

namespace vigil::testing {

TEST(IndexOps, GatherAxisAndNegativeIndices) {
  const Tensor x = make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  expect_tensor<float>(OpRunner("Gather").attr("axis", 1).run1({x, make<int32_t>({2}, {-1, 0})}), {2, 2}, {3, 1, 6, 4});
  expect_tensor<float>(OpRunner("Gather").run1({x, make<int64_t>({}, {1})}), {3}, {4, 5, 6});
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Gather").run1({x, ints({2})}); });
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Gather").run1({x, ints({-3})}); });
}

TEST(IndexOps, GatherElements) {
  const Tensor x = make<int32_t>({2, 2}, {1, 2, 3, 4});
  expect_tensor<int32_t>(OpRunner("GatherElements").attr("axis", 1).run1({x, make<int64_t>({2, 2}, {0, 0, -1, 0})}),
                         {2, 2}, {1, 1, 4, 3});
  expect_error(ErrorKind::BadInput, [&] { OpRunner("GatherElements").run1({x, make<int64_t>({1, 2}, {2, 0})}); });
}

TEST(IndexOps, GatherNDBatchDims) {
  const Tensor x = make<int32_t>({2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7});
  expect_tensor<int32_t>(OpRunner("GatherND").attr("batch_dims", 1).run1({x, make<int64_t>({2, 1}, {1, 0})}), {2, 2},
                         {2, 3, 4, 5});
  expect_tensor<int32_t>(OpRunner("GatherND").run1({x, make<int64_t>({2, 3}, {0, 1, 1, 1, 0, -2})}), {2}, {3, 4});
  expect_error(ErrorKind::BadInput, [&] { OpRunner("GatherND").run1({x, make<int64_t>({1, 2}, {2, 0})}); });
}

TEST(IndexOps, ScatterElementsReductions) {
  const Tensor x = make<float>({1, 3}, {1, 2, 3});
  const Tensor idx = make<int64_t>({1, 2}, {1, 1});
  const Tensor upd = make<float>({1, 2}, {5, 7});
  expect_tensor<float>(OpRunner("ScatterElements").attr("axis", 1).run1({x, idx, upd}), {1, 3}, {1, 7, 3});
  expect_tensor<float>(OpRunner("ScatterElements", 16).attr("axis", 1).attr("reduction", "add").run1({x, idx, upd}),
                       {1, 3}, {1, 14, 3});
  expect_tensor<float>(OpRunner("ScatterElements", 18).attr("axis", 1).attr("reduction", "min").run1({x, idx, upd}),
                       {1, 3}, {1, 2, 3});
  expect_tensor<float>(
      OpRunner("Scatter", 9).attr("axis", 1).run1({x, make<int32_t>({1, 1}, {-3}), make<float>({1, 1}, {9})}), {1, 3},
      {9, 2, 3});
  expect_error(ErrorKind::BadInput, [&] {
    OpRunner("ScatterElements").attr("axis", 1).run1({x, make<int64_t>({1, 1}, {3}), make<float>({1, 1}, {9})});
  });
}

TEST(IndexOps, ScatterNDSlicesAndReductions) {
  const Tensor x = make<int64_t>({2, 2}, {1, 2, 3, 4});
  const Tensor idx = make<int64_t>({2, 1}, {1, 1});
  const Tensor upd = make<int64_t>({2, 2}, {2, 3, 10, 10});
  expect_tensor<int64_t>(OpRunner("ScatterND", 16).attr("reduction", "mul").run1({x, idx, upd}), {2, 2},
                         {1, 2, 60, 120});
  expect_tensor<int64_t>(OpRunner("ScatterND", 18).attr("reduction", "max").run1({x, idx, upd}), {2, 2},
                         {1, 2, 10, 10});
  expect_tensor<int64_t>(OpRunner("ScatterND").run1({x, make<int64_t>({1, 2}, {0, -1}), make<int64_t>({1}, {9})}),
                         {2, 2}, {1, 9, 3, 4});
  expect_error(ErrorKind::BadInput, [&] {
    OpRunner("ScatterND").run1({x, make<int64_t>({1, 1}, {2}), make<int64_t>({1, 2}, {0, 0})});
  });
  expect_error(ErrorKind::BadInput, [&] { OpRunner("ScatterND").run1({x, idx, make<int64_t>({2}, {0, 0})}); });
}

TEST(IndexOps, OneHotAxisAndNegativeIndices) {
  const Tensor indices = make<int64_t>({3}, {0, -1, 5});
  const Tensor depth = make<int64_t>({}, {3});
  const Tensor values = make<float>({2}, {0, 1});
  expect_tensor<float>(OpRunner("OneHot").run1({indices, depth, values}), {3, 3}, {1, 0, 0, 0, 0, 1, 0, 0, 0});
  expect_tensor<float>(OpRunner("OneHot").attr("axis", 0).run1({indices, depth, values}), {3, 3},
                       {1, 0, 0, 0, 0, 0, 0, 1, 0});
}

}  // namespace vigil::testing
