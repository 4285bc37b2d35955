// SPDX-License-Identifier: Apache-2.0
// Operators on string tensors: StringNormalizer (opset 10), which drops stopwords and
// changes case. Case folding is that of the default "C" / en_US locale on ASCII letters;
// other bytes (UTF-8 sequences included) pass unchanged, so a locale other than the
// default is refused rather than half-honoured.
#include <algorithm>
#include <cctype>
#include <set>

#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

enum class CaseChange { None, Lower, Upper };

std::string change_case(std::string text, CaseChange change) {
  if (change == CaseChange::None) return text;
  for (char& c : text) {
    const auto byte = static_cast<unsigned char>(c);
    c = static_cast<char>(change == CaseChange::Lower ? std::tolower(byte) : std::toupper(byte));
  }
  return text;
}

std::unique_ptr<Operator> create_string_normalizer(const OpCreateInfo& info) {
  const Attributes& attributes = info.attributes();
  const std::string action = attributes.get_string("case_change_action", "NONE");
  CaseChange change = CaseChange::None;
  if (action == "LOWER") {
    change = CaseChange::Lower;
  } else if (action == "UPPER") {
    change = CaseChange::Upper;
  } else {
    check_input(action == "NONE", "case_change_action must be LOWER, UPPER or NONE, got '", action, "'");
  }
  const bool case_sensitive = attributes.get_int("is_case_sensitive", 0) != 0;
  const std::string locale = attributes.get_string("locale", "");
  if (!locale.empty() && locale != "en_US" && locale != "en_US.UTF-8" && locale != "C") {
    fail_unsupported("StringNormalizer: locale '", locale, "' is not supported (only the default en_US)");
  }
  // Case-insensitive matching compares lower-cased words.
  std::set<std::string> stopwords;
  for (const std::string& word : attributes.get_strings("stopwords")) {
    stopwords.insert(case_sensitive ? word : change_case(word, CaseChange::Lower));
  }
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, "X");
    check_input(x.dtype() == DType::String, "X must be a string tensor, got ", dtype_name(x.dtype()));
    const bool row = x.rank() == 2;
    check_input(x.rank() == 1 || (row && x.dim(0) == 1), "X must have shape [C] or [1, C], got ",
                shape_to_string(x.shape()));
    std::vector<std::string> kept;
    const std::string* words = x.data<std::string>();
    for (int64_t i = 0; i < x.numel(); ++i) {
      const std::string key = case_sensitive ? words[i] : change_case(words[i], CaseChange::Lower);
      if (!stopwords.count(key)) kept.push_back(change_case(words[i], change));
    }
    // With every word dropped, the output holds one empty string.
    if (kept.empty()) kept.emplace_back();
    const auto count = static_cast<int64_t>(kept.size());
    out[0] = Tensor::from_vector<std::string>(row ? Shape{1, count} : Shape{count}, kept);
  });
}

}  // namespace

void register_string_operators(OpRegistry& registry) { registry.add("", "StringNormalizer", create_string_normalizer); }

}  // namespace vigil
