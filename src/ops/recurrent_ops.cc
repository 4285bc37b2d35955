// SPDX-License-Identifier: Apache-2.0
// RNN, GRU and LSTM: one-layer recurrent networks over a sequence, in one or both
// directions. One driver serves all three: per direction it projects the whole input
// sequence at once (X * W^T + Wb, one GEMM on the reference kernel), then walks the time
// steps, handing each step's projected rows and the running state to a cell (RnnCell,
// GruCell, LstmCell) that adds the recurrence projection (H * R^T + Rb, again the
// reference GEMM) and applies its gate equations. Sequences of a batch may have their own
// lengths (sequence_lens): a row stops at its end, so its Y past the end stays zero and
// Y_h / Y_c hold its last valid step; a reverse direction runs each row from its own last
// valid step back to step 0. Clip bounds the input of every gate activation (the
// activation of the LSTM's output h(Ct) is left unclipped, as in ONNX Runtime).
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "kernels/ref/gemm_ref.h"
#include "ops/families.h"
#include "ops/recurrent_activation.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// The attributes shared by the three operators, read once at creation.
struct RecurrentSpec {
  std::string what;
  int64_t gates = 1;  // weight blocks per direction: RNN 1, GRU 3 (z r h), LSTM 4 (i o f c)
  int64_t directions = 1;
  bool reverse = false;      // direction "reverse"; a bidirectional node runs its direction 1 reversed
  int64_t hidden_size = 0;   // 0: not given, taken from R
  bool batch_first = false;  // layout 1: batch before sequence in X, Y and the states
  bool cell_state = false;   // LSTM: initial_c, P and Y_c
  double clip = std::numeric_limits<double>::infinity();
  std::vector<Activation> activations;  // activations_per_direction for each direction in turn
  size_t activations_per_direction = 0;
};

RecurrentSpec read_spec(const OpCreateInfo& info, int64_t gates, const std::vector<std::string>& default_activations) {
  const Attributes& attributes = info.attributes();
  RecurrentSpec spec;
  spec.what = info.describe();
  spec.gates = gates;
  const std::string direction = attributes.get_string("direction", "forward");
  check_input(direction == "forward" || direction == "reverse" || direction == "bidirectional", spec.what,
              ": unknown direction '", direction, "'");
  spec.directions = direction == "bidirectional" ? 2 : 1;
  spec.reverse = direction == "reverse";
  spec.hidden_size = attributes.get_int("hidden_size", 0);
  check_input(spec.hidden_size >= 0, spec.what, ": hidden_size must not be negative");
  const int64_t layout = info.opset >= 14 ? attributes.get_int("layout", 0) : 0;
  check_input(layout == 0 || layout == 1, spec.what, ": layout must be 0 or 1, got ", layout);
  spec.batch_first = layout == 1;
  spec.cell_state = gates == 4;
  if (attributes.has("clip")) {
    spec.clip = attributes.get_float("clip", 0);
    check_input(spec.clip > 0, spec.what, ": clip must be positive");
  }
  spec.activations = read_activations(attributes, default_activations, spec.directions, spec.what);
  spec.activations_per_direction = default_activations.size();
  return spec;
}

template <class T>
T clipped(T value, double clip) {
  return std::clamp(value, static_cast<T>(-clip), static_cast<T>(clip));
}

// out[i, 0:n) = a[i, 0:k) * op(B) + bias for the m rows of a; op(B) is k x n.
template <class T>
void affine_rows(int64_t m, int64_t k, int64_t n, const T* a, kernels::GemmOperand<T> b, const T* bias, T* out,
                 int64_t ld_out, int threads) {
  for (int64_t i = 0; i < m; ++i) {
    T* row = out + i * ld_out;
    if (bias) {
      std::copy(bias, bias + n, row);
    } else {
      std::fill(row, row + n, T(0));
    }
  }
  kernels::gemm_ref<T>(m, n, k, T(1), {a, k}, b, T(1), out, ld_out, threads);
}

