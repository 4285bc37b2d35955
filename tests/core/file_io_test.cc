// SPDX-License-Identifier: Apache-2.0
// Bounded reads: never more than asked, a whole file capped, devices refused, gzip read
// through.
#include "core/file_io.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace vigil {

TEST(BoundedReader, ReadsExactlyWhatIsAskedAndSaysWhenTheDataEnds) {
  const std::string bytes = "0123456789";
  BoundedReader reader = BoundedReader::over(bytes, "mem");
  EXPECT_EQ(reader.read(4, "head"), "0123");
  EXPECT_THROW(reader.require_available(7, "rest"), Error);
  EXPECT_THROW(reader.read(7, "rest"), Error);
  BoundedReader again = BoundedReader::over(bytes, "mem");
  EXPECT_EQ(again.read(10, "all"), bytes);
  EXPECT_TRUE(again.at_end());
}

TEST(BoundedReader, CapsWholeFilesRefusesDevicesAndReadsGzipThrough) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("vigil-read-" + std::to_string(::getpid()) + ".gz")).string();
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  const std::string text(5000, 'z');
  gzwrite(file, text.data(), static_cast<unsigned>(text.size()));
  gzclose(file);
  EXPECT_EQ(read_file(path, 5000), text);
  EXPECT_THROW(read_file(path, 4999), Error);
  std::filesystem::remove(path);
  EXPECT_THROW(read_file("/dev/zero", 100), Error);
  EXPECT_THROW(BoundedReader::open("/dev/urandom"), Error);
}

}  // namespace vigil
