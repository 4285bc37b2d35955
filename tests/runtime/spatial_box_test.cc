// SPDX-License-Identifier: Apache-2.0
// Replays on boxes of rows and columns (runtime/spatial_box.h). The geometry against brute
// force: the output positions a changed band reaches along an axis, the box an Aligned
// input's change reaches (broadcast axes whole), and the band run that recomputes them
// (its kept positions read only positions of its input band or the whole input's padding,
// and start at a block); the box where two tensors differ, and copies of boxes. Then a
// network built here with every float32 convolution algorithm (Winograd F(4x4) and F(2x2),
// 1x1 GEMM and its transposed form, implicit GEMM with stride and dilation and its
// transposed form, depthwise), padded max pooling, residual adds and Relus: a value
// corrupted at any step, replayed on boxes, gives the outputs of the whole inference run
// again bit for bit, on the CPU's path and the AVX2 one, with one and two threads and
// replays of two inputs in turns, and steps do run on boxes narrower than the map. Planned
// inference after such replays is still right; under ABFT no step runs on a box.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "core/cpu_features.h"
#include "graph_nodes.h"
#include "random_data.h"
#include "runtime/session.h"
#include "runtime/spatial_box.h"

namespace vigil {
namespace {

using Role = SpatialDependence::Role;

int64_t output_size(const AxisWindow& axis, int64_t input_size) {
  return (input_size + axis.pad_begin + axis.pad_end - axis.extent) / axis.stride + 1;
}

// ... and with blocks of positions, every position of a block holding such a position.
TEST(SpatialBox, AReachedBandIsThePositionsWhoseWindowReadsAChangedOne) {
  for (int64_t extent : {1, 2, 3, 5, 7})
    for (int64_t stride : {1, 2, 3})
      for (int64_t pad = 0; pad < extent; ++pad)
        for (int64_t align : {1, 2, 4}) {
          const AxisWindow axis{extent, stride, pad, extent - 1 - pad, align};
          const int64_t size = 13, out = output_size(axis, size);
          for (int64_t begin = 0; begin < size; ++begin)
            for (int64_t end = begin + 1; end <= size; ++end) {
              Band expected;
              for (int64_t o = 0; o < out; ++o) {
                const int64_t first = o * stride - pad, last = first + extent;  // reads [first, last)
                if (first < end && last > begin) {
                  expected = unite(expected, Band{o / align * align, std::min(out, (o / align + 1) * align)});
                }
              }
              const Band reached = reached_band(axis, {begin, end}, out);
              const std::string where = std::to_string(extent) + " " + std::to_string(stride) + " " +
                                        std::to_string(pad) + " " + std::to_string(align) + " [" +
                                        std::to_string(begin) + ", " + std::to_string(end) + ")";
              ASSERT_EQ(reached.empty(), expected.empty()) << where;
              if (expected.empty()) continue;
              ASSERT_EQ(reached.begin, expected.begin) << where;
              ASSERT_EQ(reached.end, expected.end) << where;
            }
        }
}

TEST(SpatialBox, AReachedBoxCombinesItsAxesAndBroadcastsAlignedOnes) {
  SpatialDependence conv{{3, 1, 1, 1, 1}, {5, 2, 2, 2, 1}, {Role::Windowed}};
  const Box reached = reached_box(conv, Role::Windowed, {1, 4, 9, 11}, {{3, 4}, {6, 7}}, 9, 6);
  EXPECT_EQ(reached.rows.begin, 2);
  EXPECT_EQ(reached.rows.end, 5);
  EXPECT_EQ(reached.cols.begin, 2);  // columns o with 2o - 2 <= 6 < 2o + 3
  EXPECT_EQ(reached.cols.end, 5);
  // An axis computed only whole: every column, read from the whole input.
  SpatialDependence rows_only = conv;
  rows_only.cols.whole = true;
  const Box wide = reached_box(rows_only, Role::Windowed, {1, 4, 9, 11}, {{3, 4}, {6, 7}}, 9, 6);
  EXPECT_EQ(wide.rows.begin, 2);
  EXPECT_EQ(wide.cols.begin, 0);
  EXPECT_EQ(wide.cols.end, 6);
  const BandRun columns = band_run(rows_only.cols, {2, 3}, 11, 6);
  EXPECT_EQ(columns.input.end, 11);
  EXPECT_EQ(columns.computed.begin, 0);
  EXPECT_EQ(columns.output.end, 6);
  const SpatialDependence add;
  const Box box{{3, 9}, {1, 2}};
  EXPECT_EQ(reached_box(add, Role::Aligned, {1, 4, 7, 5}, box, 7, 5).rows.end, 7);
  EXPECT_EQ(reached_box(add, Role::Aligned, {1, 4, 7, 5}, box, 7, 5).cols.end, 2);
  // A (N, C, H, 1) input changed in one row reaches that row across the whole width.
  const Box broadcast = reached_box(add, Role::Aligned, {1, 4, 7, 1}, {{3, 4}, {0, 1}}, 7, 5);
  EXPECT_EQ(broadcast.rows.begin, 3);
  EXPECT_EQ(broadcast.rows.end, 4);
  EXPECT_EQ(broadcast.cols.begin, 0);
  EXPECT_EQ(broadcast.cols.end, 5);
  EXPECT_EQ(reached_box(add, Role::Whole, {1, 4, 7, 5}, {{3, 4}, {1, 2}}, 7, 5).area(), 35);
  EXPECT_EQ(reached_box(add, Role::Aligned, {1, 4, 7, 5}, Box::all(), 7, 5).area(), 35);
  EXPECT_TRUE(reached_box(add, Role::Aligned, {1, 4, 7, 5}, {}, 7, 5).empty());
}

TEST(SpatialBox, ABandRunsKeptPositionsReadOnlyItsInputOrTheWholeInputsPadding) {
  for (int64_t extent : {1, 3, 5, 7})
    for (int64_t stride : {1, 2})
      for (int64_t pad = 0; pad < extent; ++pad)
        for (int64_t align : {1, 2, 4}) {
          const AxisWindow axis{extent, stride, pad, extent - 1 - pad, align};
          const int64_t size = 23, out = output_size(axis, size);
          for (int64_t begin = 0; begin < out; ++begin)
            for (int64_t end = begin + 1; end <= out; ++end) {
              const BandRun run = band_run(axis, {begin, end}, size, out);
              const std::string where = std::to_string(extent) + " " + std::to_string(stride) + " " +
                                        std::to_string(pad) + " " + std::to_string(align) + " [" +
                                        std::to_string(begin) + ", " + std::to_string(end) + ")";
              ASSERT_EQ(run.computed.begin % align, 0) << where;
              ASSERT_EQ(run.input.begin, run.computed.begin * stride) << where;
              ASSERT_LE(run.computed.begin, begin) << where;
              ASSERT_GE(run.computed.end, end) << where;
              // The operator over the band yields exactly the computed positions.
              ASSERT_EQ(output_size(axis, run.input.size()), run.computed.size()) << where;
              // Every position of the blocks holding the kept ones reads, in the band run,
              // what it reads in the whole run.
              const int64_t first_block = begin / align * align, last_block = (end + align - 1) / align * align;
              for (int64_t o = first_block; o < std::min(out, last_block); ++o) {
                for (int64_t r = o * stride - pad; r < o * stride - pad + extent; ++r) {
                  const int64_t band_at = r - run.input.begin;  // the band run reads its position band_at
                  const bool band_reads_data = band_at >= 0 && band_at < run.input.size();
                  const bool whole_reads_data = r >= 0 && r < size;
                  ASSERT_EQ(band_reads_data, whole_reads_data) << where << " position " << o << " reads " << r;
                }
              }
            }
        }
}

TEST(SpatialBox, TheDifferingBoxSpansEveryPlane) {
  Tensor a = testing::random_tensor({2, 3, 9, 5}, 1);
  Tensor b = a.clone();
  EXPECT_TRUE(differing_box(a, b, Box::all()).empty());
  b.data<float>()[(1 * 3 + 2) * 45 + 6 * 5 + 4] += 1;  // image 1, channel 2, row 6, column 4
  b.data<float>()[(0 * 3 + 1) * 45 + 2 * 5 + 1] += 1;  // image 0, channel 1, row 2, column 1
  const Box both = differing_box(a, b, Box::all());
  EXPECT_EQ(both.rows.begin, 2);
  EXPECT_EQ(both.rows.end, 7);
  EXPECT_EQ(both.cols.begin, 1);
  EXPECT_EQ(both.cols.end, 5);
  const Box lower = differing_box(a, b, {{3, 9}, Band::all()});
  EXPECT_EQ(lower.rows.begin, 6);
  EXPECT_EQ(lower.cols.begin, 4);
  EXPECT_TRUE(differing_box(a, b, {{3, 6}, Band::all()}).empty());
  EXPECT_TRUE(differing_box(a, b, {{0, 9}, {2, 4}}).empty());
  // Against brute force, for random differences in every element type's size.
  std::mt19937 engine(3);
  for (DType dtype : {DType::Int8, DType::Float16, DType::Float32, DType::Int64}) {
    for (int trial = 0; trial < 50; ++trial) {
      Tensor x(dtype, {2, 3, 7, 6});
      Tensor y = x.clone();
      Box expected;
      const int changes = static_cast<int>(engine() % 4);
      for (int c = 0; c < changes; ++c) {
        const int64_t plane = engine() % 6, row = engine() % 7, col = engine() % 6;
        static_cast<std::byte*>(y.raw())[((plane * 7 + row) * 6 + col) * dtype_size(dtype)] = std::byte{1};
        expected = unite(expected, Box{{row, row + 1}, {col, col + 1}});
      }
      const Box found = differing_box(y, x, Box::all());
      ASSERT_EQ(found.empty(), expected.empty());
      if (expected.empty()) continue;
      EXPECT_EQ(found.rows.begin, expected.rows.begin);
      EXPECT_EQ(found.rows.end, expected.rows.end);
      EXPECT_EQ(found.cols.begin, expected.cols.begin);
      EXPECT_EQ(found.cols.end, expected.cols.end);
    }
  }
}

TEST(SpatialBox, CopiesMoveABoxOfEveryPlane) {
  const Tensor from = testing::random_tensor({2, 3, 6, 7}, 4);
  Tensor to(DType::Float32, {2, 3, 5, 4});
  copy_box(from, to, {1, 2, 2, 1, 3, 3});
  for (int64_t p = 0; p < 6; ++p)
    for (int64_t r = 0; r < 5; ++r)
      for (int64_t c = 0; c < 4; ++c) {
        const bool inside = r >= 2 && r < 5 && c >= 1 && c < 4;
        const float expected = inside ? from.data<float>()[(p * 6 + r - 1) * 7 + c + 1] : 0.0f;
        ASSERT_EQ(to.data<float>()[(p * 5 + r) * 4 + c], expected) << p << " " << r << " " << c;
      }
}

// --- replays on a network with every convolution algorithm ---

using testing::conv;
using testing::ints;
using testing::node;

std::shared_ptr<Model> network() {
  auto model = std::make_shared<Model>();
  model->opsets[""] = 13;
  Graph& g = model->graph;
  auto declare = [&](const std::string& name, std::vector<int64_t> dims, bool input) {
    ValueInfo info{name, DType::Float32, true, {}};
    for (int64_t d : dims) info.dims.push_back(Dim{d, ""});
    (input ? g.inputs : g.value_infos).push_back(info);
  };
  declare("x", {2, 32, 20, 20}, true);
  declare("p", {2, 32, 10, 10}, false);
  declare("ps", {2, 32, 10, 10}, false);
  declare("c3", {2, 64, 10, 10}, false);
  declare("r4", {2, 64, 5, 5}, false);
  auto weight = [&](const std::string& name, Shape shape, uint32_t seed) {
    g.initializers[name] = testing::random_tensor(std::move(shape), seed, -0.2f, 0.2f);
  };
  weight("w1", {32, 32, 3, 3}, 1);  // 20x20: Winograd F(4x4)
  weight("w2", {32, 32, 3, 3}, 2);  // 10x10: Winograd F(2x2)
  weight("w3", {64, 32, 1, 1}, 3);  // 1x1 GEMM
  weight("w7", {32, 32, 3, 3}, 8);  // stride 2, dilation 2 on 20x20: implicit GEMM
  weight("w4", {64, 64, 3, 3}, 4);  // stride 2 on 10x10: implicit GEMM, transposed
  weight("w5", {64, 64, 1, 1}, 5);  // 5x5: 1x1 transposed
  weight("wd", {64, 1, 3, 3}, 6);   // depthwise
  weight("w6", {16, 64, 3, 3}, 7);  // dilation 2 on 5x5: implicit GEMM, transposed
  Node pool = node("MaxPool", {"r1"}, {"p"});
  pool.attributes.set_owner(pool.describe());
  pool.attributes.set("kernel_shape", ints({3, 3}));
  pool.attributes.set("strides", ints({2, 2}));
  pool.attributes.set("pads", ints({1, 1, 1, 1}));
  g.nodes = {node("Relu", {"x"}, {"r0"}),  // so that Winograd F(4x4) runs on a changed box
             conv("r0", "w1", "c1", 1, 1),       node("Relu", {"c1"}, {"r1"}),       pool,
             conv("r1", "w7", "s", 2, 2, 2),     node("Add", {"p", "s"}, {"ps"}),    conv("ps", "w2", "c2", 1, 1),
             node("Add", {"c2", "ps"}, {"a2"}),  conv("a2", "w3", "c3", 1, 0),
             conv("c3", "w4", "c4", 2, 1),       node("Relu", {"c4"}, {"r4"}),     conv("r4", "w5", "c5", 1, 0),
             conv("c5", "wd", "d", 1, 1, 1, 64), node("Add", {"d", "r4"}, {"a"}),  node("Relu", {"a"}, {"r"}),
             conv("r", "w6", "y", 1, 2, 2)};
  g.outputs.push_back({"y", DType::Float32, true, {}});
  g.validate_and_sort();
  return model;
}

// Replaces element `element` of output 0 of step `step` by -3x - 1, in a copy.
class OutputCorruption final : public StepHook {
 public:
  OutputCorruption(size_t step, int64_t element) : step_(step), element_(element) {}
  StepVerdict after_step(StepEvent& event) override {
    if (event.index != step_) return StepVerdict::Accept;
    Tensor& output = event.outputs.at(0);
    output = output.clone();
    float& x = output.data<float>()[element_ % output.numel()];
    x = -3 * x - 1;
    return StepVerdict::Accept;
  }

