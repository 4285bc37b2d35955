// SPDX-License-Identifier: Apache-2.0
// The ONNX Runtime peer of `vigil bench --peer ort`: one node process running
// bench/ort_run.js --serve on the same model, inputs and thread count, kept alive for the
// whole benchmark so that vigil and ONNX Runtime can be timed in alternating blocks under
// the same machine conditions. node comes from PATH; bench/ (ort_run.js and its
// node_modules, installed by `scripts/setup.sh --models`) from VIGIL_BENCH_DIR or the
// nearest parent folder of the vigil executable that holds it (a build folder sits in the
// source tree).
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace vigil::cli {

class OrtPeer {
 public:
  // Writes `feeds` as .npy files into a temporary folder, starts the process and waits
  // until the model is loaded. A bad-input Error, one line, if node, bench/ort_run.js or
  // onnxruntime-node is missing, or if ONNX Runtime refuses the model.
  OrtPeer(const std::string& model_path, const std::map<std::string, Tensor>& feeds, int threads);
  ~OrtPeer();  // ends the process and removes the temporary folder
  OrtPeer(const OrtPeer&) = delete;
  OrtPeer& operator=(const OrtPeer&) = delete;

  // Runs the model `count` times in ONNX Runtime; the latency of each run in ms.
  std::vector<double> time_runs(int count);

  // "onnxruntime-node 1.30.0" (the version installed in bench/node_modules).
  const std::string& name() const { return name_; }

 private:
  std::string read_line();
  [[noreturn]] void fail_with_peer_message(const std::string& what);
  void stop();

  std::string name_;
  std::string folder_;  // the temporary inputs and the peer's stderr
  pid_t pid_ = -1;
  int request_fd_ = -1;           // the peer's stdin
  std::FILE* replies_ = nullptr;  // the peer's stdout
};

}  // namespace vigil::cli
