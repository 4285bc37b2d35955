// SPDX-License-Identifier: Apache-2.0
// Einsum: a general tensor contraction given by an equation such as "bij,bjk->bik".
// Supports explicit and implicit outputs (implicit: the broadcast "..." dimensions, then
// the letters used once, in ASCII order), ellipses, repeated letters within one operand
// (diagonals) and sums over letters absent from the output. The reference evaluation is
// direct: for each output element, the sum over all summed letters of the product of the
// operands, each read through per-letter strides (a repeated letter adds its strides).
#include <algorithm>
#include <map>
#include <type_traits>

#include "ops/matmul_internal.h"

namespace vigil {

namespace {

constexpr int kLetterCount = 52;  // a-z, A-Z; labels from 52 on are the ellipsis dimensions

int letter_label(char c, const std::string& what) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= 'A' && c <= 'Z') return 26 + (c - 'A');
  fail_bad_input(what, ": Einsum equation has an invalid character '", c, "'");
}

// One term of the equation: its letters in order, with -1 where "..." stands.
struct Term {
  std::vector<int> labels;
  bool has_ellipsis = false;
};

Term parse_term(const std::string& text, const std::string& what) {
  Term term;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '.') {
      check_input(!term.has_ellipsis && text.compare(i, 3, "...") == 0, what, ": Einsum term '", text,
                  "' has a malformed ellipsis");
      term.has_ellipsis = true;
      term.labels.push_back(-1);
      i += 2;
    } else {
      term.labels.push_back(letter_label(text[i], what));
    }
  }
  return term;
}

// The labels of a term for an operand of `rank` dimensions, the ellipsis expanded into
// labels kLetterCount + j, right-aligned among `ellipsis_rank` broadcast dimensions.
std::vector<int> expand_term(const Term& term, size_t rank, size_t ellipsis_rank) {
  std::vector<int> labels;
  const size_t covered = rank + 1 - term.labels.size();  // dimensions under the ellipsis
  for (int label : term.labels) {
    if (label >= 0) {
      labels.push_back(label);
      continue;
    }
    for (size_t j = 0; j < covered; ++j) labels.push_back(kLetterCount + static_cast<int>(ellipsis_rank - covered + j));
  }
  return labels;
}

struct EinsumEquation {
  std::vector<Term> inputs;
  Term output;
  bool explicit_output = false;
};

EinsumEquation parse_equation(const std::string& equation, const std::string& what) {
  std::string text;
  for (char c : equation)
    if (c != ' ') text += c;
  EinsumEquation result;
  const size_t arrow = text.find("->");
  const std::string left = text.substr(0, arrow);
  if (arrow != std::string::npos) {
    result.explicit_output = true;
    result.output = parse_term(text.substr(arrow + 2), what);
  }
  size_t start = 0;
  while (true) {
    const size_t comma = left.find(',', start);
    result.inputs.push_back(parse_term(left.substr(start, comma - start), what));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return result;
}

template <class T>
void run_einsum(const std::vector<const Tensor*>& operands, const std::vector<std::vector<int>>& labels,
                const std::vector<int>& loop_labels, const std::vector<int64_t>& sizes, size_t output_count,
                Tensor& y) {
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, T>;
  const size_t count = operands.size();
  // strides[o][l]: how far operand o moves when loop label l advances.
  std::vector<std::vector<int64_t>> strides(count, std::vector<int64_t>(loop_labels.size(), 0));
  for (size_t o = 0; o < count; ++o) {
    const Shape own = shape_strides(operands[o]->shape());
    for (size_t d = 0; d < labels[o].size(); ++d) {
      if (operands[o]->dim(d) == 1) continue;  // broadcast (or trivially size 1)
      const size_t l = std::find(loop_labels.begin(), loop_labels.end(), labels[o][d]) - loop_labels.begin();
      strides[o][l] += own[d];
    }
  }
  int64_t inner = 1;
  for (size_t l = output_count; l < loop_labels.size(); ++l) inner *= sizes[l];
  T* out = y.data<T>();
  const int64_t outer = y.numel();
  std::vector<int64_t> index(loop_labels.size(), 0);
  std::vector<int64_t> offset(count, 0);
  for (int64_t e = 0; e < outer; ++e) {
    Acc sum = 0;
    for (int64_t s = 0; s < inner; ++s) {
      Acc product = 1;
      for (size_t o = 0; o < count; ++o) product *= static_cast<Acc>(operands[o]->data<T>()[offset[o]]);
      sum += product;
      // Advance the odometer over all loop labels (output labels are the slow ones).
      for (size_t l = loop_labels.size(); l-- > 0;) {
        for (size_t o = 0; o < count; ++o) offset[o] += strides[o][l];
        if (++index[l] < sizes[l]) break;
        for (size_t o = 0; o < count; ++o) offset[o] -= strides[o][l] * sizes[l];
        index[l] = 0;
      }
    }
    out[e] = static_cast<T>(sum);
    if (inner == 0) {  // nothing to sum: the odometer did not move, step the output labels
      for (size_t l = output_count; l-- > 0;) {
        for (size_t o = 0; o < count; ++o) offset[o] += strides[o][l];
        if (++index[l] < sizes[l]) break;
        for (size_t o = 0; o < count; ++o) offset[o] -= strides[o][l] * sizes[l];
        index[l] = 0;
      }
    }
  }
}

}  // namespace

