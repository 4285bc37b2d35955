// SPDX-License-Identifier: Apache-2.0
// Generator operators: Constant's attribute variants, ConstantOfShape, Range, EyeLike.
#include "ops/op_test_util.h"

namespace vigil::testing {

TEST(GeneratorOps, ConstantVariants) {
  expect_tensor<int64_t>(OpRunner("Constant").attr("value_ints", {3, 4}).run1({}), {2}, {3, 4});
  expect_tensor<float>(OpRunner("Constant").attr("value_float", 2.5f).run1({}), {}, {2.5f});
  expect_tensor<double>(OpRunner("Constant").attr("value", make<double>({1, 2}, {1, 2})).run1({}), {1, 2}, {1, 2});
  expect_error(ErrorKind::BadInput, [] { OpRunner("Constant").run1({}); });
  expect_error(ErrorKind::Unsupported, [] { OpRunner("Constant").attr("value_strings", {}).run1({}); });
}

TEST(GeneratorOps, ConstantOfShape) {
  expect_tensor<float>(OpRunner("ConstantOfShape").run1({ints({2, 1})}), {2, 1}, {0, 0});
  expect_tensor<int32_t>(OpRunner("ConstantOfShape").attr("value", make<int32_t>({1}, {7})).run1({ints({3})}), {3},
                         {7, 7, 7});
  expect_tensor<int32_t>(OpRunner("ConstantOfShape").attr("value", make<int32_t>({1}, {7})).run1({ints({0})}), {0}, {});
}

TEST(GeneratorOps, Range) {
  expect_tensor<int32_t>(
      OpRunner("Range").run1({make<int32_t>({}, {10}), make<int32_t>({}, {4}), make<int32_t>({}, {-3})}), {2}, {10, 7});
  expect_tensor<float>(OpRunner("Range").run1({make<float>({}, {0}), make<float>({}, {1}), make<float>({}, {0.4f})}),
                       {3}, {0, 0.4f, 0.8f});
  expect_tensor<int64_t>(
      OpRunner("Range").run1({make<int64_t>({}, {5}), make<int64_t>({}, {1}), make<int64_t>({}, {1})}), {0}, {});
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("Range").run1({make<int64_t>({}, {0}), make<int64_t>({}, {1}), make<int64_t>({}, {0})});
  });
}

TEST(GeneratorOps, EyeLike) {
  const Tensor x = make<float>({2, 3}, std::vector<float>(6));
  expect_tensor<float>(OpRunner("EyeLike").run1({x}), {2, 3}, {1, 0, 0, 0, 1, 0});
  expect_tensor<int64_t>(
      OpRunner("EyeLike").attr("k", -1).attr("dtype", 7).run1({make<float>({3, 2}, std::vector<float>(6))}), {3, 2},
      {0, 0, 1, 0, 0, 1});
  expect_error(ErrorKind::BadInput, [] { OpRunner("EyeLike").run1({make<float>({2}, {0, 0})}); });
}

}  // namespace vigil::testing
