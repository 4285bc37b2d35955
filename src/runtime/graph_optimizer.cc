// SPDX-License-Identifier: Apache-2.0
// The pass pipeline. Order matters: QDQ groups become integer operators after a constant
// folding that leaves DequantizeLinear alone (the full folding would dequantize their
// weights into float; the groups need folded Clip bounds); Identity removal and constant folding turn
// Constant nodes and shape arithmetic into initializers, which the fusions need to
// recognise biases, scales and Clip bounds; LayerNormalization and GELU are recognised
// before the MatMul fusion so that it can absorb a Gelu as its activation.
#include "runtime/graph_optimizer.h"

#include "core/log.h"
#include "graph/passes/pass.h"
#include "graph/passes/passes.h"
#include "ops/registry.h"
#include "runtime/constant_folding.h"

namespace vigil {

namespace {

struct PipelineStep {
  const char* name;
  int (*run)(Graph& graph, const Model& model);
  const char* writes;  // the vigil-domain operator the pass emits, "" for none
};

template <int (*Pass)(Graph&)>
int graph_only(Graph& graph, const Model&) {
  return Pass(graph);
}

constexpr PipelineStep kPipeline[] = {
    {"remove_identity", graph_only<passes::remove_identity>, ""},
    {"lower_qonnx", graph_only<passes::lower_qonnx>, ""},
    {"constant_folding", fold_constants_but_dequantize, ""},
    {"fuse_qdq", graph_only<passes::fuse_qdq>, "QConv"},
    {"lift_qlinear", graph_only<passes::lift_qlinear>, "QConv"},
    {"fuse_q_conv_residual", graph_only<passes::fuse_q_conv_residual>, "QConv"},
    {"fuse_dynamic_matmul", graph_only<passes::fuse_dynamic_matmul>, "QGemm"},
    {"fuse_dynamic_conv", graph_only<passes::fuse_dynamic_conv>, "QConv"},
    {"fold_dequantized_weights", fold_constants, ""},
    {"fold_batch_norm", graph_only<passes::fold_batch_norm>, ""},
    {"fuse_layer_norm", graph_only<passes::fuse_layer_norm>, ""},
    {"fuse_gelu", graph_only<passes::fuse_gelu>, "Gelu"},
    {"fuse_conv_activation", graph_only<passes::fuse_conv_activation>, "FusedConv"},
    {"fuse_matmul", graph_only<passes::fuse_matmul>, "FusedMatMul"},
    {"fuse_gemm_activation", graph_only<passes::fuse_gemm_activation>, "FusedGemm"},
};

}  // namespace

OptimizationReport optimize_graph(Graph& graph, const Model& model) {
  OptimizationReport report;
  report.nodes_before = graph.nodes.size();
  graph.validate_and_sort();  // the passes rely on topological order
  for (const PipelineStep& step : kPipeline) {
    if (*step.writes && !OpRegistry::instance().find("vigil", step.writes)) continue;
    report.passes.push_back({step.name, step.run(graph, model)});
  }
  passes::remove_dead_values(graph);
  graph.validate_and_sort();
  report.nodes_after = graph.nodes.size();
  if (log_level() <= LogLevel::Debug) {
    std::string counts;
    for (const auto& pass : report.passes) counts += " " + pass.pass + "=" + std::to_string(pass.rewrites);
    log_debug("graph optimizer: ", report.nodes_before, " -> ", report.nodes_after, " nodes;", counts);
  }
  return report;
}

std::shared_ptr<const Model> optimized_model(std::shared_ptr<const Model> model, OptimizationReport* report) {
  auto copy = std::make_shared<Model>(*model);
  try {
    OptimizationReport result = optimize_graph(copy->graph, *copy);
    if (report) *report = std::move(result);
  } catch (const Error& e) {
    log_warning(model->path.empty() ? "" : model->path + ": ",
                "graph optimisation failed, running the graph as it is: ", e.what());
    return model;
  }
  return copy;
}

}  // namespace vigil
