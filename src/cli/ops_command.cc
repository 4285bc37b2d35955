// SPDX-License-Identifier: Apache-2.0
// `vigil ops`: the operators vigil runs: the registry's, and the runtime's own
// (control flow, sequences and optionals).
#include <iostream>
#include <set>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "ops/registry.h"
#include "runtime/value_ops/value_operator.h"

namespace vigil::cli {

void add_ops_command(CLI::App& app) {
  auto json = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("ops", "List the operators vigil supports");
  command->add_option("--json", *json, "write the list as JSON to this file");
  command->callback([json] {
    nlohmann::json report = nlohmann::json::array();
    std::set<std::pair<std::string, std::string>> operators;
    for (const auto& entry : OpRegistry::instance().list()) operators.insert(entry);
    for (const std::string& name : value_operator_names()) operators.insert({"", name});
    for (const auto& [domain, op_type] : operators) {
      const std::string domain_name = domain.empty() ? "ai.onnx" : domain;
      std::cout << domain_name << "  " << op_type << "\n";
      report.push_back({{"domain", domain_name}, {"op_type", op_type}});
    }
    write_json_file(*json, report);
  });
}

}  // namespace vigil::cli
