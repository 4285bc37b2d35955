// SPDX-License-Identifier: Apache-2.0
// The injector hook.
#include "faults/fault_injector.h"

#include <algorithm>

#include "core/error.h"
#include "ops/registry.h"

namespace vigil::faults {

struct FaultInjector::CorruptedWeight {
  std::string name;
  Tensor original;
  Tensor corrupted;
};

FaultInjector::FaultInjector(const Session& session, const std::vector<FaultTarget>& targets,
                             const CampaignDesign& design, const Injection& injection)
    : session_(session), targets_(targets), design_(design), injection_(injection) {
  applied_.resize(injection.faults.size());
  std::vector<char> tapped(session.step_count(), 0), computed(session.step_count(), 0);
  for (size_t f = 0; f < injection.faults.size(); ++f) {
    const FaultTarget& target = targets[injection.faults[f].target];
    forced_.insert(forced_.end(), target.steps.begin(), target.steps.end());
    for (size_t step : target.steps) computed[step] = computed[step] || target.kind != SiteKind::Output;
    if (target.kind == SiteKind::Accumulator) tapped[target.steps[0]] = 1;
    if (target.kind != SiteKind::Weight) continue;
    auto known = std::find_if(weights_.begin(), weights_.end(), [&](const auto& w) { return w->name == target.tensor; });
    if (known == weights_.end()) {
      const Tensor& original = session.graph().initializers.at(target.tensor);
      weights_.push_back(std::make_unique<CorruptedWeight>(CorruptedWeight{target.tensor, original, original.clone()}));
      known = weights_.end() - 1;
    }
    corrupt(f, (*known)->corrupted.raw(), target.dtype, injection.faults[f].element);
  }
  std::sort(forced_.begin(), forced_.end());
  forced_.erase(std::unique(forced_.begin(), forced_.end()), forced_.end());
  for (size_t step : forced_) {
    if (!computed[step]) output_only_.push_back(step);
  }
  if (std::find(tapped.begin(), tapped.end(), 1) != tapped.end()) {
    tap_ = std::make_unique<AccumulatorTap>(
        std::move(tapped), [this](size_t step, const kernels::S32Tile& tile, int64_t first) { corrupt_tile(step, tile, first); });
  }
}

FaultInjector::~FaultInjector() = default;

void FaultInjector::corrupt(size_t f, void* data, DType dtype, int64_t element) {
  const Fault& fault = injection_.faults[f];
  const FaultModel& model = design_.models[fault.model];
  AppliedFault& applied = applied_[f];
  const uint64_t word = read_element_bits(data, dtype, element);
  if (!applied.applied) applied.before = element_value(data, dtype, element);
  write_element_bits(data, dtype, element, corrupt_bits(word, dtype, model.kind, fault.mask, fault.random_word));
  applied.after = element_value(data, dtype, element);
  applied.applied = true;
  applied.elements = 1;
}

void FaultInjector::corrupt_pattern(size_t f, Tensor& output) {
  const Fault& fault = injection_.faults[f];
  const FaultModel& model = design_.models[fault.model];
  AppliedFault& applied = applied_[f];
  const std::vector<int64_t> elements = pattern_elements(model.pattern, output.shape(), fault.element, fault.random_word);
  applied.before = element_value(output.raw(), output.dtype(), fault.element);
  write_value_class(output, elements, model.value_class, fault.random_word);
  applied.after = element_value(output.raw(), output.dtype(), fault.element);
  applied.applied = true;
  applied.elements = static_cast<int64_t>(elements.size());
}

std::map<std::string, Tensor> FaultInjector::corrupted_inputs(const std::map<std::string, Tensor>& feeds) {
  std::map<std::string, Tensor> corrupted;
  for (size_t f = 0; f < injection_.faults.size(); ++f) {
    const FaultTarget& target = targets_[injection_.faults[f].target];
    if (target.kind != SiteKind::Input) continue;
    auto [it, inserted] = corrupted.try_emplace(target.tensor);
    if (inserted) it->second = feeds.at(target.tensor).clone();
    corrupt(f, it->second.raw(), target.dtype, injection_.faults[f].element);
  }
  return corrupted;
}

void FaultInjector::before_step(const StepEvent& event) {
  attempt_ = event.attempt;
  if (tap_) tap_->before_step(event);
}

StepVerdict FaultInjector::after_step(StepEvent& event) {
  if (tap_) tap_->after_step(event);
  if (!std::binary_search(forced_.begin(), forced_.end(), event.index)) return StepVerdict::Accept;
  rerun_with_weights(event);
  for (size_t f = 0; f < injection_.faults.size(); ++f) {
    const Fault& fault = injection_.faults[f];
    const FaultTarget& target = targets_[fault.target];
    const bool transient = !design_.models[fault.model].permanent();
    if (target.kind != SiteKind::Output || target.steps[0] != event.index || (transient && event.attempt > 0)) continue;
    Tensor& output = event.outputs.at(target.output);
    check_input(output.dtype() == target.dtype && output.numel() == target.elements, "output '", target.tensor,
                "' changed its type or size since the fault sites were found");
    output = output.clone();
    if (design_.models[fault.model].spatial) {
      corrupt_pattern(f, output);
    } else {
      corrupt(f, output.raw(), target.dtype, fault.element);
    }
  }
  return StepVerdict::Accept;
}

// Runs the step again with an operator made over the corrupted weights it reads.
void FaultInjector::rerun_with_weights(StepEvent& event) {
  const Node& node = event.node;
  std::vector<const CorruptedWeight*> read;
  for (const auto& weight : weights_) {
    if (std::find(node.inputs.begin(), node.inputs.end(), weight->name) != node.inputs.end()) read.push_back(weight.get());
  }
  if (read.empty()) return;
  const Graph& graph = session_.graph();
  auto find_constant = [&](const std::string& name) -> const Tensor* {
    for (const CorruptedWeight* weight : read) {
      if (weight->name == name) return &weight->corrupted;
    }
    const auto it = graph.initializers.find(name);
    return it == graph.initializers.end() ? nullptr : &it->second;
  };
  const OpFactory factory = OpRegistry::instance().find(node.domain, node.op_type);
  check_input(factory != nullptr, node.describe(), ": its weights cannot be corrupted (it is not a tensor operator)");
  const OpCreateInfo info{node, session_.model().opset_for(node.domain), &session_.model(), find_constant, 1};
  const std::unique_ptr<Operator> op = factory(info);
  OpInputs inputs = event.inputs;
  for (size_t i = 0; i < inputs.size() && i < node.inputs.size(); ++i) {
    for (const CorruptedWeight* weight : read) {
      if (node.inputs[i] == weight->name) inputs[i] = &weight->corrupted;
    }
  }
  OpOutputs outputs(event.outputs.size());
  op->run(inputs, outputs);
  for (size_t o = 0; o < outputs.size(); ++o) event.outputs[o] = std::move(outputs[o]);
}

void FaultInjector::corrupt_tile(size_t step, const kernels::S32Tile& tile, int64_t first) {
  const int64_t count = static_cast<int64_t>(tile.rows) * tile.cols;
  for (size_t f = 0; f < injection_.faults.size(); ++f) {
    const Fault& fault = injection_.faults[f];
    const FaultTarget& target = targets_[fault.target];
    if (target.kind != SiteKind::Accumulator || target.steps[0] != step) continue;
    if (!design_.models[fault.model].permanent() && attempt_ > 0) continue;
    if (fault.element < first || fault.element >= first + count) continue;
    const int64_t at = fault.element - first;
    corrupt(f, tile.sums + (at / tile.cols) * tile.ld + at % tile.cols, DType::Int32, 0);
  }
}

}  // namespace vigil::faults
