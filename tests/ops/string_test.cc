// SPDX-License-Identifier: Apache-2.0
// StringNormalizer, and string tensors refused by operators that move raw bytes.
#include <gtest/gtest.h>

#include "ops/op_test_util.h"

namespace vigil {
namespace {

using testing::expect_error;
using testing::OpRunner;
using testing::values;

OpRunner normalizer(const std::string& action, bool case_sensitive, std::vector<std::string> stopwords) {
  return OpRunner("StringNormalizer")
      .attr("case_change_action", action)
      .attr("is_case_sensitive", case_sensitive ? 1 : 0)
      .attr("stopwords", std::move(stopwords));
}

TEST(StringOps, NormalizerDropsStopwordsAndChangesCase) {
  const Tensor x = Tensor::from_vector<std::string>({4}, {"Monday", "monday", "Tuesday", "a1-B"});
  // Case-sensitive: only the exact "monday" goes.
  Tensor y = normalizer("UPPER", true, {"monday"}).run1({x});
  EXPECT_EQ(y.shape(), (Shape{3}));
  EXPECT_EQ(values<std::string>(y), (std::vector<std::string>{"MONDAY", "TUESDAY", "A1-B"}));
  // Case-insensitive: both spellings go.
  y = normalizer("LOWER", false, {"MONDAY"}).run1({x});
  EXPECT_EQ(values<std::string>(y), (std::vector<std::string>{"tuesday", "a1-b"}));
  y = normalizer("NONE", false, {}).run1({x});
  EXPECT_EQ(values<std::string>(y), values<std::string>(x));
}

TEST(StringOps, NormalizerKeepsTheRowShapeAndLeavesOneEmptyString) {
  const Tensor row = Tensor::from_vector<std::string>({1, 3}, {"a", "B", "c"});
  Tensor y = normalizer("NONE", false, {"b"}).run1({row});
  EXPECT_EQ(y.shape(), (Shape{1, 2}));
  EXPECT_EQ(values<std::string>(y), (std::vector<std::string>{"a", "c"}));
  y = normalizer("NONE", false, {"a", "b", "c"}).run1({row});
  EXPECT_EQ(y.shape(), (Shape{1, 1}));
  EXPECT_EQ(values<std::string>(y), (std::vector<std::string>{""}));
  y = normalizer("LOWER", true, {"x"}).run1({Tensor::from_vector<std::string>({1}, {"x"})});
  EXPECT_EQ(y.shape(), (Shape{1}));
  EXPECT_EQ(values<std::string>(y), (std::vector<std::string>{""}));
}

TEST(StringOps, NormalizerRejectsBadInputs) {
  expect_error(ErrorKind::BadInput, [&] {
    normalizer("NONE", false, {}).run1({Tensor::from_vector<std::string>({2, 2}, {"a", "b", "c", "d"})});
  });
  expect_error(ErrorKind::BadInput,
               [&] { normalizer("NONE", false, {}).run1({Tensor::from_vector<float>({1}, {1})}); });
  expect_error(ErrorKind::BadInput, [&] { normalizer("TITLE", false, {}).run1({}); });
  expect_error(ErrorKind::Unsupported, [&] { OpRunner("StringNormalizer").attr("locale", "fr_FR").run1({}); });
}

TEST(StringOps, ByteMovingOperatorsRefuseStrings) {
  const Tensor x = Tensor::from_vector<std::string>({2, 2}, {"a", "b", "c", "d"});
  expect_error(ErrorKind::Unsupported, [&] { OpRunner("Transpose").run1({x}); });
  expect_error(ErrorKind::Unsupported, [&] { OpRunner("Concat").attr("axis", 0).run1({x, x}); });
  expect_error(ErrorKind::Unsupported, [&] { OpRunner("Gather").run1({x, Tensor::from_vector<int64_t>({1}, {1})}); });
  expect_error(ErrorKind::Unsupported, [&] {
    OpRunner("Compress").attr("axis", 0).run1({x, Tensor::from_vector<bool>({2}, {false, true})});
  });
  expect_error(ErrorKind::Unsupported, [&] { OpRunner("Add").run1({x, x}); });
}

}  // namespace
}  // namespace vigil