 private:
  size_t step_;
  int64_t element_;
};

// Corrupts every step's output at sampled elements and replays on boxes.
void check_band_replays(Isa isa, int threads) {
  Session session(network(), SessionOptions{threads, true});
  std::string algorithms;
  for (const Session::StepSummary& step : session.step_summaries()) algorithms += step.algorithm + "; ";
  for (const char* expected : {"winograd_f4x4", isa == Isa::Avx512 ? "implicit_gemm " : "winograd_f2x2",
                               "gemm_1x1 ", "gemm_1x1_transposed", "implicit_gemm_transposed", "f32_dwconv",
                               "max_pool"}) {
    ASSERT_NE(algorithms.find(expected), std::string::npos) << expected << " not in " << algorithms;
  }
  // Two inputs in turns: the rows a replay keeps are those of its own trace.
  const Tensor x = testing::random_tensor({2, 32, 20, 20}, 9);
  const std::vector<std::map<std::string, Tensor>> feeds = {{{"x", x}},
                                                            {{"x", testing::random_tensor({2, 32, 20, 20}, 10)}}};
  const std::vector<Session::Trace> traces = {session.trace(feeds[0]), session.trace(feeds[1])};
  size_t box_steps = 0;
  std::mt19937 engine(5);
  for (size_t step = 0; step < session.step_count(); ++step) {
    for (int trial = 0; trial < 24; ++trial) {
      const int64_t element = static_cast<int64_t>(engine() % 1000000);
      OutputCorruption corruption(step, element);
      const ScopedStepHook hooked(session, corruption);
      const Session::Replay replay = session.replay(traces[trial % 2], {step});
      const Tensor whole = session.run(feeds[trial % 2]).at(0);
      ASSERT_TRUE(identical(replay.outputs.at(0).tensor(), whole))
          << isa_name(isa) << ", " << threads << " threads, step " << step << " element " << element;
      box_steps += replay.box_steps;
    }
  }
  EXPECT_GT(box_steps, session.step_count() * 24) << isa_name(isa) << ", " << threads << " threads";
  // The operators that ran on boxes are planned for the whole input again.
  std::vector<Tensor> outputs;
  session.run_into({&x}, outputs);
  EXPECT_TRUE(identical(outputs.at(0), session.replay(traces[0], {}).outputs.at(0).tensor()));
}

TEST(SpatialBoxReplay, EveryConvolutionAlgorithmReplaysABoxLikeTheWholeRun) {
  const CpuFeatures saved = active_features();
  // The 10x10 layer takes F(2x2) with the AVX2 GEMM, implicit GEMM with the AVX-512 one.
  std::vector<Isa> isas = {detected_isa()};
  if (detected_isa() == Isa::Avx512) isas.push_back(Isa::Avx2);
  for (const Isa isa : isas)
    for (const int threads : {1, 2}) {
      set_active_isa(isa);
      check_band_replays(isa, threads);
    }
  set_active_features(saved);
}

// The vector depthwise kernels group a row's columns by the row's width, and the groups
// add their taps in different orders: on a map wider than three vectors a box of columns
// would round differently from the whole row. Faults at every position of a wide map.
TEST(SpatialBoxReplay, AWideDepthwiseLayerReplaysLikeTheWholeRun) {
  auto model = std::make_shared<Model>();
  model->opsets[""] = 13;
  Graph& g = model->graph;
  ValueInfo x{"x", DType::Float32, true, {}};
  for (int64_t d : {1, 4, 6, 70}) x.dims.push_back(Dim{d, ""});
  g.inputs.push_back(x);
  g.initializers["wd"] = testing::random_tensor({4, 1, 3, 3}, 11, -0.5f, 0.5f);
  g.nodes = {node("Relu", {"x"}, {"r"}), conv("r", "wd", "y", 1, 1, 1, 4)};
  g.outputs.push_back({"y", DType::Float32, true, {}});
  g.validate_and_sort();
  const CpuFeatures saved = active_features();
  std::vector<Isa> isas = {detected_isa()};
  if (detected_isa() == Isa::Avx512) isas.push_back(Isa::Avx2);
  for (const Isa isa : isas) {
    set_active_isa(isa);
    Session session(model, SessionOptions{1, true});
    const std::map<std::string, Tensor> feeds = {{"x", testing::random_tensor({1, 4, 6, 70}, 12)}};
    const Session::Trace trace = session.trace(feeds);
    for (int64_t element = 0; element < 4 * 6 * 70; element += 7) {
      OutputCorruption corruption(0, element);
      const ScopedStepHook hooked(session, corruption);
      const Session::Replay replay = session.replay(trace, {0});
      ASSERT_TRUE(identical(replay.outputs.at(0).tensor(), session.run(feeds).at(0)))
          << isa_name(isa) << ", element " << element;
    }
  }
  set_active_features(saved);
}

TEST(SpatialBoxReplay, UnderAbftEveryStepRunsWhole) {
  abft::Options checks;
  checks.scheme = abft::Scheme::Fused;
  Session session(network(), SessionOptions{1, true, checks});
  const std::map<std::string, Tensor> feeds = {{"x", testing::random_tensor({2, 32, 20, 20}, 9)}};
  const Session::Trace trace = session.trace(feeds);
  OutputCorruption corruption(0, 1234);
  const ScopedStepHook hooked(session, corruption);
  const Session::Replay replay = session.replay(trace, {0});
  EXPECT_GT(replay.steps_run, 2u);
  EXPECT_EQ(replay.box_steps, 0u);
  EXPECT_TRUE(identical(replay.outputs.at(0).tensor(), session.run(feeds).at(0)));
}

}  // namespace
}  // namespace vigil
