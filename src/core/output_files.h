// SPDX-License-Identifier: Apache-2.0
// The files a command writes, written all or none. While an OutputTransaction is open
// (the command line opens one around every command), write_file_atomically stages each
// file instead of writing it: its bytes go to a temporary file beside the target, and
// only when the command has succeeded does commit() rename them all into place. An
// error, or a signal (SIGINT, SIGTERM, SIGHUP), removes the temporary files, so nothing
// half-done is left behind. Staging refuses two outputs that name one file and an output
// that names a file the command read (its model, say). A target that exists and is not a
// regular file (/dev/null, a FIFO, a terminal) is written in place, never renamed over.
// Without a transaction (the library, tests), write_file_atomically writes at once.
#pragma once

#include <string>

namespace vigil {

class OutputTransaction {
 public:
  OutputTransaction();
  OutputTransaction(const OutputTransaction&) = delete;
  OutputTransaction& operator=(const OutputTransaction&) = delete;
  ~OutputTransaction();  // discards what was not committed

  void commit();  // a bad-input Error naming the file if one cannot be put in place
};

// Writes `bytes` to `path` by a temporary file and a rename (in place for a non-regular
// file), or stages it in the open transaction. A bad-input Error naming the file on failure.
void write_file_atomically(const std::string& path, const std::string& bytes);

// Writes at once, whether or not a transaction is open: for scratch files a command hands
// to another process while it works (they are not its outputs).
void write_scratch_file(const std::string& path, const std::string& bytes);

// Records a file the command reads, so that no output may replace it (BoundedReader does).
void note_input_file(const std::string& path);

}  // namespace vigil
