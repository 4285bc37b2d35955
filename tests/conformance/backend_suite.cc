// SPDX-License-Identifier: Apache-2.0
// Running one backend test case.
#include "backend_suite.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include "core/error.h"
#include "onnx_io/model_import.h"
#include "onnx_io/tensor_proto.h"
#include "onnx_io/value_proto.h"
#include "runtime/session.h"

namespace vigil::conformance {

namespace fs = std::filesystem;

namespace {

template <class T>
bool values_close(T actual, T expected) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(expected)) return std::isnan(actual);
    if (std::isinf(expected)) return actual == expected;
    return std::fabs(static_cast<double>(actual) - expected) <= 1e-5 + 1e-3 * std::fabs(static_cast<double>(expected));
  } else {
    return actual == expected;
  }
}

// Empty when equal; otherwise the first difference in words.
std::string compare(const Tensor& actual, const Tensor& expected) {
  if (actual.dtype() != expected.dtype()) {
    return "type " + dtype_name(actual.dtype()) + ", expected " + dtype_name(expected.dtype());
  }
  if (actual.shape() != expected.shape()) {
    return "shape " + shape_to_string(actual.shape()) + ", expected " + shape_to_string(expected.shape());
  }
  if (expected.dtype() == DType::String) {
    const std::string* a = actual.data<std::string>();
    const std::string* e = expected.data<std::string>();
    for (int64_t i = 0; i < expected.numel(); ++i) {
      if (a[i] != e[i]) return str_cat("element ", i, " is '", a[i], "', expected '", e[i], "'");
    }
    return "";
  }
  std::string difference;
  dispatch_dtype(expected.dtype(), "comparison", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* a = actual.data<T>();
    const T* e = expected.data<T>();
    for (int64_t i = 0; i < expected.numel() && difference.empty(); ++i) {
      bool close;
      if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
        close = values_close(static_cast<float>(a[i]), static_cast<float>(e[i]));
      } else {
        close = values_close(a[i], e[i]);
      }
      if (!close) {
        difference =
            str_cat("element ", i, " is ", convert_element<double>(a[i]), ", expected ", convert_element<double>(e[i]));
      }
    }
  });
  return difference;
}

// Values: an empty optional matches only an empty optional; sequences element by
// element. Whether a present value carries the optional mark does not matter.
std::string compare(const Value& actual, const Value& expected) {
  if (actual.is_none() || expected.is_none()) {
    return actual.is_none() == expected.is_none() ? "" : actual.describe() + ", expected " + expected.describe();
  }
  if (actual.is_sequence() != expected.is_sequence()) return actual.describe() + ", expected " + expected.describe();
  if (!expected.is_sequence()) return compare(actual.tensor(), expected.tensor());
  const auto& a = actual.elements();
  const auto& e = expected.elements();
  if (a.size() != e.size()) return str_cat(a.size(), " sequence elements, expected ", e.size());
  for (size_t i = 0; i < e.size(); ++i) {
    const std::string difference = compare(a[i], e[i]);
    if (!difference.empty()) return str_cat("sequence element ", i, ": ", difference);
  }
  return "";
}

// A test-data file holding a value of the declared kind.
Value read_value_file(const fs::path& path, const ValueInfo& declared) {
  if (declared.optional) return read_optional_pb_file(path.string());
  if (declared.kind == TypeKind::Sequence) return read_sequence_pb_file(path.string());
  return read_tensor_pb_file(path.string());
}

// The suite of onnx 1.12 stores bfloat16 test data as uint16 tensors holding the same
// bits; read them as the bfloat16 values the model declares.
Tensor as_declared_bfloat16(const Tensor& tensor, DType declared) {
  if (declared != DType::BFloat16 || tensor.dtype() != DType::UInt16) return tensor;
  Tensor converted(DType::BFloat16, tensor.shape());
  std::memcpy(converted.raw(), tensor.raw(), tensor.nbytes());
  return converted;
}

std::vector<fs::path> sorted_files(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) files.push_back(entry.path());
  }
  // input_10.pb sorts after input_9.pb: order by the number.
  std::sort(files.begin(), files.end(), [&](const fs::path& a, const fs::path& b) {
    auto number = [&](const fs::path& p) { return std::stoi(p.stem().string().substr(prefix.size())); };
    return number(a) < number(b);
  });
  return files;
}

}  // namespace

