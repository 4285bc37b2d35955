// SPDX-License-Identifier: Apache-2.0
// Stands for a loaded machine on which the operating system runs none of the thread pool's
// helpers: while a HeldHelpers lives, every other thread of the test process waits in a
// signal handler, so every parallel loop runs on its caller alone.
#pragma once

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "core/thread_pool.h"

namespace vigil::testing {

class HeldHelpers {
 public:
  // Starts the pool's helpers if there are none yet, lets them fall asleep, then holds them.
  HeldHelpers() {
    parallel_for(20, 2, [](int64_t) { std::this_thread::sleep_for(std::chrono::milliseconds(1)); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    struct sigaction action {};
    action.sa_handler = hold;
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR1, &action, &previous_);
    holding() = true;
    const pid_t self = static_cast<pid_t>(syscall(SYS_gettid));
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
      const pid_t thread = static_cast<pid_t>(std::stol(task.path().filename().string()));
      if (thread != self && syscall(SYS_tgkill, getpid(), thread, SIGUSR1) == 0) ++signalled_;
    }
    while (held() < signalled_) std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  ~HeldHelpers() {
    holding() = false;
    while (held() > 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
    sigaction(SIGUSR1, &previous_, nullptr);
  }
  HeldHelpers(const HeldHelpers&) = delete;
  HeldHelpers& operator=(const HeldHelpers&) = delete;

  int signalled() const { return signalled_; }  // the threads held

 private:
  static std::atomic<bool>& holding() {
    static std::atomic<bool> flag{false};
    return flag;
  }
  static std::atomic<int>& held() {
    static std::atomic<int> count{0};
    return count;
  }
  static void hold(int) {
    ++held();
    while (holding().load()) std::this_thread::sleep_for(std::chrono::microseconds(100));
    --held();
  }

  struct sigaction previous_ {};
  int signalled_ = 0;
};

}  // namespace vigil::testing
