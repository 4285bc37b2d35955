// SPDX-License-Identifier: Apache-2.0
// Bounded reads and atomic writes.
#include "core/file_io.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "core/memory_budget.h"

namespace vigil {

BoundedReader BoundedReader::open(const std::string& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  check_input(std::filesystem::exists(status), path, ": no such file");
  check_input(!std::filesystem::is_directory(status), path, ": is a directory, expected a file");
  // A device such as /dev/zero or /dev/urandom never ends; pipes and FIFOs are read.
  check_input(!std::filesystem::is_character_file(status) && !std::filesystem::is_block_file(status), path,
              ": is a device, expected a file");
  BoundedReader reader;
  reader.name_ = path;
  note_input_file(path);
  reader.file_ = gzopen(path.c_str(), "rb");
  check_input(reader.file_ != nullptr, path, ": cannot open: ", std::strerror(errno));
  gzbuffer(reader.file_, 1 << 17);
  if (std::filesystem::is_regular_file(status) && gzdirect(reader.file_) == 1) {
    reader.known_size_ = std::filesystem::file_size(path, error);
    if (error) reader.known_size_.reset();
  }
  return reader;
}

BoundedReader BoundedReader::over(const std::string& bytes, const std::string& name) {
  BoundedReader reader;
  reader.name_ = name;
  reader.bytes_ = &bytes;
  reader.known_size_ = bytes.size();
  return reader;
}

BoundedReader::BoundedReader(BoundedReader&& other) noexcept
    : name_(std::move(other.name_)),
      file_(other.file_),
      bytes_(other.bytes_),
      position_(other.position_),
      known_size_(other.known_size_) {
  other.file_ = nullptr;
}

BoundedReader::~BoundedReader() {
  if (file_) gzclose(file_);
}

size_t BoundedReader::read_some(char* out, size_t count) {
  if (bytes_) {
    const size_t n = std::min(count, bytes_->size() - position_);
    std::memcpy(out, bytes_->data() + position_, n);
    position_ += n;
    return n;
  }
  size_t done = 0;
  while (done < count) {
    const unsigned piece = static_cast<unsigned>(std::min<size_t>(count - done, 1u << 30));
    const int n = gzread(file_, out + done, piece);
    if (n < 0) {
      int code = 0;
      fail_bad_input(name_, ": cannot read: ", gzerror(file_, &code));
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  position_ += done;
  return done;
}

void BoundedReader::read_into(void* out, size_t count, const char* what) {
  require_available(count, what);
  const size_t got = read_some(static_cast<char*>(out), count);
  check_input(got == count, name_, ": truncated ", what, " (", count, " bytes needed, ", got, " present)");
}

std::string BoundedReader::read(size_t count, const char* what) {
  require_available(count, what);
  std::string bytes(count, '\0');
  read_into(bytes.data(), count, what);
  return bytes;
}

bool BoundedReader::at_end() {
  char probe;
  if (read_some(&probe, 1) == 0) return true;
  --position_;
  if (bytes_) return false;
  gzungetc(static_cast<unsigned char>(probe), file_);
  return false;
}

void BoundedReader::require_available(size_t count, const char* what) const {
  if (!known_size_) return;
  const size_t left = *known_size_ - std::min(position_, *known_size_);
  check_input(count <= left, name_, ": truncated ", what, " (", count, " bytes needed, ", left, " present)");
}

std::string read_file(const std::string& path, size_t max_bytes) {
  BoundedReader reader = BoundedReader::open(path);
  std::string bytes;
  // Read straight into the result, which a plain file's size lets grow once: growing by
  // doubling copied a 100 MB model twice over.
  if (reader.size()) bytes.reserve(std::min(*reader.size(), max_bytes) + (1 << 20));
  while (!reader.at_end()) {
    check_input(bytes.size() < max_bytes, path, ": larger than the ", format_bytes(static_cast<double>(max_bytes)),
                " that a file of this kind may hold");
    const size_t want = std::min<size_t>(max_bytes - bytes.size(), 1 << 20), at = bytes.size();
    bytes.resize(at + want);
    bytes.resize(at + reader.read_some(bytes.data() + at, want));
  }
  return bytes;
}

}  // namespace vigil
