// SPDX-License-Identifier: Apache-2.0
// The C interface (capi/vigil.h) on the shipped Fashion-MNIST model: its outputs are the
// C++ session's bit for bit (one and two threads, ABFT on, a changed batch, sessions on
// two threads at once), it describes the declared inputs and outputs, and every bad call
// returns a status with one error line that names what was wrong, without throwing.
#include "capi/vigil.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "onnx_io/model_import.h"
#include "random_data.h"
#include "runtime/session.h"

namespace vigil {
namespace {

const char* const kModel = VIGIL_SOURCE_DIR "/models/fashion_mnist_cnn.onnx";

// A session made through the C interface, freed at the end of the scope.
struct CSession {
  VigilSession* handle = nullptr;
  explicit CSession(const VigilSessionOptions* options = nullptr) {
    EXPECT_EQ(vigil_session_create(kModel, options, &handle), VIGIL_OK) << vigil_last_error();
  }
  ~CSession() { vigil_session_free(handle); }
};

std::vector<float> images(int64_t batch, uint32_t seed) {
  return testing::random_values(static_cast<size_t>(batch * 28 * 28), seed, 0.0f, 1.0f);
}

// The logits of the C++ session on the same images.
std::vector<float> expected_logits(const std::vector<float>& pixels, int64_t batch, int threads) {
  Session session(load_model(kModel), SessionOptions{threads});
  Tensor image(DType::Float32, {batch, 1, 28, 28});
  std::memcpy(image.data<float>(), pixels.data(), pixels.size() * sizeof(float));
  const Tensor logits = session.run({{"image", image}}).at(0);
  return std::vector<float>(logits.data<float>(), logits.data<float>() + logits.numel());
}

// The logits of a C session's run, checked for shape.
std::vector<float> c_logits(VigilSession* session, const std::vector<float>& pixels, int64_t batch) {
  const int64_t dims[4] = {batch, 1, 28, 28};
  const VigilTensor image{VIGIL_FLOAT32, 4, dims, pixels.data()};
  const VigilTensor* outputs = nullptr;
  EXPECT_EQ(vigil_session_run(session, &image, 1, &outputs), VIGIL_OK) << vigil_last_error();
  if (!outputs) return {};
  EXPECT_EQ(outputs[0].dtype, VIGIL_FLOAT32);
  EXPECT_EQ(outputs[0].rank, 2);
  EXPECT_EQ(outputs[0].dims[0], batch);
  EXPECT_EQ(outputs[0].dims[1], 10);
  const auto* logits = static_cast<const float*>(outputs[0].data);
  return std::vector<float>(logits, logits + batch * 10);
}

TEST(CSession, OutputsAreTheSessionsBitForBit) {
  for (const int threads : {1, 2}) {
    VigilSessionOptions options;
    vigil_session_options_init(&options);
    options.threads = threads;
    CSession session(&options);
    for (const int64_t batch : {int64_t{3}, int64_t{3}, int64_t{5}}) {  // planned, then the plan reused, then a new shape
      const std::vector<float> pixels = images(batch, static_cast<uint32_t>(batch));
      EXPECT_EQ(c_logits(session.handle, pixels, batch), expected_logits(pixels, batch, threads)) << threads;
      EXPECT_STREQ(vigil_last_error(), "");
    }
  }
}

TEST(CSession, ChecksumsChangeNothingOnACleanRun) {
  VigilSessionOptions options;
  vigil_session_options_init(&options);
  options.abft = "fused";
  options.abft_mode = "correct";
  CSession checked(&options);
  const std::vector<float> pixels = images(4, 7);
  EXPECT_EQ(c_logits(checked.handle, pixels, 4), expected_logits(pixels, 4, 1));
}

TEST(CSession, SessionsRunOnSeveralThreadsAtOnce) {
  const std::vector<float> pixels = images(2, 11);
  const std::vector<float> expected = expected_logits(pixels, 2, 1);
  std::vector<std::vector<float>> got(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      CSession session;
      for (int run = 0; run < 20; ++run) got[t] = c_logits(session.handle, pixels, 2);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(got[0], expected);
  EXPECT_EQ(got[1], expected);
}

TEST(CSession, DescribesItsInputsAndOutputs) {
  CSession session;
  ASSERT_EQ(vigil_session_input_count(session.handle), 1u);
  ASSERT_EQ(vigil_session_output_count(session.handle), 1u);
  VigilValueInfo input{}, output{};
  ASSERT_EQ(vigil_session_input(session.handle, 0, &input), VIGIL_OK);
  EXPECT_STREQ(input.name, "image");
  EXPECT_EQ(input.dtype, VIGIL_FLOAT32);
  ASSERT_EQ(input.rank, 4);
  EXPECT_EQ(input.dims[0], -1);
  EXPECT_STREQ(input.dim_names[0], "batch");
  for (int d = 1; d < 4; ++d) {
    EXPECT_EQ(input.dims[d], d == 1 ? 1 : 28);
    EXPECT_STREQ(input.dim_names[d], "");
  }
  ASSERT_EQ(vigil_session_output(session.handle, 0, &output), VIGIL_OK);
  EXPECT_STREQ(output.name, "logits");
  ASSERT_EQ(output.rank, 2);
  EXPECT_EQ(output.dims[1], 10);
  EXPECT_EQ(vigil_session_input_count(nullptr), 0u);
}

// The status and whether the error line holds `expected`.
void expect_error(VigilStatus status, VigilStatus expected_status, const std::string& expected) {
  EXPECT_EQ(status, expected_status) << vigil_last_error();
  const std::string line = vigil_last_error();
  EXPECT_NE(line.find(expected), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
}

TEST(CSession, BadCallsReturnAStatusAndOneLine) {
  VigilSession* session = nullptr;
  expect_error(vigil_session_create(VIGIL_SOURCE_DIR "/no/such.onnx", nullptr, &session), VIGIL_ERROR_BAD_INPUT,
               "no/such.onnx");
  EXPECT_EQ(session, nullptr);
  expect_error(vigil_session_create(nullptr, nullptr, &session), VIGIL_ERROR_BAD_INPUT, "model_path is NULL");
  expect_error(vigil_session_create(kModel, nullptr, nullptr), VIGIL_ERROR_BAD_INPUT, "session is NULL");
  VigilSessionOptions options;
  vigil_session_options_init(&options);
  options.threads = 0;
  expect_error(vigil_session_create(kModel, &options, &session), VIGIL_ERROR_BAD_INPUT, "threads 0");
  vigil_session_options_init(&options);
  options.abft = "sometimes";
  expect_error(vigil_session_create(kModel, &options, &session), VIGIL_ERROR_BAD_INPUT, "abft 'sometimes'");
  vigil_session_options_init(&options);
  options.abft_mode = "correct";
  expect_error(vigil_session_create(kModel, &options, &session), VIGIL_ERROR_BAD_INPUT, "abft_mode 'correct'");

  CSession good;
  VigilValueInfo info{};
  expect_error(vigil_session_input(good.handle, 1, &info), VIGIL_ERROR_BAD_INPUT, "index 1");
  expect_error(vigil_session_output(good.handle, 0, nullptr), VIGIL_ERROR_BAD_INPUT, "NULL");

  const std::vector<float> pixels = images(1, 3);
  const int64_t dims[4] = {1, 1, 28, 28}, wrong_dims[4] = {1, 1, 27, 28}, negative[4] = {1, -1, 28, 28};
  const VigilTensor* outputs = nullptr;
  const VigilTensor good_image{VIGIL_FLOAT32, 4, dims, pixels.data()};
  expect_error(vigil_session_run(good.handle, &good_image, 2, &outputs), VIGIL_ERROR_BAD_INPUT, "2 given");
  expect_error(vigil_session_run(good.handle, nullptr, 1, &outputs), VIGIL_ERROR_BAD_INPUT, "inputs is NULL");
  expect_error(vigil_session_run(good.handle, &good_image, 1, nullptr), VIGIL_ERROR_BAD_INPUT, "outputs is NULL");
  expect_error(vigil_session_run(nullptr, &good_image, 1, &outputs), VIGIL_ERROR_BAD_INPUT, "session");
  const VigilTensor int_image{VIGIL_INT32, 4, dims, pixels.data()};
  expect_error(vigil_session_run(good.handle, &int_image, 1, &outputs), VIGIL_ERROR_BAD_INPUT, "image");
  const VigilTensor unknown_type{static_cast<VigilDType>(8), 4, dims, pixels.data()};
  expect_error(vigil_session_run(good.handle, &unknown_type, 1, &outputs), VIGIL_ERROR_BAD_INPUT, "element type 8");
  const VigilTensor short_image{VIGIL_FLOAT32, 3, dims, pixels.data()};
  expect_error(vigil_session_run(good.handle, &short_image, 1, &outputs), VIGIL_ERROR_BAD_INPUT, "image");
  const VigilTensor narrow{VIGIL_FLOAT32, 4, wrong_dims, pixels.data()};
  expect_error(vigil_session_run(good.handle, &narrow, 1, &outputs), VIGIL_ERROR_BAD_INPUT, "image");
  const VigilTensor negative_image{VIGIL_FLOAT32, 4, negative, pixels.data()};
  expect_error(vigil_session_run(good.handle, &negative_image, 1, &outputs), VIGIL_ERROR_BAD_INPUT, "negative");
  const VigilTensor no_data{VIGIL_FLOAT32, 4, dims, nullptr};
  expect_error(vigil_session_run(good.handle, &no_data, 1, &outputs), VIGIL_ERROR_BAD_INPUT, "data is NULL");
  const VigilTensor no_dims{VIGIL_FLOAT32, 4, nullptr, pixels.data()};
  expect_error(vigil_session_run(good.handle, &no_dims, 1, &outputs), VIGIL_ERROR_BAD_INPUT, "dims is NULL");
  EXPECT_EQ(outputs, nullptr);

  // The session still works after every refusal, and a success clears the line.
  EXPECT_EQ(c_logits(good.handle, pixels, 1), expected_logits(pixels, 1, 1));
  EXPECT_STREQ(vigil_last_error(), "");
  vigil_session_free(nullptr);
}

}  // namespace
}  // namespace vigil
