// SPDX-License-Identifier: Apache-2.0
// The shipped Fashion-MNIST models (the CNN and the ResNet), end to end: vigil's top-1
// accuracy on the 10,000 test images must match the accuracy PyTorch measured when each
// was trained (models/fashion_mnist_*.json), within 5 images of near-ties that float
// rounding may flip.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "eval/classifier_eval.h"
#include "onnx_io/model_import.h"

namespace vigil {

TEST(FashionMnistModel, AccuracyMatchesTraining) {
  const IdxDataset dataset = read_idx_dataset("/usr/share/datasets/fashion-mnist");
  for (const std::string name : {"fashion_mnist_cnn", "fashion_mnist_resnet"}) {
    const std::string models = VIGIL_SOURCE_DIR "/models/";
    std::ifstream recorded_file(models + name + ".json");
    ASSERT_TRUE(recorded_file.good()) << name;
    const auto recorded = nlohmann::json::parse(recorded_file);
    const double torch_accuracy = recorded.at("accuracy").get<double>();

    Session session(load_model(models + name + ".onnx"), SessionOptions{2});
    const ClassifierEvalResult result = evaluate_classifier(session, dataset, {});
    ASSERT_EQ(result.images, 10000);
    std::printf("%s: vigil %.4f, PyTorch %.4f\n", name.c_str(), result.accuracy(), torch_accuracy);
    EXPECT_NEAR(result.accuracy(), torch_accuracy, 5.0 / 10000) << name;
    EXPECT_GE(result.accuracy(), 0.90) << name;
  }
}

TEST(FashionMnistModel, BatchSizeDoesNotChangePredictions) {
  Session session(load_model(VIGIL_SOURCE_DIR "/models/fashion_mnist_cnn.onnx"));
  const IdxDataset dataset = read_idx_dataset("/usr/share/datasets/fashion-mnist");
  const auto one_by_one = evaluate_classifier(session, dataset, {300, 1});
  const auto batched = evaluate_classifier(session, dataset, {300, 64});
  EXPECT_EQ(one_by_one.correct, batched.correct);
}

}  // namespace vigil
