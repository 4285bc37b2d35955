// StringNormalizer, and string tensors refused by operators that move raw bytes.
#include <gtest/gtest.h>

#include "ops/elementwise_test_util.h"

namespace vigil {
namespace {

using testing::error_kind;
using testing::int_attribute;
using testing::run_one;
using testing::string_attribute;
using testing::values;

Attribute strings_attribute(std::vector<std::string> words) {
  Attribute a;
  a.type = AttributeType::Strings;
  a.strings = std::move(words);
  return a;
}

testing::OpCall normalizer(const std::string& action, bool case_sensitive, std::vector<std::string> stopwords) {
  return {"StringNormalizer",
          {{"case_change_action", string_attribute(action)},
           {"is_case_sensitive", int_attribute(case_sensitive)},
           {"stopwords", strings_attribute(std::move(stopwords))}}};
}

TEST(StringOps, NormalizerDropsStopwordsAndChangesCase) {
  const Tensor x = Tensor::from_vector<std::string>({4}, {"Monday", "monday", "Tuesday", "a1-B"});
  // Case-sensitive: only the exact "monday" goes.
  Tensor y = run_one(normalizer("UPPER", true, {"monday"}), {x});
  EXPECT_EQ(y.shape(), (Shape{3}));
  EXPECT_EQ(values<std::string>(y), (std::vector<std::string>{"MONDAY", "TUESDAY", "A1-B"}));
  // Case-insensitive: both spellings go.
  y = run_one(normalizer("LOWER", false, {"MONDAY"}), {x});
  EXPECT_EQ(values<std::string>(y), (std::vector<std::string>{"tuesday", "a1-b"}));
  y = run_one(normalizer("NONE", false, {}), {x});
  EXPECT_EQ(values<std::string>(y), values<std::string>(x));
}

TEST(StringOps, NormalizerKeepsTheRowShapeAndLeavesOneEmptyString) {
  const Tensor row = Tensor::from_vector<std::string>({1, 3}, {"a", "B", "c"});
  Tensor y = run_one(normalizer("NONE", false, {"b"}), {row});
  EXPECT_EQ(y.shape(), (Shape{1, 2}));
  EXPECT_EQ(values<std::string>(y), (std::vector<std::string>{"a", "c"}));
  y = run_one(normalizer("NONE", false, {"a", "b", "c"}), {row});
  EXPECT_EQ(y.shape(), (Shape{1, 1}));
  EXPECT_EQ(values<std::string>(y), (std::vector<std::string>{""}));
  y = run_one(normalizer("LOWER", true, {"x"}), {Tensor::from_vector<std::string>({1}, {"x"})});
  EXPECT_EQ(y.shape(), (Shape{1}));
  EXPECT_EQ(values<std::string>(y), (std::vector<std::string>{""}));
}

TEST(StringOps, NormalizerRejectsBadInputs) {
  EXPECT_EQ(error_kind(normalizer("NONE", false, {}), {Tensor::from_vector<std::string>({2, 2}, {"a", "b", "c", "d"})}),
            ErrorKind::BadInput);
  EXPECT_EQ(error_kind(normalizer("NONE", false, {}), {Tensor::from_vector<float>({1}, {1})}), ErrorKind::BadInput);
  EXPECT_EQ(error_kind(normalizer("TITLE", false, {}), {}), ErrorKind::BadInput);
  EXPECT_EQ(error_kind({"StringNormalizer", {{"locale", string_attribute("fr_FR")}}}, {}), ErrorKind::Unsupported);
}

TEST(StringOps, ByteMovingOperatorsRefuseStrings) {
  const Tensor x = Tensor::from_vector<std::string>({2, 2}, {"a", "b", "c", "d"});
  EXPECT_EQ(error_kind({"Transpose"}, {x}), ErrorKind::Unsupported);
  EXPECT_EQ(error_kind({"Concat", {{"axis", int_attribute(0)}}}, {x, x}), ErrorKind::Unsupported);
  EXPECT_EQ(error_kind({"Gather"}, {x, Tensor::from_vector<int64_t>({1}, {1})}), ErrorKind::Unsupported);
  EXPECT_EQ(error_kind({"Compress", {{"axis", int_attribute(0)}}}, {x, Tensor::from_vector<bool>({2}, {false, true})}),
            ErrorKind::Unsupported);
  EXPECT_EQ(error_kind({"Add"}, {x, x}), ErrorKind::Unsupported);
}

}  // namespace
}  // namespace vigil
