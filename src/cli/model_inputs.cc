// SPDX-License-Identifier: Apache-2.0
// Input tensors from files or a seeded generator.
#include "cli/model_inputs.h"

#include <random>

#include "io/npy.h"
#include "onnx_io/tensor_proto.h"

namespace vigil::cli {

std::map<std::string, Tensor> read_input_files(Graph& graph, const std::vector<std::string>& specs) {
  std::map<std::string, Tensor> feeds;
  for (const std::string& spec : specs) {
    const size_t equals = spec.find('=');
    check_input(equals != std::string::npos && equals > 0 && equals + 1 < spec.size(), "--input '", spec,
                "': expected NAME=FILE");
    const std::string name = spec.substr(0, equals);
    const std::string path = spec.substr(equals + 1);
    bool known = graph.overridable_initializers.count(name) > 0;
    for (const ValueInfo& input : graph.inputs) known |= input.name == name;
    check_input(known, "--input '", spec, "': the model has no input named '", name, "'");
    const bool is_npy = path.size() >= 4 && path.compare(path.size() - 4, 4, ".npy") == 0;
    Tensor value = is_npy ? read_npy_file(path) : read_tensor_pb_file(path);
    if (graph.overridable_initializers.count(name)) {
      const Tensor& initial = graph.initializers.at(name);
      check_input(value.dtype() == initial.dtype() && value.shape() == initial.shape(), "--input '", spec, "': input '",
                  name, "' (an initializer) is ", dtype_name(initial.dtype()), shape_to_string(initial.shape()),
                  ", the file holds ", dtype_name(value.dtype()), shape_to_string(value.shape()));
      graph.initializers[name] = std::move(value);
    } else {
      feeds[name] = std::move(value);
    }
  }
  return feeds;
}

void add_random_inputs(const Graph& graph, std::map<std::string, Tensor>& feeds, uint64_t seed) {
  std::mt19937_64 generator(seed);
  for (const ValueInfo& input : graph.inputs) {
    if (feeds.count(input.name)) continue;
    check_input(input.has_shape, "input '", input.name, "' has no declared shape: give it with --input");
    Shape shape;
    for (const Dim& dim : input.dims) shape.push_back(dim.is_fixed() ? dim.value : 1);
    Tensor tensor(input.dtype, shape);
    dispatch_dtype(input.dtype, "random input '" + input.name + "'", [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* data = tensor.data<T>();
      const int64_t count = tensor.numel();
      for (int64_t i = 0; i < count; ++i) {
        if constexpr (std::is_same_v<T, bool>) {
          data[i] = generator() & 1;
        } else if constexpr (std::is_integral_v<T>) {
          data[i] = static_cast<T>(generator() % 10);
        } else {
          const float value = std::uniform_real_distribution<float>(-1.0f, 1.0f)(generator);
          data[i] = convert_element<T>(value);
        }
      }
    });
    feeds[input.name] = tensor;
  }
}

std::vector<std::string> missing_inputs(const Graph& graph, const std::map<std::string, Tensor>& feeds) {
  std::vector<std::string> missing;
  for (const ValueInfo& input : graph.inputs) {
    if (!feeds.count(input.name)) missing.push_back(input.name);
  }
  return missing;
}

void add_input_files_option(CLI::App& command, std::vector<std::string>& specs) {
  command
      .add_option("--input", specs,
                  "NAME=FILE: the value of input NAME (.npy or TensorProto .pb); inputs not given get "
                  "seeded random values, symbolic dimensions 1")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
}

}  // namespace vigil::cli
