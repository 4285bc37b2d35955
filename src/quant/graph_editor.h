// SPDX-License-Identifier: Apache-2.0
// Editing an ONNX graph in its protobuf form, as the quantization writers (QDQ and
// dynamic) need it: names that collide with nothing in the model, new initializers
// from vigil Tensors, new nodes, the float initializers that no node reads any more
// dropped, and the opset the new nodes need.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace onnx {
class ModelProto;
class NodeProto;
class GraphProto;
}  // namespace onnx

namespace vigil::quant {

class GraphEditor {
 public:
  // `base_dir` locates external data of the model's initializers.
  GraphEditor(onnx::ModelProto& model, std::string base_dir);

  onnx::GraphProto& graph();
  // `base` itself if no value, node or initializer has that name yet, else base_1, base_2...
  std::string unique_name(const std::string& base);
  // Adds an initializer under a unique name made from `base`; returns the name.
  std::string add_initializer(const std::string& base, const Tensor& tensor);
  // The value of an initializer of the original model.
  Tensor initializer(const std::string& name) const;
  // A node of the default domain with a unique name made from `base`.
  onnx::NodeProto make_node(const std::string& op_type, const std::vector<std::string>& inputs,
                            const std::vector<std::string>& outputs, const std::string& base);
  // Removes the initializers among `names` that no node, graph input or output reads.
  void drop_unread_initializers(const std::set<std::string>& names);
  // A bad-input Error naming `why` if the model imports an ONNX opset
  // below `version` (changing a model's opset could change what its other nodes mean).
  void require_opset(int64_t version, const std::string& why) const;

 private:
  onnx::ModelProto& model_;
  std::string base_dir_;
  std::set<std::string> names_;
};

}  // namespace vigil::quant
