// SPDX-License-Identifier: Apache-2.0
// Steady-state inference allocates nothing: after the first inference with given input
// shapes, Session::run_into with the same shapes makes no heap allocation at all (counted
// by the replaced allocator), on the shipped Fashion-MNIST model with one and two threads
// and with a step hook installed, and on an MLP whose products split over two threads,
// checked by ABFT. A helper thread that first runs after warm-up (the operating system ran
// none during it) allocates nothing either, nor does one that the operating system starts
// late. Every step must be planned for that, which the test also checks.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <random>
#include <thread>

#include "counting_allocator.h"
#include "graph_nodes.h"
#include "held_helpers.h"
#include "onnx_io/model_import.h"
#include "runtime/session.h"

namespace vigil {
namespace {

Tensor random_images(int64_t batch, uint32_t seed) {
  Tensor t(DType::Float32, {batch, 1, 28, 28});
  std::mt19937 engine(seed);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = uniform(engine);
  return t;
}

// A hook that only counts the steps it sees.
class StepCounter final : public StepHook {
 public:
  StepVerdict after_step(StepEvent&) override {
    ++steps;
    return StepVerdict::Accept;
  }
  long steps = 0;
};

using testing::node;

Tensor random_matrix(int64_t rows, int64_t columns, uint32_t seed) {
  Tensor t(DType::Float32, {rows, columns});
  std::mt19937 engine(seed);
  std::uniform_real_distribution<float> uniform(-0.05f, 0.05f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = uniform(engine);
  return t;
}

// The images flattened -> MatMul 784 x 512 -> Relu -> MatMul 512 x 256: products large
// enough to split over two threads.
std::shared_ptr<Model> mlp_model() {
  auto model = std::make_shared<Model>();
  model->opsets[""] = 13;
  Graph& graph = model->graph;
  graph.inputs.push_back({"x", DType::Float32, true, {{-1, "batch"}, {1, ""}, {28, ""}, {28, ""}}});
  graph.initializers["w1"] = random_matrix(784, 512, 3);
  graph.initializers["w2"] = random_matrix(512, 256, 4);
  graph.nodes = {node("Flatten", {"x"}, {"f"}), node("MatMul", {"f", "w1"}, {"h"}), node("Relu", {"h"}, {"r"}),
                 node("MatMul", {"r", "w2"}, {"y"})};
  graph.outputs.push_back({"y", DType::Float32, true, {}});
  graph.validate_and_sort();
  return model;
}

// The images -> Conv 3x3 to 32 channels -> Relu -> depthwise 3x3 -> Relu: depthwise planes
// run on whichever thread takes them, each with its ring of padded rows.
std::shared_ptr<Model> depthwise_model() {
  auto model = std::make_shared<Model>();
  model->opsets[""] = 13;
  Graph& graph = model->graph;
  graph.inputs.push_back({"x", DType::Float32, true, {{-1, "batch"}, {1, ""}, {28, ""}, {28, ""}}});
  graph.initializers["w1"] = random_matrix(32, 9, 5).reshaped({32, 1, 3, 3});
  graph.initializers["wd"] = random_matrix(32, 9, 6).reshaped({32, 1, 3, 3});
  graph.nodes = {testing::conv("x", "w1", "c", 1, 1), node("Relu", {"c"}, {"r"}),
                 testing::conv("r", "wd", "d", 1, 1, 1, 32), node("Relu", {"d"}, {"y"})};
  graph.outputs.push_back({"y", DType::Float32, true, {}});
  graph.validate_and_sort();
  return model;
}

void expect_steady_state_allocates_nothing(int threads, int64_t batch, bool hooked = false,
                                           abft::Scheme scheme = abft::Scheme::Off,
                                           std::shared_ptr<Model> model = nullptr,
                                           bool helpers_held_in_warm_up = false) {
  if (!model) model = load_model(VIGIL_SOURCE_DIR "/models/fashion_mnist_cnn.onnx");
  abft::Options checks;
  checks.scheme = scheme;
  Session session(model, {threads, true, checks});
  StepCounter counter;
  if (hooked) session.add_hook(counter);
  const Tensor first = random_images(batch, 1), second = random_images(batch, 2);
  std::vector<Tensor> outputs;
  const std::vector<const Tensor*> first_inputs{&first}, inputs{&second};
  {
    std::optional<testing::HeldHelpers> held;
    if (helpers_held_in_warm_up) held.emplace();
    session.run_into(first_inputs, outputs);  // plans
    session.run_into(inputs, outputs);        // grows per-thread scratch to its final size
  }
  const Tensor expected = outputs[0].clone();
  testing::start_counting_allocations();
  for (int run = 0; run < 3; ++run) session.run_into(inputs, outputs);
  const long allocations = testing::stop_counting_allocations();
  EXPECT_EQ(allocations, 0) << threads << " threads, batch " << batch;
  if (hooked) {
    EXPECT_EQ(counter.steps, 5 * static_cast<long>(session.step_count()));
  }
  const Session::PlanSummary plan = session.plan_summary();
  EXPECT_EQ(plan.planned_steps, plan.steps);
  for (int64_t i = 0; i < expected.numel(); ++i) ASSERT_EQ(outputs[0].data<float>()[i], expected.data<float>()[i]);
}

TEST(SteadyState, FashionMnistOneThreadAllocatesNothing) { expect_steady_state_allocates_nothing(1, 1); }
TEST(SteadyState, FashionMnistTwoThreadsBatch8AllocatesNothing) { expect_steady_state_allocates_nothing(2, 8); }

TEST(SteadyState, AStepHookAllocatesNothingEither) { expect_steady_state_allocates_nothing(2, 8, true); }
// Checked products on two threads: every worker's sums are grown alike after each product.
TEST(SteadyState, AbftChecksAllocateNothingEither) {
  for (const abft::Scheme scheme : {abft::Scheme::Fused, abft::Scheme::Separate}) {
    expect_steady_state_allocates_nothing(2, 64, false, scheme, mlp_model());
  }
}

// Winograd's products run inside its parallel loop, on whichever thread takes a block, and
// depthwise planes on whichever thread takes a channel.
TEST(SteadyState, HelpersThatFirstRunAfterWarmUpAllocateNothing) {
  for (const abft::Scheme scheme : {abft::Scheme::Off, abft::Scheme::Fused}) {
    expect_steady_state_allocates_nothing(2, 64, false, scheme, nullptr, true);
    expect_steady_state_allocates_nothing(2, 64, false, scheme, depthwise_model(), true);
  }
}

// On one core a new thread may first run long after the loop that made it; its start
// allocates, so the pool waits for it. A child process has a pool of its own, with no
// helpers yet.
TEST(SteadyState, ANewHelperHasBegunWhenItsFirstLoopEnds) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(sched_getcpu(), &one);
    sched_setaffinity(0, sizeof(one), &one);
    std::atomic<int64_t> sum{0};
    parallel_for(64, 2, [&](int64_t i) { sum.fetch_add(i, std::memory_order_relaxed); });
    testing::start_counting_allocations();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the helper runs now if it has not yet
    _exit(testing::stop_counting_allocations() == 0 && sum == 64 * 63 / 2 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the new helper allocated after its loop";
}

TEST(SteadyState, TheCounterSeesAllocations) {
  testing::start_counting_allocations();
  Tensor t(DType::Float32, {16});
  const long allocations = testing::stop_counting_allocations();
  EXPECT_GE(allocations, 1);
}

}  // namespace
}  // namespace vigil
