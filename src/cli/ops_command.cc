// `vigil ops`: the operators vigil runs, from the registry.
#include <iostream>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "ops/registry.h"

namespace vigil::cli {

void add_ops_command(CLI::App& app) {
  auto json = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("ops", "List the operators vigil supports");
  command->add_option("--json", *json, "write the list as JSON to this file");
  command->callback([json] {
    nlohmann::json report = nlohmann::json::array();
    for (const auto& [domain, op_type] : OpRegistry::instance().list()) {
      const std::string domain_name = domain.empty() ? "ai.onnx" : domain;
      std::cout << domain_name << "  " << op_type << "\n";
      report.push_back({{"domain", domain_name}, {"op_type", op_type}});
    }
    write_json_file(*json, report);
  });
}

}  // namespace vigil::cli
