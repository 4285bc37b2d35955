// SPDX-License-Identifier: Apache-2.0
// Reading and writing files without surprises. Reads are bounded: a reader asks for the
// bytes its format's header announces (npy, IDX) or caps a whole file at what its format
// allows (a protobuf, a YAML file), so a lying header or an endless device such as
// /dev/zero costs no more memory than what was asked for. Every file read is recorded as
// an input of the command, which no output may replace; writing is output_files.h.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <optional>
#include <string>

#include "core/output_files.h"

namespace vigil {

// A whole file of at most `max_bytes`; a bad-input Error naming the file if it cannot be
// read or is larger.
std::string read_file(const std::string& path, size_t max_bytes);

// A file (decompressed on the way if it is gzip-compressed) or bytes in memory, read
// piece by piece, never more than asked.
class BoundedReader {
 public:
  static BoundedReader open(const std::string& path);
  static BoundedReader over(const std::string& bytes, const std::string& name);
  BoundedReader(BoundedReader&& other) noexcept;
  BoundedReader(const BoundedReader&) = delete;
  BoundedReader& operator=(const BoundedReader&) = delete;
  ~BoundedReader();

  const std::string& name() const { return name_; }
  // Exactly `count` bytes; a bad-input Error naming the file and `what` if it ends first.
  void read_into(void* out, size_t count, const char* what);
  std::string read(size_t count, const char* what);
  // Up to `count` bytes, fewer only at the end; the number read.
  size_t read_some(char* out, size_t count);
  bool at_end();
  // The bytes the whole source holds, where known without reading it (a plain file).
  std::optional<size_t> size() const { return known_size_; }
  // A bad-input Error if the source is known to hold fewer than `count` more bytes (an
  // uncompressed regular file or memory); checked before a reader allocates for them.
  void require_available(size_t count, const char* what) const;

 private:
  BoundedReader() = default;

  std::string name_;
  gzFile file_ = nullptr;
  const std::string* bytes_ = nullptr;
  size_t position_ = 0;
  std::optional<size_t> known_size_;  // total bytes, where that is known before reading
};

}  // namespace vigil
