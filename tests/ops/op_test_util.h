// SPDX-License-Identifier: Apache-2.0
// The one helper of the operator unit tests: build a single node with attributes, create
// its operator through the registry at a chosen opset, as a session would, run it on
// tensors, and check what comes out against hand-computed values.
//
//   const Tensor y = OpRunner("Conv", 11).attr("group", 2).attr("pads", {1, 1}).run1({x, w});
//   expect_near(y, {3, 5, 7});
//   expect_error(ErrorKind::BadInput, [&] { OpRunner("Gather").run1({x, ints({9})}); });
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <concepts>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"
#include "graph/graph.h"
#include "ops/registry.h"

namespace vigil::testing {

class OpRunner {
 public:
  explicit OpRunner(std::string op_type, int64_t opset = 17) : opset_(opset) {
    node_.name = "test";
    node_.op_type = std::move(op_type);
    node_.attributes.set_owner(node_.describe());
  }

  // ONNX attributes are typed: an integer literal makes an INT, a float one a FLOAT.
  template <std::integral I>
  requires(!std::same_as<I, bool>) OpRunner& attr(const std::string& name, I value) {
    Attribute a = typed(AttributeType::Int);
    a.i = static_cast<int64_t>(value);
    return set(name, std::move(a));
  }
  template <std::floating_point F>
  OpRunner& attr(const std::string& name, F value) {
    Attribute a = typed(AttributeType::Float);
    a.f = static_cast<float>(value);
    return set(name, std::move(a));
  }
  OpRunner& attr(const std::string& name, std::string value) {
    Attribute a = typed(AttributeType::String);
    a.s = std::move(value);
    return set(name, std::move(a));
  }
  // A braced list of integers, {1, 1}, makes INTS; FLOATS take an explicit std::vector<float>.
  OpRunner& attr(const std::string& name, std::initializer_list<int64_t> value) {
    Attribute a = typed(AttributeType::Ints);
    a.ints = value;
    return set(name, std::move(a));
  }
  OpRunner& attr(const std::string& name, std::vector<float> value) {
    Attribute a = typed(AttributeType::Floats);
    a.floats = std::move(value);
    return set(name, std::move(a));
  }
  OpRunner& attr(const std::string& name, std::vector<std::string> value) {
    Attribute a = typed(AttributeType::Strings);
    a.strings = std::move(value);
    return set(name, std::move(a));
  }
  OpRunner& attr(const std::string& name, const Tensor& value) {
    Attribute a = typed(AttributeType::Tensor);
    a.t = value;
    return set(name, std::move(a));
  }

  // The thread count the operator is created with (a session's intra-op threads).
  OpRunner& threads(int count) {
    threads_ = count;
    return *this;
  }

  // The operator's domain ("" for ONNX, "vigil" for the fused nodes).
  OpRunner& domain(std::string name) {
    node_.domain = std::move(name);
    return *this;
  }
  // Input `index` is a constant (an initializer) that the operator sees at creation, as
  // weights are: operators may pack it then.
  OpRunner& constant(size_t index) {
    constants_.push_back(index);
    return *this;
  }

  // Runs on `inputs` (an empty Tensor is an omitted optional input) and returns all
  // `outputs` output slots.
  std::vector<Tensor> run(const std::vector<Tensor>& inputs, size_t outputs = 1) const {
    const OpFactory factory = OpRegistry::instance().find(node_.domain, node_.op_type);
    if (!factory) fail_internal("operator ", node_.op_type, " is not registered");
    Node node = node_;
    for (size_t i = 0; i < inputs.size(); ++i)
      node.inputs.push_back(inputs[i].empty() ? "" : "input" + std::to_string(i));
    auto find_constant = [&](const std::string& name) -> const Tensor* {
      for (size_t i : constants_) {
        if (i < inputs.size() && node.inputs[i] == name) return &inputs[i];
      }
      return nullptr;
    };
    const OpCreateInfo info{node, opset_, nullptr, find_constant, threads_};
    const auto op = factory(info);
    OpInputs in;
    for (const Tensor& t : inputs) in.push_back(t.empty() ? nullptr : &t);
    OpOutputs out(outputs);
    op->run(in, out);
    return out;
  }
  Tensor run1(const std::vector<Tensor>& inputs) const { return run(inputs).at(0); }

 private:
  static Attribute typed(AttributeType type) {
    Attribute a;
    a.type = type;
    return a;
  }
  OpRunner& set(const std::string& name, Attribute value) {
    node_.attributes.set(name, std::move(value));
    return *this;
  }

  Node node_;
  int64_t opset_;
  int threads_ = 1;
  std::vector<size_t> constants_;
};

template <class T>
Tensor make(Shape shape, const std::vector<T>& values) {
  return Tensor::from_vector<T>(std::move(shape), values);
}
// A 1-D int64 tensor, the usual form of shape, axes and index inputs.
inline Tensor ints(const std::vector<int64_t>& values) {
  return make<int64_t>({static_cast<int64_t>(values.size())}, values);
}

// The elements of `t` as T; a dtype other than T's fails the test and gives none.
template <class T = float>
std::vector<T> values(const Tensor& t) {
  EXPECT_EQ(t.dtype(), dtype_of<T>());
  if (t.dtype() != dtype_of<T>()) return {};
  const T* data = t.data<T>();
  return std::vector<T>(data, data + t.numel());
}

namespace detail {
// NaN expects NaN and infinity expects itself; anything else may be off by `tolerance`.
inline void expect_element_near(double actual, double expected, double tolerance, size_t index) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << "element " << index;
  } else if (std::isinf(expected)) {
    EXPECT_EQ(actual, expected) << "element " << index;
  } else {
    EXPECT_NEAR(actual, expected, tolerance) << "element " << index;
  }
}
}  // namespace detail

// Element-wise closeness, with the sizes compared first.
inline void expect_near(const std::vector<float>& actual, const std::vector<float>& expected, float tolerance = 1e-5f) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) detail::expect_element_near(actual[i], expected[i], tolerance, i);
}
// The same for a float32 tensor of any shape.
inline void expect_near(const Tensor& actual, const std::vector<float>& expected, float tolerance = 1e-5f) {
  ASSERT_EQ(actual.dtype(), DType::Float32);
  expect_near(values<float>(actual), expected, tolerance);
}

// Checks dtype, shape and the elements: exactly, or within 1e-5 for floating types.
template <class T>
void expect_tensor(const Tensor& t, const Shape& shape, const std::vector<T>& expected) {
  ASSERT_EQ(t.dtype(), dtype_of<T>());
  ASSERT_EQ(t.shape(), shape);
  const std::vector<T> got = values<T>(t);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if constexpr (std::is_floating_point_v<T>) {
      detail::expect_element_near(got[i], expected[i], 1e-5, i);
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
