// SPDX-License-Identifier: Apache-2.0
// Classifying injections.
#include "faults/outcome.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "faults/name_table.h"

namespace vigil::faults {

namespace {

constexpr NameOf<Outcome> kOutcomeNames[kOutcomeCount] = {
    {Outcome::Masked, "masked"}, {Outcome::TolerableSdc, "sdc_tolerable"}, {Outcome::CriticalSdc, "sdc_critical"},
    {Outcome::Due, "due"},       {Outcome::Detected, "detected"},          {Outcome::Corrected, "corrected"}};

size_t non_finite(const Value& value) {
  if (!value.is_tensor() || !dtype_is_float(value.tensor().dtype())) return 0;
  const std::vector<double> values = value.tensor().to_double_vector();
  return static_cast<size_t>(std::count_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }));
}

// Rows of the first output's last axis as doubles; {rows, classes}.
std::vector<double> score_rows(const std::vector<Value>& outputs, int64_t& classes) {
  classes = 0;
  if (outputs.empty() || !outputs[0].is_tensor()) return {};
  const Tensor& scores = outputs[0].tensor();
  if (scores.dtype() == DType::String || scores.numel() == 0) return {};
  classes = scores.rank() == 0 ? 1 : scores.dim(scores.rank() - 1);
  return scores.to_double_vector();
}

// The largest absolute difference over the first output; NaN when a difference is not finite.
double largest_change(const std::vector<Value>& fault_free, const std::vector<Value>& faulty) {
  int64_t classes = 0;
  const std::vector<double> expected = score_rows(fault_free, classes), actual = score_rows(faulty, classes);
  if (expected.size() != actual.size()) return std::nan("");
  double largest = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    const double change = std::fabs(actual[i] - expected[i]);
    if (!std::isfinite(change)) return std::nan("");
    largest = std::max(largest, change);
  }
  return largest;
}

// NaN counts as the largest score: a NaN row has no meaningful winner, and a NaN output is a DUE anyway.
bool ranks_above(double a, double b) { return std::isnan(a) ? !std::isnan(b) : a > b; }

}  // namespace

const char* outcome_name(Outcome outcome) { return name_in(kOutcomeNames, outcome); }

Outcome parse_outcome(const std::string& name) {
  if (const auto outcome = value_in(kOutcomeNames, name)) return *outcome;
  fail_bad_input("'", name, "' is not an injection outcome");
}

std::vector<int64_t> top1_classes(const std::vector<Value>& outputs) {
  int64_t classes = 0;
  const std::vector<double> scores = score_rows(outputs, classes);
  std::vector<int64_t> best;
  for (size_t row = 0; classes > 0 && row + classes <= scores.size(); row += classes) {
    int64_t top = 0;
    for (int64_t c = 1; c < classes; ++c) top = ranks_above(scores[row + c], scores[row + top]) ? c : top;
    best.push_back(top);
  }
  return best;
}

OutcomeDetail classify_outcome(const std::vector<Value>& fault_free, const std::vector<Value>& faulty, int64_t label,
                               bool corrected) {
  OutcomeDetail detail;
  bool equal = fault_free.size() == faulty.size();
  size_t new_non_finite = 0;
  for (size_t o = 0; equal && o < faulty.size(); ++o) equal = identical(fault_free[o], faulty[o]);
  for (size_t o = 0; !equal && o < faulty.size() && o < fault_free.size(); ++o) {
    new_non_finite += non_finite(faulty[o]) > non_finite(fault_free[o]);
  }
  const std::vector<int64_t> expected = top1_classes(fault_free), actual = top1_classes(faulty);
  detail.top1 = actual.empty() ? -1 : actual[0];
  if (equal) {
    detail.outcome = corrected ? Outcome::Corrected : Outcome::Masked;
    return detail;
  }
  detail.change = largest_change(fault_free, faulty);
  if (new_non_finite > 0) {
    detail.outcome = Outcome::Due;
    detail.due = "NaN or infinity in the outputs";
  } else {
    detail.outcome = expected == actual ? Outcome::TolerableSdc : Outcome::CriticalSdc;
  }
  int64_t classes = 0;
  const std::vector<double> scores = score_rows(faulty, classes);
  for (size_t row = 0; row < expected.size() && classes > 0 && (row + 1) * classes <= scores.size(); ++row) {
    // The fault-free winner left the top 5 when five or more classes outrank it.
    const double* faulty_row = scores.data() + row * classes;
    const double kept = faulty_row[expected[row]];
    const int64_t above = std::count_if(faulty_row, faulty_row + classes, [&](double s) { return ranks_above(s, kept); });
    detail.top5_changed = detail.top5_changed || above >= 5;
  }
  if (label >= 0 && !expected.empty() && !actual.empty()) {
    detail.label_changed = (expected[0] == label) - (actual[0] == label);
  }
  return detail;
}

}  // namespace vigil::faults
