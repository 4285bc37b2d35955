// SPDX-License-Identifier: Apache-2.0
// The shipped Fashion-MNIST CNN, end to end: vigil's top-1 accuracy on the 10,000 test
// images must match the accuracy PyTorch measured when the model was trained
// (models/fashion_mnist_cnn.json), within 5 images of near-ties that float rounding may
// flip.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "eval/classifier_eval.h"
#include "onnx_io/model_import.h"

namespace vigil {

TEST(FashionMnistModel, AccuracyMatchesTraining) {
  const std::string models = VIGIL_SOURCE_DIR "/models/";
  std::ifstream recorded_file(models + "fashion_mnist_cnn.json");
  ASSERT_TRUE(recorded_file.good());
  const auto recorded = nlohmann::json::parse(recorded_file);
  const double torch_accuracy = recorded.at("accuracy").get<double>();

  Session session(load_model(models + "fashion_mnist_cnn.onnx"), SessionOptions{2});
  const IdxDataset dataset = read_idx_dataset("/usr/share/datasets/fashion-mnist");
  const ClassifierEvalResult result = evaluate_classifier(session, dataset, {});
  ASSERT_EQ(result.images, 10000);
  std::printf("vigil %.4f, PyTorch %.4f\n", result.accuracy(), torch_accuracy);
  EXPECT_NEAR(result.accuracy(), torch_accuracy, 5.0 / 10000);
  EXPECT_GE(result.accuracy(), 0.90);
}

TEST(FashionMnistModel, BatchSizeDoesNotChangePredictions) {
  Session session(load_model(VIGIL_SOURCE_DIR "/models/fashion_mnist_cnn.onnx"));
  const IdxDataset dataset = read_idx_dataset("/usr/share/datasets/fashion-mnist");
  const auto one_by_one = evaluate_classifier(session, dataset, {300, 1});
  const auto batched = evaluate_classifier(session, dataset, {300, 64});
  EXPECT_EQ(one_by_one.correct, batched.correct);
}

}  // namespace vigil
