// SPDX-License-Identifier: Apache-2.0
// Loading an ONNX file into vigil's graph IR through the official onnx library: parse,
// run the onnx checker (its findings become one plain error line), run onnx shape
// inference in a child process (isolated_shape_inference.h; a failure becomes a warning
// and the graph still loads), convert every node,
// attribute, initializer and subgraph, then validate and sort the graph.
#pragma once

#include <memory>
#include <string>

#include "graph/graph.h"

namespace google::protobuf {
class MessageLite;
}

namespace vigil {

// The largest serialized protobuf message (a model, a TensorProto): the format's own limit.
constexpr size_t kMaxProtobufBytes = size_t{2} << 30;

// Parses a protobuf message, allowing nesting deeper than protobuf's default of 100
// messages: each level of If, Loop or Scan costs three (node, attribute, graph), and valid
// models nest control flow 50 deep. False if the bytes are not such a message.
bool parse_protobuf(const std::string& bytes, google::protobuf::MessageLite& message);

std::shared_ptr<Model> load_model(const std::string& path);
// The same from bytes already in memory; `path` names the source and locates external data.
std::shared_ptr<Model> load_model_from_bytes(const std::string& bytes, const std::string& path);

}  // namespace vigil
