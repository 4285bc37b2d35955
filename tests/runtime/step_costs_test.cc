// SPDX-License-Identifier: Apache-2.0
// Step costs and the step timer: one cost per step in execution order with the shapes the
// run really saw, and per-step times that are positive and fit inside the inference.
#include "runtime/step_costs.h"

#include <gtest/gtest.h>

#include <chrono>

#include "graph_nodes.h"
#include "random_data.h"
#include "runtime/step_timer.h"

namespace vigil {
namespace {

using testing::random_tensor;

using testing::node;

// x [batch, 32] -> MatMul [32, 48] -> Relu -> MatMul [48, 16] -> y.
std::shared_ptr<Model> mlp_model() {
  auto model = std::make_shared<Model>();
  model->opsets[""] = 13;
  Graph& graph = model->graph;
  graph.inputs.push_back({"x", DType::Float32, true, {{-1, "batch"}, {32, ""}}});
  graph.initializers["w1"] = random_tensor({32, 48}, 1);
  graph.initializers["w2"] = random_tensor({48, 16}, 2);
  graph.nodes = {node("MatMul", {"x", "w1"}, {"h"}), node("Relu", {"h"}, {"r"}), node("MatMul", {"r", "w2"}, {"y"})};
  graph.nodes[0].name = "first";
  graph.outputs.push_back({"y", DType::Float32, true, {}});
  graph.validate_and_sort();
  return model;
}

TEST(StepCosts, OneCostPerStepWithTheShapesOfTheRun) {
  Session session(mlp_model(), {1, false});
  const std::vector<StepCost> costs = measure_step_costs(session, {{"x", random_tensor({5, 32}, 3)}});
  ASSERT_EQ(costs.size(), 3u);
  EXPECT_EQ(costs[0].name, "first");
  EXPECT_EQ(costs[1].name, "r");  // unnamed: its first output's name
  EXPECT_EQ(costs[0].op_type, "MatMul");
  EXPECT_EQ(costs[0].output_shape, "[5, 48]");
  EXPECT_EQ(costs[0].cost.macs, 5 * 48 * 32);
  EXPECT_EQ(costs[1].cost.ops, 5 * 48);
  EXPECT_EQ(costs[2].cost.macs, 5 * 16 * 48);
  EXPECT_FALSE(costs[0].integer);
  const std::vector<Session::StepSummary> steps = session.step_summaries();
  for (size_t s = 0; s < costs.size(); ++s) {
    EXPECT_EQ(costs[s].node, steps[s].node);
    EXPECT_EQ(costs[s].algorithm, steps[s].algorithm);
  }
}

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

TEST(StepTimer, TimesEveryStepOnEveryPathAndStopsWhenRemoved) {
  Session session(mlp_model(), {1, false});
  const Tensor x = random_tensor({64, 32}, 4);
  StepTimer timer(session);
  ASSERT_EQ(timer.seconds().size(), 3u);
  std::vector<Tensor> outputs;
  {
    const ScopedStepHook timing(session, timer);
    // The planning run, then planned runs, then the general path.
    for (int run = 0; run < 3; ++run) {
      const double start = seconds_now();
      if (run < 2) {
        session.run_into({&x}, outputs);
      } else {
        session.run_values({{"x", x}});
      }
      const double elapsed = seconds_now() - start;
      double sum = 0.0;
      for (double s : timer.seconds()) {
        EXPECT_GT(s, 0.0) << "run " << run;
        sum += s;
      }
      EXPECT_LE(sum, elapsed) << "run " << run;
    }
  }
  const std::vector<double> last = timer.seconds();
  session.run_into({&x}, outputs);
  EXPECT_EQ(timer.seconds(), last);
}

}  // namespace
}  // namespace vigil
