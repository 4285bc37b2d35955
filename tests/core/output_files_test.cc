// SPDX-License-Identifier: Apache-2.0
// Outputs written all or none: staging, commit, refusals, devices written in place, and
// temporary files removed when a signal ends the process.
#include "core/output_files.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include "core/error.h"
#include "core/file_io.h"

namespace vigil {

namespace fs = std::filesystem;

class OutputFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("vigil-output-files-" + std::to_string(::getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }
  std::string path(const char* name) const { return (folder_ / name).string(); }
  size_t files() const {
    size_t count = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(folder_)) ++count;
    return count;
  }

  fs::path folder_;
};

TEST_F(OutputFilesTest, NothingAppearsUntilCommitAndAllAppearThen) {
  OutputTransaction outputs;
  write_file_atomically(path("a.json"), "{}");
  write_file_atomically(path("b.npy"), "bytes");
  EXPECT_FALSE(fs::exists(path("a.json")));
  outputs.commit();
  EXPECT_EQ(read_file(path("a.json"), 100), "{}");
  EXPECT_EQ(read_file(path("b.npy"), 100), "bytes");
  EXPECT_EQ(files(), 2u);  // no temporary left
}

TEST_F(OutputFilesTest, AFailedCommandLeavesNothing) {
  {
    OutputTransaction outputs;
    write_file_atomically(path("a.json"), "{}");
    EXPECT_THROW(write_file_atomically(path("a.json"), "again"), Error);  // one file, two outputs
  }
  EXPECT_EQ(files(), 0u);
}

TEST_F(OutputFilesTest, AnInputIsNeverReplaced) {
  write_file_atomically(path("model.onnx"), "model");
  OutputTransaction outputs;
  EXPECT_EQ(read_file(path("model.onnx"), 100), "model");
  EXPECT_THROW(write_file_atomically(folder_.string() + "/./model.onnx", "clobbered"), Error);
  outputs.commit();
  EXPECT_EQ(read_file(path("model.onnx"), 100), "model");
}

TEST_F(OutputFilesTest, ADeviceIsWrittenInPlaceNeverRenamedOver) {
  OutputTransaction outputs;
  write_file_atomically("/dev/null", "discarded");
  outputs.commit();
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST_F(OutputFilesTest, ASignalRemovesTheTemporaryFiles) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    OutputTransaction outputs;
    write_file_atomically(path("staged.npy"), std::string(1000, 'x'));
    ::raise(SIGINT);  // as if the user pressed Ctrl-C before the commit
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
  EXPECT_EQ(files(), 0u);
}

}  // namespace vigil
