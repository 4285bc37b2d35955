// SPDX-License-Identifier: Apache-2.0
// Text-feature operators: TfIdfVectorizer (opset 9), which counts the n-grams of a pool
// in each row of token ids (int32, int64) or strings and weighs the counts (TF, IDF,
// TFIDF). The pool is laid out by n-gram length: ngram_counts[k] is where the
// (k+1)-grams start in pool_int64s / pool_strings, and the i-th n-gram of the pool counts
// into output column ngram_indexes[i]. An n-gram with skip s takes every (s+1)-th token;
// skips range over 0..max_skip_count, and unigrams, which no skip changes, count once.
#include <algorithm>
#include <map>

#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

enum class Weighting { TF, IDF, TFIDF };

Weighting parse_weighting(const std::string& mode) {
  if (mode == "TF") return Weighting::TF;
  if (mode == "IDF") return Weighting::IDF;
  check_input(mode == "TFIDF", "TfIdfVectorizer mode must be TF, IDF or TFIDF, got '", mode, "'");
  return Weighting::TFIDF;
}

// The pool as a map from n-gram (tokens) to output column, built once.
template <class Token>
std::map<std::vector<Token>, int64_t> build_pool(const std::vector<Token>& pool, const std::vector<int64_t>& counts,
                                                 const std::vector<int64_t>& indexes) {
  std::map<std::vector<Token>, int64_t> columns;
  size_t ngram = 0;  // the n-gram's position in the pool, across lengths
  const auto pool_size = static_cast<int64_t>(pool.size());
  for (size_t k = 0; k < counts.size(); ++k) {
    const auto n = static_cast<int64_t>(k + 1);
    const int64_t begin = counts[k];
    const int64_t end = k + 1 < counts.size() ? counts[k + 1] : pool_size;
    check_input(begin >= 0 && begin <= end && end <= pool_size && (end - begin) % n == 0,
                "TfIdfVectorizer: ngram_counts ", begin, "..", end, " do not delimit whole ", n, "-grams in a pool of ",
                pool_size);
    for (int64_t start = begin; start < end; start += n, ++ngram) {
      check_input(ngram < indexes.size(), "TfIdfVectorizer: ngram_indexes has fewer entries than the pool's n-grams");
      check_input(indexes[ngram] >= 0, "TfIdfVectorizer: negative ngram index ", indexes[ngram]);
      columns[std::vector<Token>(pool.begin() + start, pool.begin() + start + n)] = indexes[ngram];
    }
  }
  return columns;
}

struct NgramSettings {
  int64_t min_gram = 0;
  int64_t max_gram = 0;
  int64_t max_skip = 0;
};

// Adds the pool n-gram counts of one row of tokens to `counts` (one per output column).
template <class Token>
void count_row(const Token* row, int64_t length, const std::map<std::vector<Token>, int64_t>& pool,
               const NgramSettings& settings, float* counts) {
  std::vector<Token> ngram;
  for (int64_t skip = 0; skip <= settings.max_skip; ++skip) {
    const int64_t stride = skip + 1;
    const int64_t shortest = skip == 0 ? settings.min_gram : std::max<int64_t>(settings.min_gram, 2);
    for (int64_t n = shortest; n <= settings.max_gram; ++n) {
      for (int64_t start = 0; start + (n - 1) * stride < length; ++start) {
        ngram.clear();
        for (int64_t j = 0; j < n; ++j) ngram.push_back(row[start + j * stride]);
        const auto hit = pool.find(ngram);
        if (hit != pool.end()) counts[hit->second] += 1.0f;
      }
    }
  }
}

// Turns counts into the chosen weighting, in place; weights (empty: all 1) are per column.
void apply_weighting(Weighting weighting, const std::vector<float>& weights, float* row, int64_t columns) {
  for (int64_t c = 0; c < columns; ++c) {
    const float weight = weights.empty() ? 1.0f : weights[c];
    if (weighting == Weighting::IDF) {
      row[c] = row[c] > 0 ? weight : 0.0f;
    } else if (weighting == Weighting::TFIDF) {
      row[c] *= weight;
    }
  }
}

