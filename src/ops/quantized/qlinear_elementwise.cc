// SPDX-License-Identifier: Apache-2.0
// The int8 element-wise, pooling and concatenation operators of the com.microsoft domain
// that ONNX Runtime's quantizer writes into QOperator models, as reference operators with
// the formulas of ONNX Runtime's operator documentation, per-tensor uint8 or int8:
//   QLinearAdd, QLinearMul   C = round((A_scale (A - A_zp) op B_scale (B - B_zp)) / C_scale) + C_zp
//   QLinearSigmoid           Y = round(sigmoid(X_scale (X - X_zp)) / Y_scale) + Y_zp
//   QLinearLeakyRelu         the same with leaky_relu(alpha)
//   QLinearGlobalAveragePool the mean of every channel's plane, NCHW or (channels_last) NHWC
//   QLinearConcat            every input requantized to Y's scale and zero point, then joined
// Rounding is half to even and results saturate (quantization.h). A and B broadcast as in
// numpy. QLinearAdd and QLinearMul of two operands of one shape (a residual Add) are planned
// and look their result up in a table of every pair of bytes, made with the same arithmetic.
#include <algorithm>
#include <cmath>
#include <memory>

#include "core/error.h"
#include "ops/f32_fast_path.h"
#include "ops/families.h"
#include "ops/quantized/quantization.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// Input `index`, required to be a uint8 or int8 tensor of `type` (Undefined: either).
const Tensor& integer_input(const OpInputs& in, size_t index, DType type, const std::string& what) {
  const Tensor& tensor = require_input(in, index, what);
  check_input(is_8_bit(tensor.dtype()) && (type == DType::Undefined || tensor.dtype() == type), what, ": input ", index,
              " must be ", type == DType::Undefined ? std::string("uint8 or int8") : dtype_name(type), ", not ",
              dtype_name(tensor.dtype()));
  return tensor;
}

// The dequantized values of input `index` with its scale and zero point at the next two.
std::vector<float> dequantized(const OpInputs& in, size_t index, DType type, const std::string& what,
                               const char* name) {
  const Tensor& x = integer_input(in, index, type, what);
  const TensorQuantization q = TensorQuantization::read(require_input(in, index + 1, what),
                                                        has_input(in, index + 2) ? in[index + 2] : nullptr, what, name);
  const std::vector<int32_t> raw = int32_values(x, what);
  std::vector<float> values(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) values[i] = q.dequantize(raw[i]);
  return values;
}

// The flat index into an operand of `from` shape for each element of the broadcast `to` shape.
std::vector<int64_t> broadcast_index(const Shape& from, const Shape& to) {
  const Shape strides = broadcast_strides(from, to);
  std::vector<int64_t> index(static_cast<size_t>(shape_numel(to)));
  std::vector<int64_t> position(to.size(), 0);
  int64_t offset = 0;
  for (size_t i = 0; i < index.size(); ++i) {
    index[i] = offset;
    for (size_t d = to.size(); d-- > 0;) {
      offset += strides[d];
      if (++position[d] < to[d]) break;
      offset -= strides[d] * to[d];
      position[d] = 0;
    }
  }
  return index;
}

// What a binary operator's result is for every pair of bytes (a << 8 | b), made with the
// reference's own arithmetic for one set of scales and zero points, and kept while they
// stay the same: operands of one shape then take one look-up per element, exactly.
class PairTable {
 public:
  template <class Combine>
  const uint8_t* get(DType type, const TensorQuantization& a, const TensorQuantization& b, const TensorQuantization& c,
                     const Combine& combine) {
    const float key[] = {a.scale,
                         b.scale,
                         c.scale,
                         static_cast<float>(a.zero_point),
                         static_cast<float>(b.zero_point),
                         static_cast<float>(c.zero_point),
                         static_cast<float>(type == DType::Int8)};
    if (!table_.empty() && std::equal(std::begin(key), std::end(key), std::begin(key_))) return table_.data();
    std::copy(std::begin(key), std::end(key), std::begin(key_));
    table_.resize(256 * 256);
    const bool is_signed = type == DType::Int8;
    for (int x = 0; x < 256; ++x) {
      const float a_value = a.dequantize(is_signed ? static_cast<int8_t>(x) : x);
      for (int y = 0; y < 256; ++y) {
        const float value = combine(a_value, b.dequantize(is_signed ? static_cast<int8_t>(y) : y));
        table_[static_cast<size_t>(x << 8 | y)] =
            is_signed ? static_cast<uint8_t>(c.quantize<int8_t>(value)) : c.quantize<uint8_t>(value);
      }
    }
    return table_.data();
  }

 private:
  float key_[7] = {};
  std::vector<uint8_t> table_;
};

// QLinearAdd and QLinearMul. Operands of one shape have a planned path: the table above,
// one look-up per element, written in place of A where the session allows; others
// broadcast on the reference arithmetic.
template <class Combine>
class QLinearBinary final : public Operator {
 public:
  QLinearBinary(const OpCreateInfo& info, Combine combine)
      : what_(info.describe()), combine_(combine), threads_(std::max(1, info.threads)) {}

