// SPDX-License-Identifier: Apache-2.0
// Step hooks: every path of a session (general, planning run, planned run) calls them
// around every step, in nesting order; a hook's replaced output flows downstream; a hook
// that asks for a re-run gets one on the same inputs (with no step written over its
// input, while a hook that only watches keeps the steps that do), and one that never
// accepts ends the inference with an error naming the node.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "abft/abft_options.h"
#include "random_data.h"
#include "runtime/session.h"

namespace vigil {
namespace {

using testing::random_tensor;

Node node(std::string op, std::vector<std::string> inputs, std::vector<std::string> outputs, std::string name) {
  Node n;
  n.op_type = std::move(op);
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.name = std::move(name);
  return n;
}

// x [4, 8] -> Add c -> Neg -> Mul c -> y. Neg may write over the Add's output, which dies there.
std::shared_ptr<Model> chain_model() {
  auto model = std::make_shared<Model>();
  model->opsets[""] = 13;
  Graph& graph = model->graph;
  graph.inputs.push_back({"x", DType::Float32, true, {{4, ""}, {8, ""}}});
  graph.initializers["c"] = random_tensor({4, 8}, 7, 0.5f, 1.5f);
  graph.nodes = {node("Add", {"x", "c"}, {"a"}, "add"), node("Neg", {"a"}, {"n"}, "neg"),
                 node("Mul", {"n", "c"}, {"y"}, "mul")};
  graph.outputs.push_back({"y", DType::Float32, true, {}});
  graph.validate_and_sort();
  return model;
}

// y computed by hand, with `n` replaced by `replacement` where that is not NaN.
std::vector<float> expected_y(const Tensor& x, const Tensor& c, float replacement = NAN) {
  std::vector<float> y(x.numel());
  for (int64_t i = 0; i < x.numel(); ++i) {
    const float n = std::isnan(replacement) ? -(x.data<float>()[i] + c.data<float>()[i]) : replacement;
    y[i] = n * c.data<float>()[i];
  }
  return y;
}

void expect_values(const Tensor& t, const std::vector<float>& expected, const std::string& path) {
  ASSERT_EQ(t.numel(), static_cast<int64_t>(expected.size())) << path;
  for (size_t i = 0; i < expected.size(); ++i) ASSERT_EQ(t.data<float>()[i], expected[i]) << path << " #" << i;
}

// The three paths, in order: general, planning run, planned run.
const char* const kPaths[] = {"general", "planning", "planned"};

Tensor run_path(Session& session, const Tensor& x, int path) {
  if (path == 0) return session.run_values({{"x", x}})[0].tensor();
  std::vector<Tensor> outputs;
  session.run_into({&x}, outputs);
  return outputs[0];
}

// Records what it sees as "<tag>.before/after <node> <attempt>".
class Recorder final : public StepHook {
 public:
  Recorder(std::string tag, std::vector<std::string>& log) : tag_(std::move(tag)), log_(log) {}
  void before_step(const StepEvent& event) override {
    log_.push_back(tag_ + ".before " + event.node.name + " " + std::to_string(event.attempt));
  }
  StepVerdict after_step(StepEvent& event) override {
    EXPECT_FALSE(event.outputs.at(0).empty()) << event.node.name;
    EXPECT_NE(event.inputs.at(0), nullptr) << event.node.name;
    log_.push_back(tag_ + ".after " + event.node.name + " " + std::to_string(event.attempt));
    return StepVerdict::Accept;
  }

