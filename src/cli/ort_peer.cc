// SPDX-License-Identifier: Apache-2.0
// Starting and talking to the ONNX Runtime peer process (ort_peer.h): posix_spawn with
// pipes for stdin and stdout, stderr into a file that is read back when the peer fails.
#include "cli/ort_peer.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file_io.h"
#include "io/npy.h"

extern char** environ;

namespace vigil::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSetupHint = "install it with 'scripts/setup.sh --models'";

// An executable named `name` in a folder of PATH, or empty.
std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string folders = path ? path : "";
  size_t start = 0;
  while (start <= folders.size()) {
    size_t end = folders.find(':', start);
    if (end == std::string::npos) end = folders.size();
    const fs::path candidate = fs::path(folders.substr(start, end - start)) / name;
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return "";
}

// VIGIL_BENCH_DIR, or the nearest parent of the executable's folder with bench/ort_run.js.
fs::path find_bench_folder() {
  if (const char* given = std::getenv("VIGIL_BENCH_DIR"); given && *given) {
    check_input(fs::is_regular_file(fs::path(given) / "ort_run.js"), "--peer ort: VIGIL_BENCH_DIR=", given,
                " has no ort_run.js");
    return given;
  }
  std::error_code error;
  const fs::path executable = fs::read_symlink("/proc/self/exe", error);
  for (fs::path folder = executable.parent_path(); !error && !folder.empty(); folder = folder.parent_path()) {
    if (fs::is_regular_file(folder / "bench" / "ort_run.js")) return folder / "bench";
    if (folder == folder.root_path()) break;
  }
  fail_bad_input(
      "--peer ort: no bench/ort_run.js in a parent folder of the vigil executable (set VIGIL_BENCH_DIR "
      "to vigil's bench folder)");
}

// package.json and version files are small.
constexpr size_t kMaxSmallFileBytes = size_t{1} << 20;

// The first line of a file, or empty.
std::string first_line_of(const fs::path& path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return "";
  const std::string text = read_file(path.string(), kMaxSmallFileBytes);
  return text.substr(0, text.find('\n'));
}

}  // namespace

OrtPeer::OrtPeer(const std::string& model_path, const std::map<std::string, Tensor>& feeds, int threads) {
  const std::string node = find_on_path("node");
  check_input(!node.empty(), "--peer ort: node (Node.js) is not on PATH: ", kSetupHint);
  const fs::path bench = find_bench_folder();
  const fs::path package = bench / "node_modules" / "onnxruntime-node" / "package.json";
  check_input(fs::is_regular_file(package), "--peer ort: onnxruntime-node is missing from ", bench.string(),
              "/node_modules: ", kSetupHint);
  name_ = "onnxruntime-node";
  if (const auto about = nlohmann::json::parse(read_file(package.string(), kMaxSmallFileBytes), nullptr, false);
      about.is_object() && about.contains("version") && about["version"].is_string()) {
    name_ += " " + about["version"].get<std::string>();
  }

  std::string pattern = (fs::temp_directory_path() / "vigil-bench-XXXXXX").string();
  check_input(::mkdtemp(pattern.data()) != nullptr, "--peer ort: cannot create a temporary folder in ",
              fs::temp_directory_path().string());
  folder_ = pattern;

  std::vector<std::string> arguments = {
      node,        (bench / "ort_run.js").string(), fs::absolute(model_path).string(), "--serve",
      "--threads", std::to_string(threads)};
  try {
    int index = 0;
    for (const auto& [name, tensor] : feeds) {
      const std::string file = (fs::path(folder_) / ("input" + std::to_string(index++) + ".npy")).string();
      write_scratch_file(file, serialize_npy(tensor));  // node reads it now, not when the command ends
      arguments.push_back("--input");
      arguments.push_back(name + "=" + file);
    }
  } catch (...) {
    std::error_code error;
    fs::remove_all(folder_, error);
    throw;
  }

  // A peer that dies must turn into an error message, not a SIGPIPE that ends vigil.
  ::signal(SIGPIPE, SIG_IGN);
  int to_peer[2], from_peer[2];
  if (::pipe2(to_peer, O_CLOEXEC) != 0 || ::pipe2(from_peer, O_CLOEXEC) != 0) {
    fail_with_peer_message("could not be started (no pipes)");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_peer[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, from_peer[1], STDOUT_FILENO);
  const std::string stderr_file = (fs::path(folder_) / "stderr.txt").string();
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const int spawned = ::posix_spawn(&pid_, node.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(to_peer[0]);
  ::close(from_peer[1]);
  request_fd_ = to_peer[1];
  replies_ = ::fdopen(from_peer[0], "r");
  if (spawned != 0) {
    pid_ = -1;
    fail_with_peer_message("could not be started (" + node + ")");
  }
  if (read_line() != "ready") fail_with_peer_message("did not load the model");
}

OrtPeer::~OrtPeer() {
  stop();
  std::error_code error;
  if (!folder_.empty()) fs::remove_all(folder_, error);
}

std::vector<double> OrtPeer::time_runs(int count) {
  const std::string request = "run " + std::to_string(count) + "\n";
  if (::write(request_fd_, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    fail_with_peer_message("stopped taking requests");
  }
  const auto reply = nlohmann::json::parse(read_line(), nullptr, false);
  if (!reply.is_object() || !reply.contains("times_ms") || !reply["times_ms"].is_array() ||
      reply["times_ms"].size() != static_cast<size_t>(count)) {
    fail_with_peer_message("gave no timings");
  }
  std::vector<double> times;
  for (const auto& time : reply["times_ms"]) times.push_back(time.get<double>());
  return times;
}

std::string OrtPeer::read_line() {
  std::string line;
  if (replies_ == nullptr) return line;
  for (int c = std::fgetc(replies_); c != EOF && c != '\n'; c = std::fgetc(replies_)) line += static_cast<char>(c);
  return line;
}

void OrtPeer::fail_with_peer_message(const std::string& what) {
  stop();  // the process has exited or is killed: its stderr is complete
  const std::string message = first_line_of(fs::path(folder_) / "stderr.txt");
  std::error_code error;
  fs::remove_all(folder_, error);
  folder_.clear();
  fail_bad_input("--peer ort: ONNX Runtime ", what, message.empty() ? "" : ": ", message);
}

void OrtPeer::stop() {
  if (request_fd_ >= 0) ::close(request_fd_);  // end of stdin: the peer's request loop ends
  request_fd_ = -1;
  if (replies_) std::fclose(replies_);
  replies_ = nullptr;
  if (pid_ > 0) {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
}

}  // namespace vigil::cli
