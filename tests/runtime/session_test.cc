// SPDX-License-Identifier: Apache-2.0
// Sessions: feeds checked against declared types and (symbolic) shapes.
#include "runtime/session.h"

#include <gtest/gtest.h>

namespace vigil {

namespace {
// A graph with no nodes whose outputs are its inputs: tests the session's plumbing alone.
std::shared_ptr<Model> passthrough_model() {
  auto model = std::make_shared<Model>();
  model->opsets[""] = 13;
  Graph& graph = model->graph;
  graph.inputs.push_back({"a", DType::Float32, true, {{-1, "batch"}, {3, ""}}});
  graph.inputs.push_back({"b", DType::Float32, true, {{-1, "batch"}}});
  graph.outputs.push_back({"a", DType::Float32, true, {}});
  graph.validate_and_sort();
  return model;
}

std::string run_error(Session& session, std::map<std::string, Tensor> feeds) {
  try {
    session.run(feeds);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Session, ChecksFeeds) {
  Session session(passthrough_model());
  const Tensor a(DType::Float32, {2, 3});
  EXPECT_EQ(session.run({{"a", a}, {"b", Tensor(DType::Float32, {2})}})[0].shape(), (Shape{2, 3}));
  EXPECT_NE(run_error(session, {{"a", a}}).find("input 'b' is required"), std::string::npos);
  EXPECT_NE(run_error(session, {{"a", a}, {"b", Tensor(DType::Float32, {5})}}).find("dimension 'batch' is 5"),
            std::string::npos);
  EXPECT_NE(run_error(session, {{"a", Tensor(DType::Float32, {2, 4})}, {"b", Tensor(DType::Float32, {2})}})
                .find("input 'a': expected float32[batch, 3], got float32[2, 4]"),
            std::string::npos);
  EXPECT_NE(run_error(session, {{"a", Tensor(DType::Int32, {2, 3})}, {"b", Tensor(DType::Float32, {2})}})
                .find("got int32[2, 3]"),
            std::string::npos);
  EXPECT_NE(run_error(session, {{"a", a}, {"b", Tensor(DType::Float32, {2})}, {"c", a}}).find("'c' is not an input"),
            std::string::npos);
}

}  // namespace vigil
