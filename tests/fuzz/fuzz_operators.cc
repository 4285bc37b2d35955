// SPDX-License-Identifier: Apache-2.0
// Structure-aware libFuzzer target for the operators. The bytes choose one operator that
// vigil registers and has an ONNX schema, and build a one-node model for it from that
// schema: each input of a type the schema allows, of rank 0 to 4 with small dimensions,
// fed at run time or held as an initializer, its values drawn from extremes (0, -1,
// INT64_MIN, 2^40, NaN, infinities, 1e30 ...); each attribute left out or set to an
// extreme of its kind (negative axes, zero strides, huge pads, unknown modes). The model
// then takes vigil's whole path: serialization, checker, shape inference, conversion,
// graph passes, session, one run, within a 256 MiB memory budget. A vigil::Error is the
// expected answer; a crash, a sanitizer report, another exception or a hang is a bug.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "core/memory_budget.h"
#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"
#include "onnx_io/model_import.h"
#include "ops/registry.h"
#include "runtime/session.h"

namespace {

constexpr int kOpset = 17;
constexpr int64_t kMaxFedElements = 4096;

// The fuzzer's bytes, read one choice at a time; zeros once they run out.
class Choices {
 public:
  Choices(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  unsigned next() { return at_ < size_ ? data_[at_++] : 0; }
  unsigned below(unsigned n) { return next() % n; }
  template <class T, size_t N>
  T pick(const T (&options)[N]) {
    return options[below(N)];
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

constexpr int64_t kInts[] = {0,
                             1,
                             -1,
                             2,
                             3,
                             4,
                             7,
                             -2,
                             64,
                             255,
                             -128,
                             int64_t{1} << 31,
                             int64_t{1} << 40,
                             std::numeric_limits<int64_t>::max(),
                             std::numeric_limits<int64_t>::min(),
                             1000000007};
constexpr double kFloats[] = {0.0,
                              1.0,
                              -1.0,
                              0.5,
                              2.0,
                              -0.0,
                              1e30,
                              -1e30,
                              1e-40,
                              3.4e38,
                              std::numeric_limits<double>::quiet_NaN(),
                              std::numeric_limits<double>::infinity(),
                              -std::numeric_limits<double>::infinity(),
                              6.0};
constexpr int64_t kDims[] = {1, 2, 3, 4, 1, 2, 0, 5, 8};
const char* const kStrings[] = {"",       "NOTSET",  "SAME_UPPER", "SAME_LOWER", "VALID",   "DCR",     "CRD",
                                "linear", "nearest", "cubic",      "constant",   "reflect", "edge",    "mean",
                                "max",    "none",    "half_pixel", "asymmetric", "tanh",    "Sigmoid", "\xff\xfe"};

const std::map<std::string, int> kTensorTypes = {
    {"tensor(float)", onnx::TensorProto::FLOAT},     {"tensor(double)", onnx::TensorProto::DOUBLE},
    {"tensor(float16)", onnx::TensorProto::FLOAT16}, {"tensor(bfloat16)", onnx::TensorProto::BFLOAT16},
    {"tensor(int8)", onnx::TensorProto::INT8},       {"tensor(uint8)", onnx::TensorProto::UINT8},
    {"tensor(int16)", onnx::TensorProto::INT16},     {"tensor(uint16)", onnx::TensorProto::UINT16},
    {"tensor(int32)", onnx::TensorProto::INT32},     {"tensor(uint32)", onnx::TensorProto::UINT32},
    {"tensor(int64)", onnx::TensorProto::INT64},     {"tensor(uint64)", onnx::TensorProto::UINT64},
    {"tensor(bool)", onnx::TensorProto::BOOL},       {"tensor(string)", onnx::TensorProto::STRING}};

// The operators with an ONNX schema, in a fixed order.
const std::vector<const onnx::OpSchema*>& schemas() {
  static const std::vector<const onnx::OpSchema*> list = [] {
    std::vector<const onnx::OpSchema*> found;
    for (const auto& [domain, op_type] : vigil::OpRegistry::instance().list()) {
      const onnx::OpSchema* schema = onnx::OpSchemaRegistry::Schema(op_type, kOpset, domain);
      if (schema && !schema->Deprecated()) found.push_back(schema);
    }
    return found;
  }();
  return list;
}

// The element type of a formal parameter: chosen once per type variable (T, T1, ...).
int choose_type(const onnx::OpSchema& schema, const std::string& type_str, std::map<std::string, int>& chosen,
                Choices& choices) {
  if (auto it = chosen.find(type_str); it != chosen.end()) return it->second;
  std::vector<int> allowed;
  if (auto direct = kTensorTypes.find(type_str); direct != kTensorTypes.end()) allowed.push_back(direct->second);
  for (const auto& constraint : schema.typeConstraintParams()) {
    if (constraint.type_param_str != type_str) continue;
    for (const std::string& type : constraint.allowed_type_strs) {
      if (auto it = kTensorTypes.find(type); it != kTensorTypes.end()) allowed.push_back(it->second);
    }
  }
  const int type = allowed.empty() ? 0 : allowed[choices.below(static_cast<unsigned>(allowed.size()))];
  chosen[type_str] = type;
  return type;
}

void fill_values(onnx::TensorProto& tensor, int64_t count, Choices& choices) {
  for (int64_t i = 0; i < count; ++i) {
    const int64_t integer = choices.pick(kInts);
    const double real = choices.pick(kFloats);
    switch (tensor.data_type()) {
      case onnx::TensorProto::FLOAT:
      case onnx::TensorProto::FLOAT16:
      case onnx::TensorProto::BFLOAT16: tensor.add_float_data(static_cast<float>(real)); break;
      case onnx::TensorProto::DOUBLE: tensor.add_double_data(real); break;
      case onnx::TensorProto::INT64: tensor.add_int64_data(integer); break;
      case onnx::TensorProto::UINT32:
      case onnx::TensorProto::UINT64: tensor.add_uint64_data(static_cast<uint64_t>(integer)); break;
      case onnx::TensorProto::STRING: tensor.add_string_data(choices.pick(kStrings)); break;
      case onnx::TensorProto::BOOL: tensor.add_int32_data(static_cast<int32_t>(integer & 1)); break;
      case onnx::TensorProto::INT8: tensor.add_int32_data(static_cast<int8_t>(integer)); break;
      case onnx::TensorProto::UINT8: tensor.add_int32_data(static_cast<uint8_t>(integer)); break;
      case onnx::TensorProto::INT16: tensor.add_int32_data(static_cast<int16_t>(integer)); break;
      case onnx::TensorProto::UINT16: tensor.add_int32_data(static_cast<uint16_t>(integer)); break;
      default: tensor.add_int32_data(static_cast<int32_t>(integer)); break;
    }
  }
}

void set_attribute(onnx::AttributeProto& attribute, onnx::AttributeProto::AttributeType type, Choices& choices) {
  attribute.set_type(type);
  const unsigned length = choices.below(5);
  switch (type) {
    case onnx::AttributeProto::INT: attribute.set_i(choices.pick(kInts)); break;
    case onnx::AttributeProto::FLOAT: attribute.set_f(static_cast<float>(choices.pick(kFloats))); break;
    case onnx::AttributeProto::STRING: attribute.set_s(choices.pick(kStrings)); break;
    case onnx::AttributeProto::INTS:
      for (unsigned i = 0; i < length; ++i) attribute.add_ints(choices.pick(kInts));
      break;
    case onnx::AttributeProto::FLOATS:
      for (unsigned i = 0; i < length; ++i) attribute.add_floats(static_cast<float>(choices.pick(kFloats)));
      break;
    case onnx::AttributeProto::STRINGS:
      for (unsigned i = 0; i < length; ++i) attribute.add_strings(choices.pick(kStrings));
      break;
    case onnx::AttributeProto::TENSOR: {
      onnx::TensorProto& tensor = *attribute.mutable_t();
      tensor.set_data_type(choices.below(2) ? onnx::TensorProto::FLOAT : onnx::TensorProto::INT64);
      if (length) tensor.add_dims(length);
      fill_values(tensor, std::max<unsigned>(length, 1), choices);
      break;
    }
    default: break;  // graphs and sparse tensors are left out
  }
}

// Builds the model; false when the operator cannot be expressed (a graph attribute it requires).
bool build_model(const onnx::OpSchema& schema, Choices& choices, onnx::ModelProto& model) {
  model.set_ir_version(8);
  auto* opset = model.add_opset_import();
  opset->set_domain(schema.domain());
  opset->set_version(schema.domain().empty() ? kOpset : schema.since_version());
  onnx::GraphProto& graph = *model.mutable_graph();
  graph.set_name("fuzz");
  onnx::NodeProto& node = *graph.add_node();
  node.set_op_type(schema.Name());
  node.set_domain(schema.domain());
  node.set_name("fuzzed");
  std::map<std::string, int> types;
  const auto& formals = schema.inputs();
  for (size_t i = 0; i < formals.size(); ++i) {
    const auto& formal = formals[i];
    const bool variadic = formal.GetOption() == onnx::OpSchema::Variadic;
    const unsigned copies = variadic ? 1 + choices.below(3) : 1;
    for (unsigned c = 0; c < copies; ++c) {
      const std::string name = "in" + std::to_string(node.input_size());
      if (formal.GetOption() == onnx::OpSchema::Optional && choices.below(3) == 0) {
        node.add_input("");
        continue;
      }
      node.add_input(name);
      const int type = choose_type(schema, formal.GetTypeStr(), types, choices);
      if (type == 0) return false;
      const unsigned rank = choices.below(5);
      std::vector<int64_t> dims;
      int64_t count = 1;
      for (unsigned d = 0; d < rank; ++d) {
        dims.push_back(choices.pick(kDims));
        count *= dims.back();
      }
      if (choices.below(2)) {  // an initializer: its values are part of the model
        onnx::TensorProto& tensor = *graph.add_initializer();
        tensor.set_name(name);
        tensor.set_data_type(type);
        for (int64_t d : dims) tensor.add_dims(d);
        fill_values(tensor, count, choices);
      } else {
        onnx::ValueInfoProto& input = *graph.add_input();
        input.set_name(name);
        auto* tensor_type = input.mutable_type()->mutable_tensor_type();
        tensor_type->set_elem_type(type);
        for (int64_t d : dims) tensor_type->mutable_shape()->add_dim()->set_dim_value(d);
      }
    }
  }
  while (node.input_size() && node.input(node.input_size() - 1).empty()) node.mutable_input()->RemoveLast();
  for (const auto& [name, attribute] : schema.attributes()) {
    const bool graph_kind =
        attribute.type == onnx::AttributeProto::GRAPH || attribute.type == onnx::AttributeProto::GRAPHS;
    if (graph_kind && attribute.required) return false;
    if (graph_kind || (!attribute.required && choices.below(2))) continue;
    onnx::AttributeProto& set = *node.add_attribute();
    set.set_name(name);
    set_attribute(set, attribute.type, choices);
  }
  for (size_t o = 0; o < std::max<size_t>(schema.min_output(), 1) && o < schema.outputs().size(); ++o) {
    const std::string name = "out" + std::to_string(o);
    node.add_output(name);
    onnx::ValueInfoProto& output = *graph.add_output();
    output.set_name(name);
    const int type = choose_type(schema, schema.outputs()[o].GetTypeStr(), types, choices);
    if (type == 0) return false;
    output.mutable_type()->mutable_tensor_type()->set_elem_type(type);
    output.mutable_type()->mutable_tensor_type()->mutable_shape();
  }
  return true;
}

// Run-time values for the inputs the graph declares, their elements from the extremes.
std::map<std::string, vigil::Tensor> feeds_for(const vigil::Graph& graph, Choices& choices) {
  std::map<std::string, vigil::Tensor> feeds;
  for (const vigil::ValueInfo& input : graph.inputs) {
    vigil::Shape shape;
    for (const vigil::Dim& dim : input.dims) shape.push_back(dim.is_fixed() ? dim.value : 1);
    vigil::Tensor tensor(input.dtype, shape);
    if (tensor.numel() > kMaxFedElements) return {};
    if (input.dtype != vigil::DType::String) {
      vigil::dispatch_dtype(input.dtype, "fuzz", [&](auto tag) {
        using T = typename decltype(tag)::type;
        T* data = tensor.data<T>();
        for (int64_t i = 0; i < tensor.numel(); ++i) {
          if constexpr (std::is_floating_point_v<T>) {
            data[i] = static_cast<T>(choices.pick(kFloats));
          } else if constexpr (std::is_integral_v<T>) {
            data[i] = static_cast<T>(choices.pick(kInts));
          } else {
            data[i] = vigil::convert_element<T>(static_cast<float>(choices.pick(kFloats)));
          }
        }
      });
    }
    feeds[input.name] = tensor;
  }
  return feeds;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vigil::set_log_level(vigil::LogLevel::Error);
  vigil::set_memory_budget(size_t{256} << 20);
  Choices choices(data, size);
  const auto& all = schemas();
  const onnx::OpSchema& schema = *all[(choices.next() << 8 | choices.next()) % all.size()];
  onnx::ModelProto model;
  if (!build_model(schema, choices, model)) return 0;
  try {
    auto loaded = vigil::load_model_from_bytes(model.SerializeAsString(), "fuzz.onnx");
    vigil::Session session(loaded, vigil::SessionOptions{1, choices.below(2) == 0});
    const auto feeds = feeds_for(loaded->graph, choices);
    if (feeds.size() == loaded->graph.inputs.size()) session.run(feeds);
  } catch (const vigil::Error&) {
  }
  return 0;
}
