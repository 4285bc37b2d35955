// SPDX-License-Identifier: Apache-2.0
// Errors of vigil. Every failure that reaches the user is an Error with a kind: bad
// input (a malformed model, a missing tensor, a wrong flag) ends the command with exit
// code 2 and one line of text; a fault that ABFT detected and could not correct ends it
// with exit code 3; an internal error is a bug of ours (exit code 1).
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace vigil {

enum class ErrorKind { BadInput, Unsupported, FaultDetected, Internal };

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Concatenates any streamable values into one string.
template <class... Args>
std::string str_cat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}

template <class... Args>
[[noreturn]] void fail_bad_input(const Args&... args) {
  throw Error(ErrorKind::BadInput, str_cat(args...));
}

template <class... Args>
[[noreturn]] void fail_unsupported(const Args&... args) {
  throw Error(ErrorKind::Unsupported, str_cat(args...));
}

template <class... Args>
[[noreturn]] void fail_internal(const Args&... args) {
  throw Error(ErrorKind::Internal, str_cat(args...));
}

// Checks a condition on user-supplied data; on failure, a bad-input Error.
template <class... Args>
void check_input(bool condition, const Args&... args) {
  if (!condition) fail_bad_input(args...);
}

}  // namespace vigil
