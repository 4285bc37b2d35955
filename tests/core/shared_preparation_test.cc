// SPDX-License-Identifier: Apache-2.0
// The table of prepared weights (core/shared_preparation.h): the same bytes prepared by
// the same recipe are prepared once and shared, by threads preparing at once too; another
// recipe, other bytes with equal values, or other active CPU features prepare anew; an
// entry goes with its last user. Then sessions: two over one model run every float32
// convolution on the same prepared algorithms, and a MatMul on the same packed weights,
// and give the same outputs bit for bit.
#include "core/shared_preparation.h"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "core/cpu_features.h"
#include "graph_nodes.h"
#include "random_data.h"
#include "runtime/session.h"

namespace vigil {
namespace {

struct Packed {
  explicit Packed(float first) : first(first) {}
  float first;
};

// Prepares `weights` by `recipe`, counting the preparations made.
std::shared_ptr<const Packed> prepare(const Tensor& weights, const std::string& recipe, int& made) {
  return shared_preparation<Packed>(weights, recipe, [&] {
    ++made;
    return std::make_unique<Packed>(weights.data<float>()[0]);
  });
}

TEST(SharedPreparation, TheSameBytesAndRecipeArePreparedOnce) {
  const Tensor weights = testing::random_tensor({4, 4}, 1);
  const size_t before = shared_preparations_in_use();
  int made = 0;
  const auto first = prepare(weights, "gemm", made);
  const auto again = prepare(weights, "gemm", made);
  EXPECT_EQ(first.get(), again.get());
  EXPECT_EQ(made, 1);
  EXPECT_EQ(first->first, weights.data<float>()[0]);
  const auto other_recipe = prepare(weights, "winograd", made);
  const auto equal_copy = prepare(weights.clone(), "gemm", made);
  EXPECT_NE(other_recipe.get(), first.get());
  EXPECT_NE(equal_copy.get(), first.get());
  EXPECT_EQ(made, 3);
  EXPECT_EQ(shared_preparations_in_use(), before + 3);  // the clone lives as long as its user
}

TEST(SharedPreparation, AnEntryGoesWithItsLastUser) {
  const Tensor weights = testing::random_tensor({8}, 2);
  const size_t before = shared_preparations_in_use();
  int made = 0;
  auto prepared = prepare(weights, "gemm", made);
  EXPECT_EQ(shared_preparations_in_use(), before + 1);
  prepared.reset();
  EXPECT_EQ(shared_preparations_in_use(), before);
  prepared = prepare(weights, "gemm", made);
  EXPECT_EQ(made, 2);
}

TEST(SharedPreparation, OtherActiveFeaturesPrepareAnew) {
  const CpuFeatures saved = active_features();
  const Tensor weights = testing::random_tensor({8}, 3);
  int made = 0;
  const auto native = prepare(weights, "gemm", made);
  set_active_isa(Isa::Scalar);
  const auto scalar = prepare(weights, "gemm", made);
  set_active_features(saved);
  EXPECT_EQ(made, saved == active_features() && isa_of(saved) == Isa::Scalar ? 1 : 2);
  EXPECT_EQ(prepare(weights, "gemm", made).get(), native.get());
}

TEST(SharedPreparation, ThreadsPreparingAtOnceShareOne) {
  const Tensor weights = testing::random_tensor({8}, 4);
  for (int round = 0; round < 20; ++round) {
    std::shared_ptr<const Packed> a, b;
    int made_a = 0, made_b = 0;
    const std::string recipe = "round " + std::to_string(round);
    std::thread other([&] { b = prepare(weights, recipe, made_b); });
    a = prepare(weights, recipe, made_a);
    other.join();
    EXPECT_EQ(a.get(), b.get());
  }
}

using testing::ints;
using testing::node;

// Two 3x3 convolutions (Winograd and implicit GEMM) and a 1x1 one.
std::shared_ptr<Model> convolutions() {
  auto model = std::make_shared<Model>();
  model->opsets[""] = 13;
  Graph& g = model->graph;
  ValueInfo x{"x", DType::Float32, true, {}};
  for (int64_t d : {1, 16, 12, 12}) x.dims.push_back(Dim{d, ""});
  g.inputs.push_back(x);
  g.initializers["w1"] = testing::random_tensor({16, 16, 3, 3}, 5, -0.2f, 0.2f);
  g.initializers["w2"] = testing::random_tensor({32, 16, 3, 3}, 6, -0.2f, 0.2f);
  g.initializers["w3"] = testing::random_tensor({8, 32, 1, 1}, 7, -0.2f, 0.2f);
  Node c1 = node("Conv", {"x", "w1"}, {"c1"});
  c1.attributes.set("pads", ints({1, 1, 1, 1}));
  Node c2 = node("Conv", {"c1", "w2"}, {"c2"});
  c2.attributes.set("strides", ints({2, 2}));
  g.nodes = {c1, c2, node("Conv", {"c2", "w3"}, {"y"})};
  g.outputs.push_back({"y", DType::Float32, true, {}});
  g.validate_and_sort();
  return model;
}

TEST(SharedPreparation, SessionsOverOneModelShareTheirConvolutions) {
  const std::shared_ptr<Model> model = convolutions();
  const std::map<std::string, Tensor> feeds = {{"x", testing::random_tensor({1, 16, 12, 12}, 8)}};
  const size_t before = shared_preparations_in_use();
  auto first = std::make_unique<Session>(model);
  EXPECT_EQ(shared_preparations_in_use(), before + 3);
  const Tensor expected = first->run(feeds).at(0);
  Session second(model);
  EXPECT_EQ(shared_preparations_in_use(), before + 3);
  first.reset();
  const Tensor y = second.run(feeds).at(0);
  ASSERT_EQ(y.shape(), expected.shape());
  for (int64_t i = 0; i < y.numel(); ++i) ASSERT_EQ(y.data<float>()[i], expected.data<float>()[i]) << i;
}

TEST(SharedPreparation, SessionsOverOneModelShareAMatMulsPackedWeights) {
  auto model = std::make_shared<Model>();
  model->opsets[""] = 13;
  Graph& g = model->graph;
  g.inputs.push_back({"x", DType::Float32, true, {Dim{3, ""}, Dim{40, ""}}});
  g.initializers["w"] = testing::random_tensor({40, 24}, 9);
  g.nodes = {node("MatMul", {"x", "w"}, {"y"})};
  g.outputs.push_back({"y", DType::Float32, true, {}});
  g.validate_and_sort();
  const std::map<std::string, Tensor> feeds = {{"x", testing::random_tensor({3, 40}, 10)}};
  const size_t before = shared_preparations_in_use();
  Session first(model), second(model);
  EXPECT_EQ(shared_preparations_in_use(), before + 1);
  EXPECT_TRUE(identical(first.run(feeds).at(0), second.run(feeds).at(0)));
}

}  // namespace
}  // namespace vigil
