// SPDX-License-Identifier: Apache-2.0
// Per-layer profiling: run a model R times with the session's step timer on, and place
// every layer on the machine's roofline. Per layer: the median time, the arithmetic it
// does, the bytes it moves, its arithmetic intensity, what it achieved and the share of
// its data type's peak, whether it sits left (memory-bound) or right (compute-bound) of
// the ridge point, and the kernel or algorithm that ran. Per model, the metrics of Sze et
// al.: MACs, parameters, peak activation memory, latency, throughput and utilization
// (achieved operations per second over the peak, as in the CNN GPU-utilization study).
// `vigil profile` prints it, writes it as JSON and as an HTML roofline (report/profile_html.h).
//
//   perf::ProfileOptions options;
//   options.threads = 2;
//   const perf::ModelProfile profile =
//       perf::profile_model(model, "resnet18.onnx", feeds, options, perf::cached_machine_peaks());
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "graph/graph.h"
#include "graph/layer_cost.h"
#include "perf/machine_peaks.h"

namespace vigil::perf {

struct ProfileOptions {
  int threads = 1;
  int runs = 20;         // timed inferences; per-layer and whole-model figures are medians
  bool optimize = true;  // profile the optimised graph (what `vigil run` executes)
};

enum class Bound { Memory, Compute };
const char* bound_name(Bound bound);  // "memory", "compute"

struct LayerProfile {
  std::string name;          // the node's name, or its first output's if it has none
  std::string op_type;       // with its domain for non-ONNX operators, e.g. "vigil.FusedConv"
  std::string algorithm;     // what the operator runs, e.g. "gemm 6x16 avx2"; empty for reference operators
  std::string output_shape;  // "[1,64,56,56]"
  bool integer = false;      // integer arithmetic (int8 peak) rather than floating point (fp32 peak)
  // A bit-serial layer's weight planes x activation planes (from its algorithm, "bitserial
  // w<bits>a<bits> ..."): its roof is the 1-bit peak over this many; 0 for other layers.
  int plane_pairs = 0;
  LayerCost cost;        // MACs, operations, bytes (graph/layer_cost.h)
  double seconds = 0.0;  // median over the runs
  // Derived from the above and the peaks.
  double intensity = 0.0;        // operations per byte moved (cost.ops / (bytes read + written))
  double achieved_gops = 0.0;    // cost.ops / seconds, in 1e9 per second
  double achieved_gbs = 0.0;     // cost.bytes() / seconds, in 1e9 per second
  double percent_of_peak = 0.0;  // achieved over the peak of its data type on these threads
  double percent_of_roof = 0.0;  // achieved over the roofline above it: min(peak, intensity x bandwidth)
  Bound bound = Bound::Memory;   // intensity against that data type's ridge point
};

struct ModelProfile {
  std::string model;  // the file profiled
  int threads = 1;
  int runs = 0;
  std::vector<LayerProfile> layers;  // in execution order
  MachinePeaks peaks;                // the roofline the layers are placed on
  // The roofline for these threads: the fp32, int8 and 1-bit peaks and the triad bandwidth.
  double fp32_peak_gops = 0.0;
  double int8_peak_gops = 0.0;
  double bitserial_peak_gops = 0.0;  // 1-bit products
  double memory_gbs = 0.0;

  // Model-level metrics (Sze et al.).
  int64_t macs = 0;        // sum over layers
  int64_t ops = 0;         // sum over layers
  int64_t parameters = 0;  // elements of the initializers
  int64_t parameter_bytes = 0;
  int64_t peak_activation_bytes = 0;   // the memory plan's arena: intermediates alive at once
  double latency_seconds = 0.0;        // median whole inference, step timer off
  double layer_seconds = 0.0;          // sum of the layers' medians, step timer on
  double throughput_per_second = 0.0;  // inferences per second at this latency (batch as in the inputs)
  double achieved_gops = 0.0;          // ops / latency
  double utilization_percent = 0.0;    // achieved over the peak of the data type doing most of the ops
};

// Profiles `model` on `feeds` (every graph input). A bad-input Error if the model cannot
// run on them or options are out of range (threads < 1, runs < 1).
ModelProfile profile_model(const std::shared_ptr<const Model>& model, const std::string& model_path,
                           const std::map<std::string, Tensor>& feeds, const ProfileOptions& options,
                           const MachinePeaks& peaks);

}  // namespace vigil::perf
