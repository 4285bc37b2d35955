// SPDX-License-Identifier: Apache-2.0
// Staged outputs, their commit, and the signal handler that removes temporary files.
#include "core/output_files.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <vector>

#include "core/error.h"

namespace vigil {

namespace {

namespace fs = std::filesystem;

struct StagedFile {
  std::string target;
  std::string temporary;  // empty: written in place at commit, from `bytes`
  std::string bytes;
};

struct Transaction {
  std::vector<StagedFile> staged;
  std::set<std::string> inputs;  // canonical paths of regular files read
};

Transaction* open_transaction = nullptr;

// Temporary files alive now, for the signal handler; changed only with signals blocked.
std::vector<std::string> live_temporaries;

class SignalsBlocked {
 public:
  SignalsBlocked() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
    pthread_sigmask(SIG_BLOCK, &set, &previous_);
  }
  ~SignalsBlocked() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

 private:
  sigset_t previous_;
};

extern "C" void remove_temporaries_and_die(int signal_number) {
  for (const std::string& path : live_temporaries) ::unlink(path.c_str());
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

void install_signal_handlers() {
  static const bool installed = [] {
    for (int s : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction action {};
      action.sa_handler = remove_temporaries_and_die;
      sigemptyset(&action.sa_mask);
      struct sigaction previous {};
      sigaction(s, nullptr, &previous);
      if (previous.sa_handler != SIG_IGN) sigaction(s, &action, nullptr);  // keep nohup's choice
    }
    return true;
  }();
  (void)installed;
}

void forget_temporary(const std::string& path) {
  SignalsBlocked blocked;
  for (size_t i = 0; i < live_temporaries.size(); ++i) {
    if (live_temporaries[i] == path) {
      live_temporaries.erase(live_temporaries.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
  }
}

void remove_temporary(const std::string& path) {
  ::unlink(path.c_str());
  forget_temporary(path);
}

// The same file whatever the spelling (relative, "..", symlinks), for files not yet made too.
std::string canonical_name(const std::string& path) {
  std::error_code error;
  const fs::path name = fs::weakly_canonical(fs::absolute(path, error), error);
  return error ? path : name.string();
}

bool is_special_file(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  return fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status);
}

void write_all(int fd, const std::string& bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    check_input(n > 0, path, ": writing failed: ", std::strerror(errno));
    done += static_cast<size_t>(n);
  }
}

void write_in_place(const std::string& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  check_input(fd >= 0, path, ": cannot write: ", std::strerror(errno));
  try {
    write_all(fd, bytes, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

// What open() would give a new file: mkstemp makes it private to us.
mode_t new_file_mode() {
  static const mode_t mode = [] {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return 0666 & ~mask;
  }();
  return mode;
}

// Writes a temporary file beside `path` and returns its name; signals remove it.
std::string write_temporary(const std::string& path, const std::string& bytes) {
  check_input(!fs::is_directory(path), path, ": is a folder, cannot write a file there");
  std::string temporary = path + ".tmp." + std::to_string(::getpid()) + ".XXXXXX";
  install_signal_handlers();
  int fd = -1;
  {
    SignalsBlocked blocked;
    fd = ::mkstemp(temporary.data());
    if (fd >= 0) live_temporaries.push_back(temporary);
  }
  check_input(fd >= 0, path, ": cannot write: ", std::strerror(errno));
  try {
    write_all(fd, bytes, path);
    ::fchmod(fd, new_file_mode());
    check_input(::close(fd) == 0, path, ": writing failed: ", std::strerror(errno));
    fd = -1;
  } catch (...) {
    if (fd >= 0) ::close(fd);
    remove_temporary(temporary);
    throw;
  }
  return temporary;
}

void put_in_place(const std::string& temporary, const std::string& path) {
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    remove_temporary(temporary);
    fail_bad_input(path, ": cannot write: ", std::strerror(error));
  }
  forget_temporary(temporary);
}

void stage(Transaction& transaction, const std::string& path, const std::string& bytes) {
  const std::string name = canonical_name(path);
  check_input(!transaction.inputs.count(name), path, ": is also an input of this command; write the output elsewhere");
  for (const StagedFile& file : transaction.staged) {
    check_input(canonical_name(file.target) != name, path, ": two outputs of this command would be written to it");
  }
  if (is_special_file(path)) {
    transaction.staged.push_back({path, "", bytes});
  } else {
    transaction.staged.push_back({path, write_temporary(path, bytes), ""});
  }
}

}  // namespace

OutputTransaction::OutputTransaction() {
  if (!open_transaction) open_transaction = new Transaction;
}

OutputTransaction::~OutputTransaction() {
  if (!open_transaction) return;
  for (const StagedFile& file : open_transaction->staged) {
    if (!file.temporary.empty()) remove_temporary(file.temporary);
  }
  delete open_transaction;
  open_transaction = nullptr;
}

void OutputTransaction::commit() {
  if (!open_transaction) return;
  std::vector<StagedFile> staged = std::move(open_transaction->staged);
  open_transaction->staged.clear();
  for (size_t i = 0; i < staged.size(); ++i) {
    try {
      if (staged[i].temporary.empty()) {
        write_in_place(staged[i].target, staged[i].bytes);
      } else {
        put_in_place(staged[i].temporary, staged[i].target);
      }
    } catch (...) {
      for (size_t j = i + 1; j < staged.size(); ++j) {
        if (!staged[j].temporary.empty()) remove_temporary(staged[j].temporary);
      }
      throw;
    }
  }
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  if (open_transaction) {
    stage(*open_transaction, path, bytes);
  } else {
    write_scratch_file(path, bytes);
  }
}

void write_scratch_file(const std::string& path, const std::string& bytes) {
  if (is_special_file(path)) {
    write_in_place(path, bytes);
  } else {
    put_in_place(write_temporary(path, bytes), path);
  }
}

void note_input_file(const std::string& path) {
  if (!open_transaction) return;
  std::error_code error;
  if (fs::is_regular_file(path, error)) open_transaction->inputs.insert(canonical_name(path));
}

}  // namespace vigil