// One direction's recurrence weights, as the cells see them.
template <class T>
struct DirectionWeights {
  std::vector<T> r_transposed;              // R^T: [hidden, gates * hidden], so that a gate's columns are a block
  const T* rb = nullptr;                    // recurrence bias [gates * hidden], or nullptr
  const T* p = nullptr;                     // LSTM peepholes [3 * hidden] (i o f), or nullptr
  const Activation* activations = nullptr;  // this direction's
};

// One time step of one direction over the whole batch. Row b takes part while x[b] is set.
template <class T>
struct Step {
  int64_t batch = 0, hidden = 0, width = 0;  // width: gates * hidden
  std::vector<const T*> x;                   // x[b]: projected input x_t * W^T + Wb of row b (width values), or nullptr
  T* h = nullptr;                            // [batch, hidden]: H_{t-1} on entry, H_t on exit for the rows taking part
  T* c = nullptr;                            // LSTM: [batch, hidden], the cell state likewise
  std::vector<T> gates;                      // scratch [batch, width]
  std::vector<T> scratch;                    // scratch [batch, hidden]
  int threads = 1;
};

// gates[:, first * hidden .. (first + count) * hidden) = state * R^T + Rb for those gates.
template <class T>
void project_recurrence(Step<T>& step, const DirectionWeights<T>& weights, int64_t first, int64_t count,
                        const T* state) {
  const int64_t offset = first * step.hidden;
  affine_rows<T>(step.batch, step.hidden, count * step.hidden, state,
                 {weights.r_transposed.data() + offset, step.width}, weights.rb ? weights.rb + offset : nullptr,
                 step.gates.data() + offset, step.width, step.threads);
}

// Ht = f(Xt*W^T + Ht-1*R^T + Wb + Rb)
struct RnnCell {
  double clip;
  template <class T>
  void operator()(const DirectionWeights<T>& weights, Step<T>& step) const {
    const Activation& f = weights.activations[0];
    project_recurrence(step, weights, 0, 1, step.h);
    for (int64_t b = 0; b < step.batch; ++b) {
      if (!step.x[b]) continue;
      const T* x = step.x[b];
      const T* gate = step.gates.data() + b * step.width;
      T* h = step.h + b * step.hidden;
      for (int64_t j = 0; j < step.hidden; ++j) h[j] = f(clipped(x[j] + gate[j], clip));
    }
  }
};

// zt = f(Xt*Wz^T + Ht-1*Rz^T + Wbz + Rbz), rt likewise;
// ht = g(Xt*Wh^T + (rt . Ht-1)*Rh^T + Rbh + Wbh), or with linear_before_reset
// ht = g(Xt*Wh^T + rt . (Ht-1*Rh^T + Rbh) + Wbh); Ht = (1 - zt) . ht + zt . Ht-1
struct GruCell {
  double clip;
  bool linear_before_reset;
  template <class T>
  void operator()(const DirectionWeights<T>& weights, Step<T>& step) const {
    const Activation& f = weights.activations[0];
    const Activation& g = weights.activations[1];
    const int64_t hidden = step.hidden;
    project_recurrence(step, weights, 0, linear_before_reset ? 3 : 2, step.h);
    // z and r, activated in place.
    for (int64_t b = 0; b < step.batch; ++b) {
      if (!step.x[b]) continue;
      T* gate = step.gates.data() + b * step.width;
      for (int64_t j = 0; j < 2 * hidden; ++j) gate[j] = f(clipped(step.x[b][j] + gate[j], clip));
    }
    if (!linear_before_reset) {
      // (rt . Ht-1) * Rh^T needs every row's reset state first; rows past their end are
      // computed too and ignored.
      for (int64_t b = 0; b < step.batch; ++b) {
        const T* r = step.gates.data() + b * step.width + hidden;
        for (int64_t j = 0; j < hidden; ++j) step.scratch[b * hidden + j] = r[j] * step.h[b * hidden + j];
      }
      project_recurrence(step, weights, 2, 1, step.scratch.data());
    }
    for (int64_t b = 0; b < step.batch; ++b) {
      if (!step.x[b]) continue;
      const T* x = step.x[b] + 2 * hidden;
      const T* z = step.gates.data() + b * step.width;
      const T* r = z + hidden;
      const T* recurrence = z + 2 * hidden;
      T* h = step.h + b * hidden;
      for (int64_t j = 0; j < hidden; ++j) {
        const T candidate = g(clipped(x[j] + (linear_before_reset ? r[j] * recurrence[j] : recurrence[j]), clip));
        h[j] = (T(1) - z[j]) * candidate + z[j] * h[j];
      }
    }
  }
};