std::unique_ptr<Operator> create_einsum(const OpCreateInfo& info) {
  const std::string what = info.describe();
  const EinsumEquation equation = parse_equation(info.attributes().get_string("equation", ""), what);
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    check_input(in.size() == equation.inputs.size(), what, ": Einsum equation has ", equation.inputs.size(),
                " operands, the node ", in.size(), " inputs");
    std::vector<const Tensor*> operands;
    size_t ellipsis_rank = 0;
    for (size_t o = 0; o < in.size(); ++o) {
      operands.push_back(&require_input(in, o, what));
      const Term& term = equation.inputs[o];
      const size_t letters = term.labels.size() - (term.has_ellipsis ? 1 : 0);
      const size_t rank = operands[o]->rank();
      check_input(term.has_ellipsis ? rank >= letters : rank == letters, what, ": Einsum operand ", o, " has rank ",
                  rank, " for a term of ", letters, " letters");
      if (term.has_ellipsis) ellipsis_rank = std::max(ellipsis_rank, rank - letters);
      check_input(operands[o]->dtype() == operands[0]->dtype(), what, ": Einsum operand types differ");
    }
    // The size of every label; ellipsis dimensions broadcast like numpy.
    std::map<int, int64_t> size_of;
    std::map<int, int> uses;
    std::vector<std::vector<int>> labels;
    for (size_t o = 0; o < operands.size(); ++o) {
      labels.push_back(expand_term(equation.inputs[o], operands[o]->rank(), ellipsis_rank));
      for (size_t d = 0; d < labels[o].size(); ++d) {
        const int label = labels[o][d];
        const int64_t dim = operands[o]->dim(d);
        auto [it, fresh] = size_of.emplace(label, dim);
        const bool broadcast = label >= kLetterCount && (dim == 1 || it->second == 1);
        check_input(fresh || it->second == dim || broadcast, what, ": Einsum dimension sizes disagree for a label");
        if (it->second == 1) it->second = dim;
        ++uses[label];
      }
    }
    std::vector<int> output_labels;
    if (equation.explicit_output) {
      output_labels = expand_term(
          equation.output, ellipsis_rank + equation.output.labels.size() - (equation.output.has_ellipsis ? 1 : 0),
          ellipsis_rank);
    } else {
      for (size_t j = 0; j < ellipsis_rank; ++j) output_labels.push_back(kLetterCount + static_cast<int>(j));
      // ASCII order puts upper case (labels 26-51) before lower case (0-25).
      for (int pass = 0; pass < 2; ++pass)
        for (int label = pass == 0 ? 26 : 0; label < (pass == 0 ? 52 : 26); ++label)
          if (uses.count(label) && uses[label] == 1) output_labels.push_back(label);
    }
    Shape y_shape;
    for (int label : output_labels) {
      check_input(size_of.count(label), what, ": Einsum output label does not appear in any operand");
      check_input(std::count(output_labels.begin(), output_labels.end(), label) == 1, what,
                  ": Einsum output repeats a label");
      y_shape.push_back(size_of[label]);
    }
    std::vector<int> loop_labels = output_labels;
    for (const auto& [label, size] : size_of)
      if (std::find(output_labels.begin(), output_labels.end(), label) == output_labels.end())
        loop_labels.push_back(label);
    std::vector<int64_t> sizes;
    for (int label : loop_labels) sizes.push_back(size_of[label]);
    out[0] = Tensor(operands[0]->dtype(), y_shape);
    dispatch_arithmetic(operands[0]->dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      run_einsum<T>(operands, labels, loop_labels, sizes, output_labels.size(), out[0]);
    });
  });
}

}  // namespace vigil
