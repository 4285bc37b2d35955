// SPDX-License-Identifier: Apache-2.0
// The accelerator model's speed: one evaluate() of Eyeriss AlexNet CONV3 under its
// Table III row-stationary mapping, and the mapper's random search on the same layer on
// 1 and 2 threads, as evaluations per second (items_per_second). The goal is
// 1 million evaluations per second on 2 cores; MAESTRO reports 0.17 million designs/s.
#include <benchmark/benchmark.h>

#include "accel/arch_spec.h"
#include "accel/evaluate.h"
#include "accel/mapper.h"
#include "accel/row_stationary.h"
#include "accel/workload.h"

namespace {

using namespace vigil::accel;

struct EyerissConv3 {
  ArchSpec arch;
  Layer layer;
  EyerissConv3() {
    arch = load_arch_spec(VIGIL_SOURCE_DIR "/src/accel/specs/eyeriss.yaml");
    layer = load_workload(VIGIL_SOURCE_DIR "/src/accel/specs/alexnet_eyeriss.yaml").layers.at(2);
  }
};

const EyerissConv3& conv3() {
  static const EyerissConv3 instance;
  return instance;
}

void BM_AccelEvaluate(benchmark::State& state) {
  const EyerissConv3& w = conv3();
  const Mapping mapping = row_stationary_mapping(w.arch, w.layer, row_stationary_params(w.arch, w.layer));
  for (auto _ : state) {
    EvalResult result = evaluate(w.arch, w.layer, mapping);
    benchmark::DoNotOptimize(result.energy_pj);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AccelEvaluate);

void BM_AccelMapperSearch(benchmark::State& state) {
  const EyerissConv3& w = conv3();
  MapperOptions options;
  options.threads = static_cast<int>(state.range(0));
  options.max_evaluations = 200000;
  int64_t evaluations = 0, valid = 0;
  for (auto _ : state) {
    const MapperResult result = search_mapping(w.arch, w.layer, options);
    evaluations += result.evaluations;
    valid += result.valid;
    benchmark::DoNotOptimize(result.cost);
  }
  state.SetItemsProcessed(evaluations);
  state.counters["valid_fraction"] = static_cast<double>(valid) / static_cast<double>(evaluations);
}
BENCHMARK(BM_AccelMapperSearch)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