 private:
  std::string tag_;
  std::vector<std::string>& log_;
};

TEST(StepHooks, EveryPathCallsThemAroundEveryStepInNestingOrder) {
  Session session(chain_model(), {1, false});
  std::vector<std::string> log;
  Recorder outer("outer", log), inner("inner", log);
  session.add_hook(outer);
  session.add_hook(inner);
  const Tensor x = random_tensor({4, 8}, 1);
  for (int path = 0; path < 3; ++path) {
    log.clear();
    expect_values(run_path(session, x, path), expected_y(x, session.graph().initializers.at("c")), kPaths[path]);
    std::vector<std::string> expected;
    for (const char* name : {"add", "neg", "mul"}) {
      const std::string n = std::string(" ") + name + " 0";
      expected.insert(expected.end(), {"outer.before" + n, "inner.before" + n, "inner.after" + n, "outer.after" + n});
    }
    EXPECT_EQ(log, expected) << kPaths[path];
  }
  session.remove_hook(inner);
  session.remove_hook(outer);
  log.clear();
  run_path(session, x, 2);
  EXPECT_TRUE(log.empty());
}

// Replaces the Neg's output by a tensor of sevens (a new tensor, as a fault injector may).
class Replacer final : public StepHook {
 public:
  StepVerdict after_step(StepEvent& event) override {
    if (event.node.name != "neg") return StepVerdict::Accept;
    Tensor sevens(event.outputs[0].dtype(), event.outputs[0].shape());
    for (int64_t i = 0; i < sevens.numel(); ++i) sevens.data<float>()[i] = 7.0f;
    event.outputs[0] = sevens;
    return StepVerdict::Accept;
  }
};

TEST(StepHooks, AReplacedOutputFlowsDownstreamOnEveryPath) {
  Session session(chain_model(), {1, false});
  const Tensor& c = session.graph().initializers.at("c");
  const Tensor x = random_tensor({4, 8}, 2);
  Replacer replacer;
  {
    const ScopedStepHook replacing(session, replacer);
    for (int path = 0; path < 3; ++path)
      expect_values(run_path(session, x, path), expected_y(x, c, 7.0f), kPaths[path]);
  }
  // The plan's own buffer took the replaced values; the next clean inference overwrites them.
  expect_values(run_path(session, x, 2), expected_y(x, c), "planned, hook removed");
}

// Corrupts the Neg's output in place on its first run and asks for a re-run, as ABFT
// recovery does; records the attempts it saw.
class Recomputer final : public StepHook {
 public:
  StepVerdict after_step(StepEvent& event) override {
    if (event.node.name != "neg") return StepVerdict::Accept;
    attempts.push_back(event.attempt);
    if (event.attempt > 0) return StepVerdict::Accept;
    event.outputs[0].data<float>()[3] = 1e30f;
    return StepVerdict::Rerun;
  }
  std::vector<int> attempts;
};

TEST(StepHooks, ARerunRecomputesTheStepOnItsOriginalInputs) {
  Session session(chain_model(), {1, false});
  const Tensor& c = session.graph().initializers.at("c");
  const Tensor x = random_tensor({4, 8}, 3);
  std::vector<Tensor> outputs;
  session.run_into({&x}, outputs);
  // Planned without hooks, the Neg writes over the Add's output: a re-run would negate twice.
  ASSERT_EQ(session.plan_summary().in_place_steps, 1u);
  Recomputer recomputer;
  {
    const ScopedStepHook recomputing(session, recomputer);
    for (int path : {2, 0, 1, 2}) {
      recomputer.attempts.clear();
      expect_values(run_path(session, x, path), expected_y(x, c), kPaths[path]);
      EXPECT_EQ(recomputer.attempts, (std::vector<int>{0, 1})) << kPaths[path];
    }
    EXPECT_EQ(session.plan_summary().in_place_steps, 0u);
  }
  // The hook removed, the plan made under it stays.
  session.run_into({&x}, outputs);
  EXPECT_EQ(session.plan_summary().in_place_steps, 0u);
  expect_values(outputs[0], expected_y(x, c), "planned after the hook");
}

// A hook that watches outputs only, installed for the planning run (as `vigil bench` and
// `vigil info` measure each layer's cost), keeps the steps that write in place.
TEST(StepHooks, AWatcherKeepsStepsThatWriteInPlace) {
  Session session(chain_model(), {1, false});
  const Tensor& c = session.graph().initializers.at("c");
  const Tensor x = random_tensor({4, 8}, 5);
  std::vector<Tensor> outputs;
  std::vector<std::string> watched;
  StepWatcher watcher([&](const StepEvent& event) { watched.push_back(event.node.name); });
  {
    const ScopedStepHook watching(session, watcher);
    session.run_into({&x}, outputs);
    EXPECT_EQ(session.plan_summary().in_place_steps, 1u);
    expect_values(outputs[0], expected_y(x, c), "planning, watched");
  }
  EXPECT_EQ(watched, (std::vector<std::string>{"add", "neg", "mul"}));
  session.run_into({&x}, outputs);
  EXPECT_EQ(session.plan_summary().in_place_steps, 1u);
  expect_values(outputs[0], expected_y(x, c), "planned");
}

// ABFT's checker re-runs steps in correct mode and duplicates them under full; in detect
// mode it reads the products' tallies only, and the plan keeps writing in place.
TEST(StepHooks, AbftDetectModeKeepsStepsThatWriteInPlace) {
  const Tensor x = random_tensor({4, 8}, 8);
  const struct {
    abft::Options abft;
    size_t in_place;
  } cases[] = {{{abft::Scheme::Fused, abft::Mode::Detect}, 1},
               {{abft::Scheme::Separate, abft::Mode::Detect}, 1},
               {{abft::Scheme::Fused, abft::Mode::Correct}, 0},
               {{abft::Scheme::Full, abft::Mode::Detect}, 0}};
  for (const auto& c : cases) {
    Session session(chain_model(), SessionOptions{1, false, c.abft});
    std::vector<Tensor> outputs;
    session.run_into({&x}, outputs);
    session.run_into({&x}, outputs);
    EXPECT_EQ(session.plan_summary().in_place_steps, c.in_place)
        << abft::scheme_name(c.abft.scheme) << " " << abft::mode_name(c.abft.mode);
    expect_values(outputs[0], expected_y(x, session.graph().initializers.at("c")), abft::scheme_name(c.abft.scheme));
  }
}

// Asks for a re-run while saying it reads no inputs after a step: the inputs may be gone.
class DishonestRecomputer final : public StepHook {
 public:
  StepVerdict after_step(StepEvent& event) override {
    return event.node.name == "neg" && event.attempt == 0 ? StepVerdict::Rerun : StepVerdict::Accept;
  }
  bool reads_inputs_after_step() const override { return false; }
};

TEST(StepHooks, ARerunFromAHookThatReadsNoInputsIsAnInternalError) {
  Session session(chain_model(), {1, false});
  const Tensor x = random_tensor({4, 8}, 6);
  DishonestRecomputer hook;
  const ScopedStepHook hooked(session, hook);
  std::vector<Tensor> outputs;
  try {
    session.run_into({&x}, outputs);
    FAIL() << "the rerun went through";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Internal);
    EXPECT_NE(std::string(e.what()).find("node 'neg'"), std::string::npos) << e.what();
  }
}

class Refuser final : public StepHook {
 public:
  StepVerdict after_step(StepEvent& event) override {
    ++runs;
    return event.node.name == "mul" ? StepVerdict::Rerun : StepVerdict::Accept;
  }
  int runs = 0;
};

TEST(StepHooks, AHookThatNeverAcceptsEndsTheInferenceNamingTheNode) {
  Session session(chain_model(), {1, false});
  const Tensor x = random_tensor({4, 8}, 4);
  Refuser refuser;
  const ScopedStepHook refusing(session, refuser);
  for (int path = 0; path < 2; ++path) {
    refuser.runs = 0;
    try {
      run_path(session, x, path);
      FAIL() << kPaths[path] << ": no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::BadInput);
      EXPECT_NE(std::string(e.what()).find("'mul'"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("16 times"), std::string::npos) << e.what();
    }
    EXPECT_EQ(refuser.runs, 2 + kMaxStepRuns) << kPaths[path];
  }
}

// Once armed, replaces the Add's output by one of another shape.
class Reshaper final : public StepHook {
 public:
  StepVerdict after_step(StepEvent& event) override {
    if (armed && event.node.name == "add") event.outputs[0] = random_tensor({2, 16}, 9);
    return StepVerdict::Accept;
  }
  bool armed = false;
};

TEST(StepHooks, APlannedOutputCannotBeReplacedByAnotherShape) {
  Session session(chain_model(), {1, false});
  const Tensor x = random_tensor({4, 8}, 5);
  std::vector<Tensor> outputs;
  Reshaper reshaper;
  const ScopedStepHook reshaping(session, reshaper);
  session.run_into({&x}, outputs);  // plans
  reshaper.armed = true;
  try {
    session.run_into({&x}, outputs);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'add'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("float32[2, 16]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vigil