// it = f(Xt*Wi^T + Ht-1*Ri^T + Pi . Ct-1 + Wbi + Rbi), ft likewise (or 1 - it with
// input_forget), ct = g(Xt*Wc^T + Ht-1*Rc^T + Wbc + Rbc), Ct = ft . Ct-1 + it . ct,
// ot = f(Xt*Wo^T + Ht-1*Ro^T + Po . Ct + Wbo + Rbo), Ht = ot . h(Ct)
struct LstmCell {
  double clip;
  bool input_forget;
  template <class T>
  void operator()(const DirectionWeights<T>& weights, Step<T>& step) const {
    const Activation& f = weights.activations[0];
    const Activation& g = weights.activations[1];
    const Activation& h_activation = weights.activations[2];
    const int64_t hidden = step.hidden;
    project_recurrence(step, weights, 0, 4, step.h);
    for (int64_t b = 0; b < step.batch; ++b) {
      if (!step.x[b]) continue;
      const T* x = step.x[b];
      const T* gate = step.gates.data() + b * step.width;
      T* h = step.h + b * hidden;
      T* c = step.c + b * hidden;
      for (int64_t j = 0; j < hidden; ++j) {
        const T p_i = weights.p ? weights.p[j] : T(0);
        const T p_o = weights.p ? weights.p[hidden + j] : T(0);
        const T p_f = weights.p ? weights.p[2 * hidden + j] : T(0);
        const T in = f(clipped(x[j] + gate[j] + p_i * c[j], clip));
        const T forget =
            input_forget ? T(1) - in : f(clipped(x[2 * hidden + j] + gate[2 * hidden + j] + p_f * c[j], clip));
        const T cell = g(clipped(x[3 * hidden + j] + gate[3 * hidden + j], clip));
        const T c_new = forget * c[j] + in * cell;
        const T out = f(clipped(x[hidden + j] + gate[hidden + j] + p_o * c_new, clip));
        c[j] = c_new;
        h[j] = out * h_activation(c_new);
      }
    }
  }
};

// The data of input `index`, checked for type T and `shape`; nullptr if the input is omitted.
template <class T>
const T* input_data(const OpInputs& in, size_t index, const Shape& shape, const char* name, const std::string& what) {
  if (!has_input(in, index)) return nullptr;
  const Tensor& t = *in[index];
  check_input(t.dtype() == dtype_of<T>(), what, ": ", name, " has type ", dtype_name(t.dtype()), ", expected ",
              dtype_name(dtype_of<T>()));
  check_input(t.shape() == shape, what, ": ", name, " has shape ", shape_to_string(t.shape()), ", expected ",
              shape_to_string(shape));
  return t.data<T>();
}

