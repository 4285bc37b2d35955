// SPDX-License-Identifier: Apache-2.0
// The two calibration passes.
#include "quant/calibrator.h"

#include "core/progress.h"
#include "runtime/session.h"

namespace vigil::quant {

std::map<std::string, TensorStatistics> calibrate(std::shared_ptr<const Model> model,
                                                  const std::vector<std::string>& tensors, const CalibrationData& data,
                                                  bool histograms, int threads) {
  std::map<std::string, TensorStatistics> statistics;
  for (const std::string& name : tensors) statistics[name];
  Session session(model, SessionOptions{threads, false});
  const std::string input = session.graph().inputs.at(0).name;
  bool second_pass = false;
  const auto observe = [&](const std::string& name, const Tensor& tensor) {
    const auto it = statistics.find(name);
    if (it == statistics.end() || tensor.empty() || tensor.dtype() != DType::Float32) return;
    if (second_pass) {
      it->second.add_histogram(tensor.data<float>(), tensor.numel());
    } else {
      it->second.add_range(tensor.data<float>(), tensor.numel());
    }
  };
  StepWatcher watcher([&](const StepEvent& event) {
    const std::vector<std::string>& names = event.node.outputs;
    for (size_t i = 0; i < event.outputs.size() && i < names.size(); ++i) observe(names[i], event.outputs[i]);
  });
  const ScopedStepHook watching(session, watcher);
  const auto run_pass = [&](const char* label) {
    ProgressBar progress(label, data.batch_count());
    for (int64_t b = 0; b < data.batch_count(); ++b) {
      const Tensor batch = data.batch(b);
      observe(input, batch);
      session.run({{input, batch}});
      progress.update(b + 1);
    }
  };
  run_pass("calibration: ranges");
  for (auto it = statistics.begin(); it != statistics.end();) {
    it = it->second.has_range() ? std::next(it) : statistics.erase(it);
  }
  if (histograms) {
    for (auto& [name, s] : statistics) s.start_histogram();
    second_pass = true;
    run_pass("calibration: histograms");
  }
  return statistics;
}

}  // namespace vigil::quant