std::unique_ptr<Operator> create_tfidf_vectorizer(const OpCreateInfo& info) {
  const Attributes& attributes = info.attributes();
  NgramSettings settings;
  settings.min_gram = attributes.require_int("min_gram_length");
  settings.max_gram = attributes.require_int("max_gram_length");
  settings.max_skip = attributes.require_int("max_skip_count");
  check_input(settings.min_gram >= 1 && settings.min_gram <= settings.max_gram,
              "TfIdfVectorizer: need 1 <= min_gram_length <= max_gram_length, got ", settings.min_gram, " and ",
              settings.max_gram);
  check_input(settings.max_skip >= 0, "TfIdfVectorizer: max_skip_count must not be negative");
  const Weighting weighting = parse_weighting(attributes.require("mode", AttributeType::String).s);
  const std::vector<int64_t> counts = attributes.get_ints("ngram_counts");
  const std::vector<int64_t> indexes = attributes.get_ints("ngram_indexes");
  const std::vector<float> weights = attributes.get_floats("weights");
  const std::vector<int64_t> pool_ints = attributes.get_ints("pool_int64s");
  const std::vector<std::string> pool_strings = attributes.get_strings("pool_strings");
  check_input(pool_ints.empty() != pool_strings.empty(),
              "TfIdfVectorizer needs exactly one of pool_int64s and "
              "pool_strings");
  const bool string_pool = !pool_strings.empty();
  // Only the pool that is given is laid out by ngram_counts.
  const auto int_pool =
      string_pool ? std::map<std::vector<int64_t>, int64_t>{} : build_pool(pool_ints, counts, indexes);
  const auto text_pool =
      string_pool ? build_pool(pool_strings, counts, indexes) : std::map<std::vector<std::string>, int64_t>{};
  const int64_t columns = indexes.empty() ? 0 : *std::max_element(indexes.begin(), indexes.end()) + 1;
  check_input(weights.empty() || static_cast<int64_t>(weights.size()) >= columns, "TfIdfVectorizer: weights has ",
              weights.size(), " entries for ", columns, " output columns");
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, "X");
    check_input(x.rank() == 1 || x.rank() == 2, "TfIdfVectorizer input must be [C] or [N, C], got shape ",
                shape_to_string(x.shape()));
    const bool batched = x.rank() == 2;
    const int64_t rows = batched ? x.dim(0) : 1;
    const int64_t length = x.dim(x.rank() - 1);
    Tensor y(DType::Float32, batched ? Shape{rows, columns} : Shape{columns});
    float* result = y.data<float>();
    if (x.dtype() == DType::String) {
      check_input(string_pool, "TfIdfVectorizer: string input needs pool_strings");
      for (int64_t r = 0; r < rows; ++r) {
        count_row(x.data<std::string>() + r * length, length, text_pool, settings, result + r * columns);
      }
    } else if (x.dtype() == DType::Int32 || x.dtype() == DType::Int64) {
      check_input(!string_pool, "TfIdfVectorizer: integer input needs pool_int64s");
      const std::vector<int64_t> tokens = x.to_int64_vector();
      for (int64_t r = 0; r < rows; ++r) {
        count_row(tokens.data() + r * length, length, int_pool, settings, result + r * columns);
      }
    } else {
      fail_unsupported("TfIdfVectorizer: element type ", dtype_name(x.dtype()), " is not supported");
    }
    for (int64_t r = 0; r < rows; ++r) apply_weighting(weighting, weights, result + r * columns, columns);
    out[0] = std::move(y);
  });
}

}  // namespace

void register_text_operators(OpRegistry& registry) { registry.add("", "TfIdfVectorizer", create_tfidf_vectorizer); }

}  // namespace vigil
