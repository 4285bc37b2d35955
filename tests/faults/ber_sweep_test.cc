// SPDX-License-Identifier: Apache-2.0
// Bit-error-rate sweeps: error patterns hold as many flips as the rate says and depend on
// their seed and stream alone; on the shipped Fashion-MNIST CNN a negligible rate leaves
// the accuracy as it was, and int8 weights tolerate a rate that fp32 weights do not (an
// exponent flip makes an fp32 weight huge, an int8 weight stays within its range).
#include "faults/ber_sweep.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "fashion_mnist_models.h"

namespace vigil::faults {
namespace {

TEST(BerSweep, ErrorPatternsFollowTheRate) {
  const uint64_t bits = 10'000'000;
  for (const double rate : {1e-6, 1e-4, 1e-2}) {
    const std::vector<uint64_t> flips = bit_error_positions(bits, rate, 9, 1);
    const double expected = bits * rate, sd = std::sqrt(expected * (1 - rate));
    EXPECT_NEAR(static_cast<double>(flips.size()), expected, 5 * sd + 1) << rate;
    EXPECT_TRUE(std::is_sorted(flips.begin(), flips.end()));
    EXPECT_TRUE(std::adjacent_find(flips.begin(), flips.end()) == flips.end());
    if (!flips.empty()) EXPECT_LT(flips.back(), bits);
    EXPECT_EQ(flips, bit_error_positions(bits, rate, 9, 1));
    EXPECT_NE(flips, bit_error_positions(bits, rate, 9, 2));
  }
  EXPECT_EQ(bit_error_positions(1000, 1e-12, 0, 0).size(), 0u);
}

TEST(BerSweep, Int8WeightsTolerateWhatFp32WeightsDoNot) {
  if (!std::filesystem::is_directory(testing::kFashionMnistData)) GTEST_SKIP() << "no Fashion-MNIST";
  const IdxDataset data = read_idx_dataset(testing::kFashionMnistData, 300);
  BerSweepOptions options;
  options.low_rate = 1e-12;
  options.high_rate = 1e-4;
  options.points = 2;
  options.repeats = 3;
  options.images = 300;
  options.workers = 2;
  const BerSweepResult fp32 = sweep_bit_error_rates(load_model(testing::kFashionMnistModel), data, options);
  const BerSweepResult int8 = sweep_bit_error_rates(testing::fashion_mnist_int8_model(), data, options);
  for (const BerSweepResult* result : {&fp32, &int8}) {
    ASSERT_EQ(result->points.size(), 2u);
    EXPECT_EQ(result->points[0].mean, result->clean_accuracy);  // no bit flips at 1e-12
    EXPECT_EQ(result->points[0].mean_flips, 0);
    EXPECT_GT(result->clean_accuracy, 0.85);
    EXPECT_EQ(result->tensors.size(), 5u);  // three filters and two matrices
  }
  EXPECT_EQ(fp32.weight_bits, 4 * int8.weight_bits);
  // At 1e-4 (about 1,400 flipped fp32 bits, 340 int8 bits) the fp32 model is ruined and the
  // int8 one barely moves.
  EXPECT_LT(fp32.points[1].mean, 0.5);
  EXPECT_GT(int8.points[1].mean, int8.clean_accuracy - 0.03);
  EXPECT_THROW(sweep_bit_error_rates(load_model(testing::kFashionMnistModel), data,
                                     BerSweepOptions{.low_rate = 0.1, .high_rate = 0.01}),
               Error);
}

}  // namespace
}  // namespace vigil::faults
