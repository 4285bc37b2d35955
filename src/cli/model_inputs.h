// SPDX-License-Identifier: Apache-2.0
// Building a model's input tensors for the command line: from --input NAME=FILE
// options (.npy or ONNX TensorProto .pb files) or, with --random-inputs, from a seeded
// generator (symbolic dimensions become 1).
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "graph/graph.h"

namespace vigil::cli {

// Each spec is NAME=FILE; a bad-input Error names the spec or file that is wrong.
// An input that is also an initializer (ONNX's overridable default) gets the file's value
// in the graph itself, before a session is made from it.
std::map<std::string, Tensor> read_input_files(Graph& graph, const std::vector<std::string>& specs);

// Fills every graph input not already in `feeds` with seeded random values (floats in
// [-1, 1), integers in [0, 10), bools at random).
void add_random_inputs(const Graph& graph, std::map<std::string, Tensor>& feeds, uint64_t seed = 0);

// The --input NAME=FILE option (repeatable) of the commands that time or profile a model,
// whose other inputs get seeded random values.
void add_input_files_option(CLI::App& command, std::vector<std::string>& specs);

// The names of graph inputs missing from `feeds`.
std::vector<std::string> missing_inputs(const Graph& graph, const std::map<std::string, Tensor>& feeds);

}  // namespace vigil::cli