// Per-row sequence lengths: sequence_lens, or the full length.
std::vector<int64_t> read_lengths(const OpInputs& in, int64_t batch, int64_t seq, const std::string& what) {
  if (!has_input(in, 4)) return std::vector<int64_t>(static_cast<size_t>(batch), seq);
  const Tensor& lens = *in[4];
  check_input(dtype_is_integer(lens.dtype()), what, ": sequence_lens must be integers");
  check_input(lens.shape() == Shape{batch}, what, ": sequence_lens has shape ", shape_to_string(lens.shape()),
              ", expected [", batch, "]");
  std::vector<int64_t> lengths = lens.to_int64_vector();
  for (int64_t length : lengths)
    check_input(length >= 0 && length <= seq, what, ": sequence length ", length, " outside [0, ", seq, "]");
  return lengths;
}

template <class T, class Cell>
void run_recurrent(const RecurrentSpec& spec, const Cell& cell, int threads, const OpInputs& in, OpOutputs& out) {
  const std::string& what = spec.what;
  const Tensor& x = require_input(in, 0, what);
  const Tensor& w = require_input(in, 1, what);
  const Tensor& r = require_input(in, 2, what);
  check_input(x.rank() == 3 && w.rank() == 3 && r.rank() == 3, what, ": X, W and R must have rank 3");
  check_input(out.size() <= (spec.cell_state ? 3u : 2u), what, ": too many outputs");
  const bool batch_first = spec.batch_first;
  const int64_t seq = x.dim(batch_first ? 1 : 0), batch = x.dim(batch_first ? 0 : 1), input = x.dim(2);
  const int64_t directions = spec.directions, hidden = r.dim(2), width = spec.gates * hidden;
  check_input(spec.hidden_size == 0 || spec.hidden_size == hidden, what, ": hidden_size ", spec.hidden_size,
              " disagrees with R of shape ", shape_to_string(r.shape()));
  const T* w_data = input_data<T>(in, 1, {directions, width, input}, "W", what);
  const T* r_data = input_data<T>(in, 2, {directions, width, hidden}, "R", what);
  const T* bias = input_data<T>(in, 3, {directions, 2 * width}, "B", what);
  const std::vector<int64_t> lengths = read_lengths(in, batch, seq, what);
  const Shape state_shape = batch_first ? Shape{batch, directions, hidden} : Shape{directions, batch, hidden};
  const T* initial_h = input_data<T>(in, 5, state_shape, "initial_h", what);
  const T* initial_c = spec.cell_state ? input_data<T>(in, 6, state_shape, "initial_c", what) : nullptr;
  const T* peepholes = spec.cell_state ? input_data<T>(in, 7, {directions, 3 * hidden}, "P", what) : nullptr;

  Tensor y(x.dtype(), batch_first ? Shape{batch, seq, directions, hidden} : Shape{seq, directions, batch, hidden});
  Tensor y_h(x.dtype(), state_shape), y_c(x.dtype(), state_shape);
  // Offsets, in elements, of row b's vectors at time t (X's projection, in rows) and direction d.
  auto x_row = [&](int64_t t, int64_t b) { return batch_first ? b * seq + t : t * batch + b; };
  auto y_offset = [&](int64_t t, int64_t d, int64_t b) {
    return (batch_first ? (b * seq + t) * directions + d : (t * directions + d) * batch + b) * hidden;
  };
  auto state_offset = [&](int64_t d, int64_t b) { return (batch_first ? b * directions + d : d * batch + b) * hidden; };

  for (int64_t d = 0; d < directions; ++d) {
    const bool reverse = spec.reverse || d == 1;
    DirectionWeights<T> weights;
    weights.r_transposed.resize(static_cast<size_t>(hidden * width));
    const T* r_direction = r_data + d * width * hidden;
    for (int64_t row = 0; row < width; ++row)
      for (int64_t col = 0; col < hidden; ++col)
        weights.r_transposed[col * width + row] = r_direction[row * hidden + col];
    weights.rb = bias ? bias + d * 2 * width + width : nullptr;
    weights.p = peepholes ? peepholes + d * 3 * hidden : nullptr;
    weights.activations = spec.activations.data() + d * spec.activations_per_direction;

    // The input projection of every step at once, rows in X's order.
    std::vector<T> projected(static_cast<size_t>(seq * batch * width));
    affine_rows<T>(seq * batch, input, width, x.data<T>(), {w_data + d * width * input, input, true},
                   bias ? bias + d * 2 * width : nullptr, projected.data(), width, threads);

    std::vector<T> h(static_cast<size_t>(batch * hidden)), c(h.size());
    for (int64_t b = 0; b < batch; ++b) {
      if (initial_h) std::copy_n(initial_h + state_offset(d, b), hidden, h.data() + b * hidden);
      if (initial_c) std::copy_n(initial_c + state_offset(d, b), hidden, c.data() + b * hidden);
    }
    Step<T> step;
    step.batch = batch;
    step.hidden = hidden;
    step.width = width;
    step.x.resize(static_cast<size_t>(batch));
    step.h = h.data();
    step.c = c.data();
    step.gates.resize(static_cast<size_t>(batch * width));
    step.scratch.resize(static_cast<size_t>(batch * hidden));
    step.threads = threads;
    std::vector<int64_t> times(static_cast<size_t>(batch));
    for (int64_t s = 0; s < seq; ++s) {
      bool any = false;
      for (int64_t b = 0; b < batch; ++b) {
        const bool running = s < lengths[b];
        times[b] = reverse ? lengths[b] - 1 - s : s;
        step.x[b] = running ? projected.data() + x_row(times[b], b) * width : nullptr;
        any = any || running;
      }
      if (!any) break;
      cell(weights, step);
      for (int64_t b = 0; b < batch; ++b)
        if (step.x[b]) std::copy_n(h.data() + b * hidden, hidden, y.data<T>() + y_offset(times[b], d, b));
    }
    for (int64_t b = 0; b < batch; ++b) {
      std::copy_n(h.data() + b * hidden, hidden, y_h.data<T>() + state_offset(d, b));
      std::copy_n(c.data() + b * hidden, hidden, y_c.data<T>() + state_offset(d, b));
    }
  }
  if (!out.empty()) out[0] = y;
  if (out.size() > 1) out[1] = y_h;
  if (out.size() > 2) out[2] = y_c;
}

