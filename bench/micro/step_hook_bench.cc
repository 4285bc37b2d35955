// SPDX-License-Identifier: Apache-2.0
// What a step hook costs a whole inference: two sessions of the same model in one process,
// one bare and one with a hook that does nothing installed, run alternately so that both
// see the same machine state; the counters are each one's median latency and their ratio.
// The bare session is the path every inference takes when no tool is attached (one
// untaken branch per step); the hooked one pays for the hook calls and runs without
// in-place steps. Models: the shipped Fashion-MNIST CNN, and bench/models/*.onnx where
// bench/export_models.py has written them.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "onnx_io/model_import.h"
#include "runtime/session.h"

namespace vigil {
namespace {

class IdleHook final : public StepHook {};

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Seeded float inputs of the declared shapes, symbolic dimensions as 1.
std::vector<Tensor> random_inputs(const Graph& graph) {
  std::mt19937 engine(1);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  std::vector<Tensor> inputs;
  for (const ValueInfo& input : graph.inputs) {
    Shape shape;
    for (const Dim& dim : input.dims) shape.push_back(dim.is_fixed() ? dim.value : 1);
    Tensor t(DType::Float32, shape);
    for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = uniform(engine);
    inputs.push_back(t);
  }
  return inputs;
}

void step_hook_ab(benchmark::State& state, const std::string& path, int threads) {
  const std::shared_ptr<Model> model = load_model(path);
  Session bare(model, {threads}), hooked(model, {threads});
  IdleHook hook;
  hooked.add_hook(hook);
  const std::vector<Tensor> tensors = random_inputs(bare.graph());
  std::vector<const Tensor*> inputs;
  for (const Tensor& t : tensors) inputs.push_back(&t);
  std::vector<Tensor> outputs;
  for (int warm = 0; warm < 3; ++warm) {
    bare.run_into(inputs, outputs);
    hooked.run_into(inputs, outputs);
  }
  std::vector<double> bare_seconds, hooked_seconds;
  for (auto _ : state) {
    double start = now_seconds();
    bare.run_into(inputs, outputs);
    bare_seconds.push_back(now_seconds() - start);
    start = now_seconds();
    hooked.run_into(inputs, outputs);
    hooked_seconds.push_back(now_seconds() - start);
  }
  const double bare_ms = median(bare_seconds) * 1e3, hooked_ms = median(hooked_seconds) * 1e3;
  state.counters["bare_ms"] = bare_ms;
  state.counters["hooked_ms"] = hooked_ms;
  state.counters["hooked_over_bare"] = hooked_ms / bare_ms;
  state.counters["steps"] = static_cast<double>(bare.step_count());
}

const bool registered = [] {
  std::vector<std::string> paths{VIGIL_SOURCE_DIR "/models/fashion_mnist_cnn.onnx"};
  for (const char* name : {"resnet18", "mobilenet_v2", "resnet50", "transformer_encoder"}) {
    const std::string path = std::string(VIGIL_SOURCE_DIR "/bench/models/") + name + ".onnx";
    if (std::filesystem::exists(path)) paths.push_back(path);
  }
  for (const std::string& path : paths) {
    for (const int threads : {1, 2}) {
      const std::string name =
          "StepHookAB/" + std::filesystem::path(path).stem().string() + "/threads:" + std::to_string(threads);
      benchmark::RegisterBenchmark(name.c_str(), step_hook_ab, path, threads)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
  }
  return true;
}();

}  // namespace
}  // namespace vigil
