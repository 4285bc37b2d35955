// SPDX-License-Identifier: Apache-2.0
// `vigil info`: what a model is. Inputs and outputs, the operator histogram, the
// parameter count, and per layer the MACs and bytes (measured by running the model once
// on random inputs with symbolic dimensions set to 1, so every shape is exact). Layers are
// those of the optimised graph unless --no-optimize; --optimized also prints what the
// optimisation passes did and the algorithm each operator runs.
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/model_inputs.h"
#include "core/log.h"
#include "onnx_io/model_import.h"
#include "runtime/graph_optimizer.h"
#include "runtime/session.h"
#include "runtime/step_costs.h"

namespace vigil::cli {

namespace {

struct InfoOptions {
  std::string model;
  std::string json;
  bool no_optimize = false;
  bool optimized = false;
};

// Runs the model once and records each layer's cost; empty with a warning if it cannot run.
std::vector<StepCost> measure_layers(const std::shared_ptr<const Model>& model) {
  try {
    Session session(model, SessionOptions{1, false});  // the caller chose the graph, optimised or not
    std::map<std::string, Tensor> feeds;
    add_random_inputs(model->graph, feeds);
    return measure_step_costs(session, feeds);
  } catch (const Error& e) {
    log_warning("per-layer costs need one run of the model, which failed: ", e.what());
    return {};
  }
}

void info(const InfoOptions& options) {
  auto model = load_model(options.model);
  const Graph& graph = model->graph;
  nlohmann::json report = {{"model", options.model}, {"ir_version", model->ir_version}, {"producer", model->producer}};
  std::cout << options.model << "  (IR " << model->ir_version << ", producer '" << model->producer << "', opsets";
  for (const auto& [domain, version] : model->opsets) {
    std::cout << " " << (domain.empty() ? "ai.onnx" : domain) << ":" << version;
    report["opsets"][domain.empty() ? "ai.onnx" : domain] = version;
  }
  std::cout << ")\n";
  for (const auto* list : {&graph.inputs, &graph.outputs}) {
    const bool is_input = list == &graph.inputs;
    for (const ValueInfo& value : *list) {
      std::cout << (is_input ? "  input  " : "  output ") << value.name << ": " << value_info_to_string(value) << "\n";
      report[is_input ? "inputs" : "outputs"].push_back({{"name", value.name}, {"type", value_info_to_string(value)}});
    }
  }

  int64_t parameters = 0, parameter_bytes = 0;
  for (const auto& [name, tensor] : graph.initializers) {
    parameters += tensor.numel();
    parameter_bytes += static_cast<int64_t>(tensor.nbytes());
  }
  std::map<std::string, int> histogram;
  for (const Node& node : graph.nodes) histogram[(node.domain.empty() ? "" : node.domain + ".") + node.op_type]++;
  std::cout << "  " << graph.nodes.size() << " nodes, " << parameters << " parameters (" << parameter_bytes
            << " bytes)\n  operators:";
  for (const auto& [op, count] : histogram) std::cout << " " << op << " x" << count;
  std::cout << "\n";
  report["nodes"] = graph.nodes.size();
  report["parameters"] = parameters;
  report["parameter_bytes"] = parameter_bytes;
  report["operators"] = histogram;

  std::shared_ptr<const Model> measured = model;
  if (!options.no_optimize) {
    OptimizationReport optimization;
    measured = optimized_model(model, &optimization);
    report["optimization"] = {{"nodes_before", optimization.nodes_before}, {"nodes_after", optimization.nodes_after}};
    for (const auto& pass : optimization.passes) report["optimization"]["passes"][pass.pass] = pass.rewrites;
    if (options.optimized) {
      std::cout << "\n  optimised graph: " << optimization.nodes_before << " -> " << optimization.nodes_after
                << " nodes\n  passes:";
      for (const auto& pass : optimization.passes) std::cout << " " << pass.pass << "=" << pass.rewrites;
      std::cout << "\n";
    }
  }

  const std::vector<StepCost> rows = measure_layers(measured);
  if (!rows.empty()) {
    int64_t total_macs = 0;
    std::printf("\n  %-32s %-20s %-22s %14s %14s %14s%s\n", "layer", "op", "output", "MACs", "bytes read",
                "bytes written", options.optimized ? "  algorithm" : "");
    for (const StepCost& row : rows) {
      // Long names (paths of nested modules) keep their informative end.
      const std::string name = row.name.size() > 32 ? ".." + row.name.substr(row.name.size() - 30) : row.name;
      std::printf("  %-32s %-20.20s %-22.22s %14lld %14lld %14lld", name.c_str(), row.op_type.c_str(),
                  row.output_shape.c_str(), static_cast<long long>(row.cost.macs),
                  static_cast<long long>(row.cost.bytes_read), static_cast<long long>(row.cost.bytes_written));
      std::printf("%s%s\n", options.optimized ? "  " : "", options.optimized ? row.algorithm.c_str() : "");
      total_macs += row.cost.macs;
      report["layers"].push_back({{"name", row.name},
                                  {"op_type", row.op_type},
                                  {"output_shape", row.output_shape},
                                  {"algorithm", row.algorithm},
                                  {"macs", row.cost.macs},
                                  {"bytes_read", row.cost.bytes_read},
                                  {"bytes_written", row.cost.bytes_written}});
    }
    std::printf("  total: %lld MACs (symbolic dimensions set to 1)\n", static_cast<long long>(total_macs));
    report["total_macs"] = total_macs;
  }
  std::fflush(stdout);
  write_json_file(options.json, report);
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto options = std::make_shared<InfoOptions>();
  CLI::App* command = app.add_subcommand(
      "info", "Describe a model: inputs, outputs, operators, parameters, and per layer the MACs and bytes");
  command->add_option("model", options->model, "ONNX model file")->required();
  command->add_option("--json", options->json, "write the description as JSON to this file");
  CLI::Option* no_optimize = command->add_flag("--no-optimize", options->no_optimize,
                                               "measure the graph as written, without the optimisation passes");
  command
      ->add_flag("--optimized", options->optimized,
                 "show what the optimisation passes did: node counts, rewrites per pass, and per layer the "
                 "algorithm its operator runs")
      ->excludes(no_optimize);
  command->callback([options] { info(*options); });
}

}  // namespace vigil::cli