  void run(const OpInputs& in, OpOutputs& out) override {
    if (require_input(in, 0, what_).shape() == require_input(in, 3, what_).shape()) return Operator::run(in, out);
    const Tensor& a = integer_input(in, 0, DType::Undefined, what_);
    const Tensor& b = integer_input(in, 3, a.dtype(), what_);
    const std::vector<float> a_values = dequantized(in, 0, a.dtype(), what_, "A");
    const std::vector<float> b_values = dequantized(in, 3, a.dtype(), what_, "B");
    const Shape shape = broadcast_shapes(a.shape(), b.shape(), what_);
    const std::vector<int64_t> a_index = broadcast_index(a.shape(), shape), b_index = broadcast_index(b.shape(), shape);
    std::vector<float> values(a_index.size());
    for (size_t i = 0; i < values.size(); ++i) values[i] = combine_(a_values[a_index[i]], b_values[b_index[i]]);
    out[0] = quantize_values(values, shape, a.dtype(), quantization(in, 6, "C"), what_);
  }

  bool plan(const OpInputs& in, std::vector<TensorSpec>& outputs) override {
    const Tensor& a = integer_input(in, 0, DType::Undefined, what_);
    const Tensor& b = integer_input(in, 3, a.dtype(), what_);
    if (a.shape() != b.shape()) return false;
    table(in);  // made now, so that execute() allocates nothing
    outputs.assign(1, TensorSpec{a.dtype(), a.shape()});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    const uint8_t* pairs = table(in);
    const auto* x = static_cast<const uint8_t*>(in[0]->raw());
    const auto* y = static_cast<const uint8_t*>(in[3]->raw());
    auto* z = static_cast<uint8_t*>(out[0].raw());
    parallel_ranges_if_large(in[0]->numel(), 1, threads_, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) z[i] = pairs[x[i] << 8 | y[i]];
    });
  }

  int in_place_input() const override { return 0; }
  std::string algorithm() const override { return "qs8_byte_pair_table"; }

 private:
  TensorQuantization quantization(const OpInputs& in, size_t index, const char* name) const {
    return TensorQuantization::read(require_input(in, index, what_), has_input(in, index + 1) ? in[index + 1] : nullptr,
                                    what_, name);
  }
  const uint8_t* table(const OpInputs& in) {
    return table_.get(in[0]->dtype(), quantization(in, 1, "A"), quantization(in, 4, "B"), quantization(in, 6, "C"),
                      combine_);
  }

  std::string what_;
  Combine combine_;
  int threads_;
  PairTable table_;
};

template <class Combine>
std::unique_ptr<Operator> create_qlinear_binary(const OpCreateInfo& info, Combine combine) {
  return std::make_unique<QLinearBinary<Combine>>(info, combine);
}

std::unique_ptr<Operator> create_qlinear_add(const OpCreateInfo& info) {
  return create_qlinear_binary(info, [](float a, float b) { return a + b; });
}

std::unique_ptr<Operator> create_qlinear_mul(const OpCreateInfo& info) {
  return create_qlinear_binary(info, [](float a, float b) { return a * b; });
}

// Inputs X, X_scale, X_zero_point, Y_scale, Y_zero_point; Y = f(dequantized X), requantized.
template <class Function>
std::unique_ptr<Operator> create_qlinear_unary(const OpCreateInfo& info, Function function) {
  return make_operator([function, what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = integer_input(in, 0, DType::Undefined, what);
    std::vector<float> values = dequantized(in, 0, x.dtype(), what, "X");
    for (float& value : values) value = function(value);
    const TensorQuantization y =
        TensorQuantization::read(require_input(in, 3, what), has_input(in, 4) ? in[4] : nullptr, what, "Y");
    out[0] = quantize_values(values, x.shape(), x.dtype(), y, what);
  });
}

std::unique_ptr<Operator> create_qlinear_sigmoid(const OpCreateInfo& info) {
  return create_qlinear_unary(info, [](float x) { return 1.0f / (1.0f + std::exp(-x)); });
}

std::unique_ptr<Operator> create_qlinear_leaky_relu(const OpCreateInfo& info) {
  const float alpha = info.attributes().get_float("alpha", 0.01f);
  return create_qlinear_unary(info, [alpha](float x) { return x >= 0.0f ? x : alpha * x; });
}

