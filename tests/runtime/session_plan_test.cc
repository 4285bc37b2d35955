// SPDX-License-Identifier: Apache-2.0
// The session's planned path: the planning run and the planned runs after it give the
// results of the general path, a new input shape replans, results handed out earlier are
// not overwritten, and the arena is smaller than the tensors it holds.
#include <gtest/gtest.h>

#include <random>

#include "graph_nodes.h"
#include "random_data.h"
#include "runtime/session.h"

namespace vigil {
namespace {

using testing::random_tensor;

using testing::node;

// x [batch, 32] -> MatMul w1 -> Relu -> MatMul w2 -> Add (residual of the first product) -> y.
std::shared_ptr<Model> mlp_model() {
  auto model = std::make_shared<Model>();
  model->opsets[""] = 13;
  Graph& graph = model->graph;
  graph.inputs.push_back({"x", DType::Float32, true, {{-1, "batch"}, {32, ""}}});
  graph.initializers["w1"] = random_tensor({32, 48}, 1);
  graph.initializers["w2"] = random_tensor({48, 48}, 2);
  graph.nodes = {node("MatMul", {"x", "w1"}, {"h1"}), node("Relu", {"h1"}, {"r1"}),
                 node("MatMul", {"r1", "w2"}, {"h2"}), node("Add", {"h2", "h1"}, {"s"}),
                 node("MatMul", {"s", "w2"}, {"y"})};
  graph.outputs.push_back({"y", DType::Float32, true, {}});
  graph.validate_and_sort();
  return model;
}

// The general path's answer: a fresh session's first run.
Tensor reference(const std::shared_ptr<Model>& model, const Tensor& x) {
  Session fresh(model);
  return fresh.run_values({{"x", x}})[0].tensor();
}

void expect_equal(const Tensor& a, const Tensor& b) {
  ASSERT_EQ(a.shape(), b.shape());
  for (int64_t i = 0; i < a.numel(); ++i) ASSERT_EQ(a.data<float>()[i], b.data<float>()[i]) << i;
}

TEST(SessionPlan, PlannedRunsMatchTheGeneralPath) {
  const auto model = mlp_model();
  Session session(model, {2});
  std::vector<Tensor> outputs;
  for (uint32_t seed = 10; seed < 14; ++seed) {
    const Tensor x = random_tensor({3, 32}, seed);
    session.run_into({&x}, outputs);
    expect_equal(outputs[0], reference(model, x));
  }
  const Session::PlanSummary summary = session.plan_summary();
  EXPECT_EQ(summary.steps, 5u);
  EXPECT_GE(summary.planned_steps, 3u);  // the MatMuls at least
  EXPECT_GT(summary.arena_bytes, 0u);
  EXPECT_LE(summary.arena_bytes, summary.tensor_bytes);
}

TEST(SessionPlan, ANewInputShapeReplans) {
  const auto model = mlp_model();
  Session session(model);
  for (int64_t batch : {1, 5, 5, 2, 5}) {
    const Tensor x = random_tensor({batch, 32}, static_cast<uint32_t>(batch));
    const std::vector<Tensor> y = session.run({{"x", x}});
    expect_equal(y[0], reference(model, x));
  }
}

TEST(SessionPlan, ResultsHandedOutAreNotOverwritten) {
  const auto model = mlp_model();
  Session session(model);
  const Tensor x1 = random_tensor({2, 32}, 20), x2 = random_tensor({2, 32}, 21);
  const Tensor first = session.run({{"x", x1}})[0];
  const Tensor second = session.run({{"x", x1}})[0];
  session.run({{"x", x2}});
  expect_equal(first, reference(model, x1));
  expect_equal(second, reference(model, x1));
}

// h1 is read only by a Reshape (a view, no planned path) whose result is read at the end:
// h1's buffer must outlive the view, not be reused by h2 and h3.
TEST(SessionPlan, ViewsKeepTheirBufferAlive) {
  auto model = std::make_shared<Model>();
  model->opsets[""] = 13;
  Graph& graph = model->graph;
  graph.inputs.push_back({"x", DType::Float32, true, {{4, ""}, {32, ""}}});
  graph.initializers["w"] = random_tensor({32, 32}, 3);
  graph.initializers["shape"] = Tensor::from_vector<int64_t>({2}, {8, 16});
  graph.initializers["back"] = Tensor::from_vector<int64_t>({2}, {4, 32});
  graph.nodes = {node("MatMul", {"x", "w"}, {"h1"}),     node("Reshape", {"h1", "shape"}, {"v"}),
                 node("MatMul", {"x", "w"}, {"h2"}),     node("MatMul", {"h2", "w"}, {"h3"}),
                 node("Reshape", {"v", "back"}, {"v2"}), node("Add", {"v2", "h3"}, {"y"})};
  graph.outputs.push_back({"y", DType::Float32, true, {}});
  graph.validate_and_sort();
  Session session(model);
  std::vector<Tensor> outputs;
  for (uint32_t seed = 30; seed < 33; ++seed) {
    const Tensor x = random_tensor({4, 32}, seed);
    session.run_into({&x}, outputs);
    expect_equal(outputs[0], reference(model, x));
  }
}

TEST(SessionPlan, BadFeedsAreStillRefusedAfterPlanning) {
  Session session(mlp_model());
  const Tensor x = random_tensor({2, 32}, 22);
  std::vector<Tensor> outputs;
  session.run_into({&x}, outputs);
  const Tensor wrong = random_tensor({2, 31}, 23);
  EXPECT_THROW(session.run_into({&wrong}, outputs), Error);
  EXPECT_THROW(session.run_into({}, outputs), Error);
}

}  // namespace
}  // namespace vigil
