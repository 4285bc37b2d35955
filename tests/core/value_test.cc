// SPDX-License-Identifier: Apache-2.0
// Values (tensor, sequence, empty optional) and string tensors.
#include "core/value.h"

#include <gtest/gtest.h>

namespace vigil {

TEST(Value, Kinds) {
  EXPECT_TRUE(Value().empty());
  const Value tensor = Tensor::scalar<float>(2.5f);
  EXPECT_TRUE(tensor.is_tensor());
  EXPECT_FALSE(tensor.is_optional());
  EXPECT_EQ(tensor.tensor().data<float>()[0], 2.5f);
  EXPECT_EQ(tensor.describe(), "a tensor float32[]");

  const Value sequence = Value::sequence({Tensor(DType::Int64, {2}), Tensor(DType::Int64, {3})});
  EXPECT_TRUE(sequence.is_sequence());
  EXPECT_EQ(sequence.elements().size(), 2u);
  EXPECT_EQ(sequence.sequence_type(), DType::Int64);
  EXPECT_EQ(Value::sequence({}, DType::Float64).sequence_type(), DType::Float64);

  // Asking a value for the wrong kind is bad input, naming what was asked for.
  try {
    sequence.tensor("input 'x'");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_STREQ(e.what(), "input 'x' must be a tensor, got a sequence of 2 tensors");
  }
  EXPECT_THROW(tensor.elements(), Error);
}

TEST(Value, Optionals) {
  const Value none = Value::none();
  EXPECT_TRUE(none.is_none());
  EXPECT_TRUE(none.is_optional());
  EXPECT_FALSE(none.empty());
  EXPECT_THROW(none.tensor(), Error);

  const Value some = Value::some(Tensor::scalar<int32_t>(7));
  EXPECT_TRUE(some.is_optional());
  EXPECT_TRUE(some.is_tensor());
  EXPECT_FALSE(some.unwrapped().is_optional());
  EXPECT_EQ(some.unwrapped().tensor().data<int32_t>()[0], 7);
  EXPECT_TRUE(Value::some(Value::sequence({})).is_sequence());
  EXPECT_THROW(Value::some(Value::none()), Error);  // no optional of an optional
}

TEST(Value, StringTensors) {
  Tensor words = Tensor::from_vector<std::string>({2}, {"alpha", "beta"});
  EXPECT_EQ(words.dtype(), DType::String);
  EXPECT_EQ(Tensor(DType::String, {3}).data<std::string>()[2], "");
  Tensor view = words.reshaped({1, 2});
  view.data<std::string>()[0] = "gamma";
  EXPECT_EQ(words.data<std::string>()[0], "gamma");  // views share the strings
  Tensor copy = words.clone();
  copy.data<std::string>()[1] = "delta";
  EXPECT_EQ(words.data<std::string>()[1], "beta");  // clones do not
  // Their elements are not bytes: raw access is refused.
  try {
    words.raw();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
  }
}

}  // namespace vigil
