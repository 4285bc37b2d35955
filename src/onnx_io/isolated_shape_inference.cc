// SPDX-License-Identifier: Apache-2.0
// Shape inference in a forked child, its result returned through a pipe.
#include "onnx_io/isolated_shape_inference.h"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include "core/error.h"
#include "core/fd_io.h"
#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"

namespace vigil {

namespace {

// Shape inference of real models takes milliseconds; a model built to make it explode
// (local functions that call each other twice, 40 deep) would take centuries.
constexpr unsigned kTimeLimitSeconds = 10;

// In the child: infer within the time limit (SIGALRM ends it), then send a one-byte status ('+' inferred graph follows,
// '-' an error message follows) and the payload.
[[noreturn]] void run_child(onnx::ModelProto& model, int fd) {
  std::string reply;
  ::signal(SIGALRM, SIG_DFL);
  ::alarm(kTimeLimitSeconds);
  try {
    onnx::shape_inference::InferShapes(model);
    onnx::GraphProto shapes;
    *shapes.mutable_value_info() = model.graph().value_info();
    reply.push_back('+');
    reply.append(shapes.SerializeAsString());
  } catch (const std::exception& e) {
    reply.push_back('-');
    reply.append(e.what());
  }
  _exit(write_all(fd, reply) ? 0 : 1);
}

}  // namespace

std::string infer_shapes_isolated(onnx::ModelProto& model) {
  int fds[2];
  if (::pipe(fds) != 0) return str_cat("cannot create a pipe: ", std::strerror(errno));
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return str_cat("cannot start a process: ", std::strerror(errno));
  }
  if (child == 0) {
    ::close(fds[0]);
    run_child(model, fds[1]);
  }
  ::close(fds[1]);
  const std::string reply = read_all(fds[0]);
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
    return str_cat("it took longer than ", kTimeLimitSeconds, " s");
  }
  if (WIFSIGNALED(status)) {
    return str_cat("the onnx library crashed on this model (", ::strsignal(WTERMSIG(status)), ")");
  }
  if (reply.empty()) return "the inference process ended without an answer";
  if (reply[0] == '-') return reply.substr(1);
  onnx::GraphProto shapes;
  if (!shapes.ParseFromString(reply.substr(1))) return "the inference process sent an unreadable answer";
  *model.mutable_graph()->mutable_value_info() = shapes.value_info();
  return "";
}

}  // namespace vigil
