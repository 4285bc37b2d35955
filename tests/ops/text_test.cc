// SPDX-License-Identifier: Apache-2.0
// TfIdfVectorizer: n-gram counting with skips (unigrams counted once), the three
// weightings, string pools, batches and bad attributes.
#include <gtest/gtest.h>

#include "ops/op_test_util.h"

namespace vigil {
namespace {

using testing::expect_error;
using testing::expect_tensor;
using testing::make;
using testing::OpRunner;

// Unigrams 1, 2 and bigrams (1, 2), (2, 3) into columns 0..3.
OpRunner vectorizer(const std::string& mode, int64_t min_gram, int64_t max_gram, int64_t max_skip) {
  return OpRunner("TfIdfVectorizer", 9)
      .attr("mode", mode)
      .attr("min_gram_length", min_gram)
      .attr("max_gram_length", max_gram)
      .attr("max_skip_count", max_skip)
      .attr("ngram_counts", {0, 2})
      .attr("ngram_indexes", {0, 1, 2, 3})
      .attr("pool_int64s", {1, 2, 1, 2, 2, 3});
}

TEST(TextOps, TfCountsUnigramsAndBigrams) {
  const Tensor x = make<int64_t>({5}, {1, 2, 3, 1, 2});
  expect_tensor<float>(vectorizer("TF", 1, 2, 0).run1({x}), {4}, {2, 2, 2, 1});
  // Bigrams only.
  expect_tensor<float>(vectorizer("TF", 2, 2, 0).run1({x}), {4}, {0, 0, 2, 1});
}

TEST(TextOps, SkipsFormBigramsButDoNotRecountUnigrams) {
  // 1, 3, 2 with skip 1 holds the bigram (1, 2); each unigram counts once.
  const Tensor x = make<int32_t>({3}, {1, 3, 2});
  expect_tensor<float>(vectorizer("TF", 1, 2, 1).run1({x}), {4}, {1, 1, 1, 0});
  expect_tensor<float>(vectorizer("TF", 1, 2, 0).run1({x}), {4}, {1, 1, 0, 0});
}

TEST(TextOps, Weightings) {
  const Tensor x = make<int64_t>({5}, {1, 2, 3, 1, 2});
  expect_tensor<float>(vectorizer("IDF", 1, 2, 0).run1({x}), {4}, {1, 1, 1, 1});
  const std::vector<float> weights{0.5f, 1, 2, 3};
  expect_tensor<float>(vectorizer("IDF", 1, 2, 0).attr("weights", weights).run1({x}), {4}, {0.5f, 1, 2, 3});
  expect_tensor<float>(vectorizer("TFIDF", 1, 2, 0).attr("weights", weights).run1({x}), {4}, {1, 2, 4, 3});
  expect_tensor<float>(vectorizer("TFIDF", 1, 2, 0).run1({x}), {4}, {2, 2, 2, 1});
}

TEST(TextOps, BatchedRows) {
  // Rows do not share n-grams across their boundary.
  const Tensor x = make<int32_t>({2, 3}, {1, 2, 3, 3, 2, 1});
  expect_tensor<float>(vectorizer("TF", 1, 2, 0).run1({x}), {2, 4}, {1, 1, 1, 1, 1, 1, 0, 0});
}

TEST(TextOps, StringPool) {
  const Tensor x = Tensor::from_vector<std::string>({3}, {"a", "b", "a"});
  const Tensor y = OpRunner("TfIdfVectorizer", 9)
                       .attr("mode", std::string("TF"))
                       .attr("min_gram_length", 1)
                       .attr("max_gram_length", 1)
                       .attr("max_skip_count", 0)
                       .attr("ngram_counts", {0})
                       .attr("ngram_indexes", {1, 0})
                       .attr("pool_strings", std::vector<std::string>{"a", "b"})
                       .run1({x});
  expect_tensor<float>(y, {2}, {1, 2});
}

TEST(TextOps, RejectsBadAttributesAndInputs) {
  const Tensor x = make<int64_t>({2}, {1, 2});
  expect_error(ErrorKind::BadInput, [&] { vectorizer("BM25", 1, 2, 0).run1({x}); });
  expect_error(ErrorKind::BadInput, [&] { vectorizer("TF", 2, 1, 0).run1({x}); });
  // Bigrams that do not fill whole pairs of the pool.
  expect_error(ErrorKind::BadInput, [&] { vectorizer("TF", 1, 2, 0).attr("ngram_counts", {0, 3}).run1({x}); });
  expect_error(ErrorKind::BadInput,
               [&] { vectorizer("TF", 1, 2, 0).run1({Tensor::from_vector<std::string>({1}, {"a"})}); });
  expect_error(ErrorKind::Unsupported, [&] { vectorizer("TF", 1, 2, 0).run1({make<float>({1}, {1})}); });
}

}  // namespace
}  // namespace vigil
