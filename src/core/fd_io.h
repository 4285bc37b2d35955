// SPDX-License-Identifier: Apache-2.0
// Whole reads and writes on file descriptors: how vigil's child processes (isolated shape
// inference, the worker process of a fault-injection campaign) answer through a pipe.
#pragma once

#include <string>

namespace vigil {

// Writes every byte, going on after short writes and EINTR; false on an error.
bool write_all(int fd, const std::string& bytes);
// Reads until end of file (or an error).
std::string read_all(int fd);

}  // namespace vigil