template <class Cell>
std::unique_ptr<Operator> make_recurrent(RecurrentSpec spec, Cell cell, const OpCreateInfo& info) {
  const int threads = std::max(1, info.threads);
  return make_operator([spec = std::move(spec), cell, threads](const OpInputs& in, OpOutputs& out) {
    dispatch_float(require_input(in, 0, spec.what).dtype(), spec.what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      run_recurrent<T>(spec, cell, threads, in, out);
    });
  });
}

std::unique_ptr<Operator> create_rnn(const OpCreateInfo& info) {
  RecurrentSpec spec = read_spec(info, 1, {"Tanh"});
  const RnnCell cell{spec.clip};
  return make_recurrent(std::move(spec), cell, info);
}

std::unique_ptr<Operator> create_gru(const OpCreateInfo& info) {
  RecurrentSpec spec = read_spec(info, 3, {"Sigmoid", "Tanh"});
  const GruCell cell{spec.clip, info.attributes().get_int("linear_before_reset", 0) != 0};
  return make_recurrent(std::move(spec), cell, info);
}

std::unique_ptr<Operator> create_lstm(const OpCreateInfo& info) {
  RecurrentSpec spec = read_spec(info, 4, {"Sigmoid", "Tanh", "Tanh"});
  const LstmCell cell{spec.clip, info.attributes().get_int("input_forget", 0) != 0};
  return make_recurrent(std::move(spec), cell, info);
}

}  // namespace

void register_recurrent_operators(OpRegistry& registry) {
  registry.add("", "RNN", create_rnn);
  registry.add("", "GRU", create_gru);
  registry.add("", "LSTM", create_lstm);
}

}  // namespace vigil