// Runs a case twice when its inputs are all tensors: the first run plans the session's
// memory and the second runs on the plan (the path every repeated inference takes), so
// both are held to the expected outputs. Sequences and optionals take the general path.
std::vector<Value> run_twice(Session& session, const std::map<std::string, Value>& feeds) {
  const auto& outputs_declared = session.graph().outputs;
  if (!std::all_of(outputs_declared.begin(), outputs_declared.end(),
                   [](const ValueInfo& output) { return output.kind == TypeKind::Tensor && !output.optional; })) {
    return session.run_values(feeds);
  }
  std::vector<const Tensor*> inputs;
  for (const ValueInfo& declared : session.graph().inputs) {
    auto it = feeds.find(declared.name);
    if (it == feeds.end() || !it->second.is_tensor() || feeds.size() != session.graph().inputs.size()) {
      return session.run_values(feeds);
    }
    inputs.push_back(&it->second.tensor());
  }
  std::vector<Tensor> outputs;
  session.run_into(inputs, outputs);
  session.run_into(inputs, outputs);
  return std::vector<Value>(outputs.begin(), outputs.end());
}

std::string backend_data_root() {
  const char* root = std::getenv("VIGIL_ONNX_TESTDATA");
  return root ? root : "/usr/share/libonnx-testdata/data";
}

CaseResult run_backend_case(const std::string& case_dir) {
  try {
    auto model = load_model((fs::path(case_dir) / "model.onnx").string());
    for (const ValueInfo& input : model->graph.inputs) {
      if (input.kind == TypeKind::Other || (input.kind == TypeKind::Tensor && input.dtype == DType::Undefined)) {
        return {Outcome::Unsupported,
                "input '" + input.name + "' is neither a typed tensor, a sequence nor an optional"};
      }
    }
    for (const ValueInfo& output : model->graph.outputs) {
      if (output.kind == TypeKind::Other || (output.kind == TypeKind::Tensor && output.dtype == DType::Undefined)) {
        return {Outcome::Unsupported,
                "output '" + output.name + "' is neither a typed tensor, a sequence nor an optional"};
      }
    }
    Session session(model);
    std::vector<fs::path> data_sets;
    for (const auto& entry : fs::directory_iterator(case_dir)) {
      if (entry.is_directory() && entry.path().filename().string().rfind("test_data_set_", 0) == 0) {
        data_sets.push_back(entry.path());
      }
    }
    std::sort(data_sets.begin(), data_sets.end());
    for (const fs::path& data_set : data_sets) {
      std::map<std::string, Value> feeds;
      const auto inputs = sorted_files(data_set, "input_");
      for (size_t i = 0; i < inputs.size() && i < model->graph.inputs.size(); ++i) {
        const ValueInfo& declared = model->graph.inputs[i];
        Value value = read_value_file(inputs[i], declared);
        if (value.is_tensor()) value = as_declared_bfloat16(value.tensor(), declared.dtype);
        feeds[declared.name] = value;
      }
      const std::vector<Value> outputs = run_twice(session, feeds);
      const auto expected = sorted_files(data_set, "output_");
      for (size_t o = 0; o < expected.size() && o < outputs.size(); ++o) {
        Value wanted = read_value_file(expected[o], model->graph.outputs[o]);
        if (wanted.is_tensor() && outputs[o].is_tensor()) {
          wanted = as_declared_bfloat16(wanted.tensor(), outputs[o].tensor().dtype());
        }
        const std::string difference = compare(outputs[o], wanted);
        if (!difference.empty()) {
          return {Outcome::Fail,
                  data_set.filename().string() + " output '" + model->graph.outputs[o].name + "': " + difference};
        }
      }
    }
    return {Outcome::Pass, ""};
  } catch (const Error& e) {
    return {e.kind() == ErrorKind::Unsupported ? Outcome::Unsupported : Outcome::Fail, e.what()};
  } catch (const std::exception& e) {
    return {Outcome::Fail, std::string("exception: ") + e.what()};
  }
}

}  // namespace vigil::conformance
