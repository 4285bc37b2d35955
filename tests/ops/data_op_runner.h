// Test helper for the data-movement operator families: builds one node with attributes,
// creates its operator through the registry at a chosen opset, runs it on given inputs.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "ops/registry.h"

namespace vigil::testing {

class OpRunner {
 public:
  explicit OpRunner(const std::string& op_type, int64_t opset = 17) : opset_(opset) {
    node_.name = "test";
    node_.op_type = op_type;
  }
  OpRunner& attr(const std::string& name, int64_t value) { return set(name, AttributeType::Int, [&](Attribute& a) { a.i = value; }); }
  OpRunner& attr(const std::string& name, float value) { return set(name, AttributeType::Float, [&](Attribute& a) { a.f = value; }); }
  OpRunner& attr(const std::string& name, const std::string& value) {
    return set(name, AttributeType::String, [&](Attribute& a) { a.s = value; });
  }
  OpRunner& attr(const std::string& name, std::vector<int64_t> value) {
    return set(name, AttributeType::Ints, [&](Attribute& a) { a.ints = value; });
  }
  OpRunner& attr(const std::string& name, std::vector<float> value) {
    return set(name, AttributeType::Floats, [&](Attribute& a) { a.floats = value; });
  }
  OpRunner& attr(const std::string& name, const Tensor& value) {
    return set(name, AttributeType::Tensor, [&](Attribute& a) { a.t = value; });
  }

  // Empty tensors among `inputs` are omitted optional inputs.
  std::vector<Tensor> run(const std::vector<Tensor>& inputs, size_t outputs = 1) {
    OpFactory factory = OpRegistry::instance().find("", node_.op_type);
    if (!factory) throw Error(ErrorKind::Unsupported, "no operator " + node_.op_type);
    OpCreateInfo info{node_, opset_, nullptr, {}, 1};
    auto op = factory(info);
    OpInputs in;
    for (const Tensor& t : inputs) in.push_back(t.empty() ? nullptr : &t);
    OpOutputs out(outputs);
    op->run(in, out);
    return out;
  }
  Tensor run1(const std::vector<Tensor>& inputs) { return run(inputs)[0]; }

 private:
  template <class F>
  OpRunner& set(const std::string& name, AttributeType type, F fill) {
    Attribute a;
    a.type = type;
    fill(a);
    node_.attributes.set(name, a);
    return *this;
  }
  Node node_;
  int64_t opset_;
};

template <class T>
Tensor make(Shape shape, std::vector<T> values) {
  return Tensor::from_vector<T>(std::move(shape), values);
}
inline Tensor ints(std::vector<int64_t> values) {
  const int64_t n = static_cast<int64_t>(values.size());
  return Tensor::from_vector<int64_t>({n}, values);
}

template <class T>
std::vector<T> values_of(const Tensor& t) {
  const T* p = t.data<T>();
  return std::vector<T>(p, p + t.numel());
}

// Checks dtype, shape and (exactly or within 1e-5 for floats) the elements.
template <class T>
void expect_tensor(const Tensor& t, const Shape& shape, const std::vector<T>& expected) {
  ASSERT_EQ(t.dtype(), dtype_of<T>());
  ASSERT_EQ(t.shape(), shape);
  const std::vector<T> got = values_of<T>(t);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if constexpr (std::is_floating_point_v<T>) {
      EXPECT_NEAR(got[i], expected[i], 1e-5) << "element " << i;
    } else {
      EXPECT_EQ(got[i], expected[i]) << "element " << i;
    }
  }
}

// Runs f and expects a vigil::Error of the given kind.
template <class F>
void expect_error(ErrorKind kind, F f) {
  try {
    f();
    ADD_FAILURE() << "no error raised";
  } catch (const Error& e) {
    EXPECT_EQ(static_cast<int>(e.kind()), static_cast<int>(kind)) << e.what();
  }
}

}  // namespace vigil::testing