// Inputs X, x_scale, x_zero_point, y_scale, y_zero_point; X is N x C x spatial..., or
// N x spatial... x C with channels_last = 1. Y keeps the rank with every spatial size 1.
std::unique_ptr<Operator> create_qlinear_global_average_pool(const OpCreateInfo& info) {
  const bool channels_last = info.attributes().get_int("channels_last", 0) != 0;
  return make_operator([channels_last, what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = integer_input(in, 0, DType::Undefined, what);
    check_input(x.rank() >= 3, what, ": X must be N x C x spatial (rank 3 or more), not ", shape_to_string(x.shape()));
    // The dequantized value of each of the 256 bytes, looked up per element. Each is a
    // float32 with 24 significant bits within 8 binary orders of the others, so their sum
    // in double is exact in any order (up to 2^21 elements per plane).
    const TensorQuantization xq =
        TensorQuantization::read(require_input(in, 1, what), has_input(in, 2) ? in[2] : nullptr, what, "x");
    double table[256];
    for (int b = 0; b < 256; ++b) {
      table[b] = xq.dequantize(x.dtype() == DType::Int8 ? static_cast<int8_t>(b) : b);
    }
    const auto* bytes = static_cast<const uint8_t*>(x.raw());
    const int64_t batch = x.dim(0), channels = channels_last ? x.dim(x.rank() - 1) : x.dim(1);
    const int64_t plane = x.numel() / std::max<int64_t>(1, batch * channels);
    Shape y_shape(x.shape().size(), 1);
    y_shape[0] = batch;
    y_shape[channels_last ? y_shape.size() - 1 : 1] = channels;
    std::vector<float> means(static_cast<size_t>(batch * channels), 0.0f);
    for (int64_t n = 0; n < batch; ++n) {
      for (int64_t c = 0; c < channels; ++c) {
        double sum = 0.0;
        if (channels_last) {
          for (int64_t p = 0; p < plane; ++p) sum += table[bytes[(n * plane + p) * channels + c]];
        } else {
          const uint8_t* row = bytes + (n * channels + c) * plane;
          for (int64_t p = 0; p < plane; ++p) sum += table[row[p]];
        }
        means[n * channels + c] = static_cast<float>(sum / static_cast<double>(std::max<int64_t>(1, plane)));
      }
    }
    const TensorQuantization y =
        TensorQuantization::read(require_input(in, 3, what), has_input(in, 4) ? in[4] : nullptr, what, "y");
    out[0] = quantize_values(means, y_shape, x.dtype(), y, what);
  });
}

// Inputs Y_scale, Y_zero_point, then (X, X_scale, X_zero_point) per joined tensor.
std::unique_ptr<Operator> create_qlinear_concat(const OpCreateInfo& info) {
  const int64_t axis_attribute = info.attributes().get_int("axis", 0);
  return make_operator([axis_attribute, what = info.describe()](const OpInputs& in, OpOutputs& out) {
    check_input(in.size() >= 5 && (in.size() - 2) % 3 == 0, what,
                ": takes Y_scale, Y_zero_point and then triples X, X_scale, X_zero_point; got ", in.size(), " inputs");
    const TensorQuantization y =
        TensorQuantization::read(require_input(in, 0, what), has_input(in, 1) ? in[1] : nullptr, what, "Y");
    const Tensor& first = integer_input(in, 2, DType::Undefined, what);
    const int64_t rank = first.rank();
    const int64_t axis = normalize_axis(axis_attribute, rank, what);
    Shape shape = first.shape();
    shape[axis] = 0;
    for (size_t i = 2; i < in.size(); i += 3) {
      const Tensor& x = integer_input(in, i, first.dtype(), what);
      check_input(x.rank() == rank, what, ": inputs of ranks ", rank, " and ", x.rank());
      for (int64_t d = 0; d < rank; ++d) {
        check_input(d == axis || x.dim(d) == first.dim(d), what, ": shapes ", shape_to_string(first.shape()), " and ",
                    shape_to_string(x.shape()), " differ off axis ", axis);
      }
      shape[axis] += x.dim(axis);
    }
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= shape[d];
    for (int64_t d = axis + 1; d < rank; ++d) inner *= shape[d];
    std::vector<float> values(static_cast<size_t>(shape_numel(shape)));
    int64_t placed = 0;  // columns of the joined axis filled so far
    for (size_t i = 2; i < in.size(); i += 3) {
      const int64_t width = in[i]->dim(axis);
      const std::vector<float> x = dequantized(in, i, first.dtype(), what, "X");
      for (int64_t o = 0; o < outer; ++o) {
        std::copy(x.begin() + o * width * inner, x.begin() + (o + 1) * width * inner,
                  values.begin() + (o * shape[axis] + placed) * inner);
      }
      placed += width;
    }
    out[0] = quantize_values(values, shape, first.dtype(), y, what);
  });
}

}  // namespace

void register_qlinear_elementwise_operators(OpRegistry& registry) {
  registry.add("com.microsoft", "QLinearAdd", create_qlinear_add);
  registry.add("com.microsoft", "QLinearMul", create_qlinear_mul);
  registry.add("com.microsoft", "QLinearSigmoid", create_qlinear_sigmoid);
  registry.add("com.microsoft", "QLinearLeakyRelu", create_qlinear_leaky_relu);
  registry.add("com.microsoft", "QLinearGlobalAveragePool", create_qlinear_global_average_pool);
  registry.add("com.microsoft", "QLinearConcat", create_qlinear_concat);
}

}  // namespace vigil
