// SPDX-License-Identifier: Apache-2.0
// vigil_conformance: runs the ONNX backend test suite folder by folder, prints pass /
// fail / unsupported counts, and checks that every case listed in the expected-pass file
// still passes (a regression fails the run). --write-passing records the current list.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "backend_suite.h"
#include "core/log.h"

namespace fs = std::filesystem;
using vigil::conformance::Outcome;

int main(int argc, char** argv) {
  CLI::App app{"Run the ONNX backend test suite through vigil"};
  std::string root = vigil::conformance::backend_data_root();
  std::vector<std::string> folders{"node", "pytorch-converted", "pytorch-operator", "simple"};
  std::string filter;
  std::string expected_file;
  std::string write_passing;
  bool verbose = false;
  app.add_option("--root", root, "folder holding the suite's folders");
  app.add_option("--folder", folders, "folders to run");
  app.add_option("--filter", filter, "run only cases whose name contains this");
  app.add_option("--expected", expected_file, "file listing folder/case that must pass");
  app.add_option("--write-passing", write_passing, "write the passing cases here");
  app.add_flag("-v,--verbose", verbose, "print every case that does not pass, with the reason");
  CLI11_PARSE(app, argc, argv);
  vigil::set_log_level(vigil::LogLevel::Error);

  std::set<std::string> expected;
  if (!expected_file.empty()) {
    std::ifstream file(expected_file);
    if (!file) {
      std::cerr << "vigil_conformance: cannot read " << expected_file << "\n";
      return 2;
    }
    for (std::string line; std::getline(file, line);) {
      if (!line.empty() && line[0] != '#') expected.insert(line);
    }
  }

  std::set<std::string> passing;
  std::vector<std::string> regressions;
  for (const std::string& folder : folders) {
    const fs::path dir = fs::path(root) / folder;
    if (!fs::is_directory(dir)) {
      std::cerr << "vigil_conformance: " << dir.string() << " is not a folder (install libonnx-testdata)\n";
      return 2;
    }
    std::vector<std::string> cases;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_directory() && entry.path().filename().string().find(filter) != std::string::npos) {
        cases.push_back(entry.path().filename().string());
      }
    }
    std::sort(cases.begin(), cases.end());
    int counts[3] = {0, 0, 0};
    for (const std::string& name : cases) {
      const auto result = vigil::conformance::run_backend_case((dir / name).string());
      counts[static_cast<int>(result.outcome)]++;
      const std::string id = folder + "/" + name;
      if (result.outcome == Outcome::Pass) {
        passing.insert(id);
      } else {
        if (expected.count(id)) regressions.push_back(id + ": " + result.detail);
        if (verbose) {
          std::cout << (result.outcome == Outcome::Fail ? "FAIL " : "UNSUPPORTED ") << id << ": " << result.detail
                    << "\n";
        }
      }
    }
    std::cout << folder << ": " << counts[0] << " pass, " << counts[1] << " fail, " << counts[2] << " unsupported, of "
              << cases.size() << "\n";
  }

  if (!write_passing.empty()) {
    std::ofstream file(write_passing);
    file << "# ONNX backend test cases vigil passes; tests/conformance checks that they still do.\n";
    for (const std::string& id : passing) file << id << "\n";
  }
  int newly_passing = 0;
  for (const std::string& id : passing) newly_passing += expected_file.empty() ? 0 : !expected.count(id);
  if (newly_passing) std::cout << newly_passing << " cases pass that the expected list does not name yet\n";
  for (const std::string& regression : regressions) std::cout << "REGRESSION " << regression << "\n";
  if (!expected_file.empty()) {
    std::cout << (expected.size() - regressions.size()) << " of " << expected.size() << " expected cases pass\n";
  }
  return regressions.empty() ? 0 : 1;
}
