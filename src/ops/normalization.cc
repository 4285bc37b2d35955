// SPDX-License-Identifier: Apache-2.0
// Normalization operators: BatchNormalization (inference, and the training form that
// normalises with batch statistics and updates the running ones), InstanceNormalization,
// LayerNormalization (with its optional Mean and InvStdDev outputs), LRN and
// MeanVarianceNormalization. Statistics are accumulated in double, two-pass (mean, then
// the mean of squared deviations), over the reduced axes of each group of elements.
// Float32 BatchNormalization at inference with constant parameters, and LayerNormalization
// with only its Y output and full-size scale and bias, take planned vector paths.
#include <algorithm>
#include <cmath>

#include "kernels/binary.h"
#include "kernels/reduce.h"
#include "kernels/unary.h"
#include "ops/f32_fast_path.h"
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// Per-group mean and population variance of x over the axes marked in `reduced`; a group is
// a position of the shape with those axes removed. group_of maps each element to its group.
struct Moments {
  Shape group_shape;  // x's shape with reduced axes set to 1
  std::vector<double> mean, variance;
  std::vector<int64_t> group_of;
};

template <class T>
Moments compute_moments(const Tensor& x, const std::vector<bool>& reduced) {
  Moments m;
  m.group_shape = x.shape();
  for (size_t d = 0; d < reduced.size(); ++d)
    if (reduced[d]) m.group_shape[d] = 1;
  const int64_t groups = shape_numel(m.group_shape), count = x.numel();
  const Shape strides = broadcast_strides(m.group_shape, x.shape());
  m.group_of.resize(static_cast<size_t>(count));
  std::vector<int64_t> index(x.shape().size(), 0);
  int64_t group = 0;
  for (int64_t e = 0; e < count; ++e) {
    m.group_of[e] = group;
    for (size_t d = index.size(); d-- > 0;) {
      group += strides[d];
      if (++index[d] < x.dim(d)) break;
      group -= strides[d] * x.dim(d);
      index[d] = 0;
    }
  }
  const T* data = x.data<T>();
  const double per_group = groups > 0 && count > 0 ? static_cast<double>(count / groups) : 1.0;
  m.mean.assign(groups, 0.0);
  m.variance.assign(groups, 0.0);
  for (int64_t e = 0; e < count; ++e) m.mean[m.group_of[e]] += static_cast<double>(data[e]);
  for (double& v : m.mean) v /= per_group;
  for (int64_t e = 0; e < count; ++e) {
    const double deviation = static_cast<double>(data[e]) - m.mean[m.group_of[e]];
    m.variance[m.group_of[e]] += deviation * deviation;
  }
  for (double& v : m.variance) v /= per_group;
  return m;
}

std::vector<bool> axes_mask(size_t rank, const std::vector<int64_t>& axes, const std::string& what) {
  std::vector<bool> mask(rank, false);
  for (int64_t axis : axes) mask[normalize_axis(axis, static_cast<int64_t>(rank), what)] = true;
  return mask;
}

// y = (x - mean[c]) * scale[c] / sqrt(var[c] + eps) + bias[c] over planes of `inner` elements,
// channel c = plane % channels; parameters given per channel (or per channel and position).
template <class T>
void normalize_channels(const T* x, T* y, int64_t planes, int64_t channels, int64_t inner,
                        const std::vector<double>& multiplier, const std::vector<double>& shift, int64_t param_inner) {
  for (int64_t plane = 0; plane < planes; ++plane) {
    const int64_t c = plane % channels;
    const T* in = x + plane * inner;
    T* out = y + plane * inner;
    if (param_inner == 1) {
      const T a = static_cast<T>(multiplier[c]), b = static_cast<T>(shift[c]);
      for (int64_t i = 0; i < inner; ++i) out[i] = in[i] * a + b;
    } else {
      for (int64_t i = 0; i < inner; ++i)
        out[i] = static_cast<T>(in[i] * multiplier[c * inner + i] + shift[c * inner + i]);
    }
  }
}

std::unique_ptr<Operator> create_batch_normalization(const OpCreateInfo& info) {
  const std::string what = info.describe();
  const double epsilon = info.attributes().get_float("epsilon", 1e-5f);
  const double momentum = info.attributes().get_float("momentum", 0.9f);
  // training_mode (opset 14+) or, before opset 7, is_test = 0 with the statistics outputs.
  const bool training = info.opset >= 14 && info.attributes().get_int("training_mode", 0) != 0;
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, what);
    check_input(x.rank() >= 2, what, ": X must be (N, C, ...), not ", shape_to_string(x.shape()));
    const int64_t channels = x.dim(1), batch = x.dim(0);
    const int64_t inner = shape_numel(Shape(x.shape().begin() + 2, x.shape().end()));
    std::vector<std::vector<double>> params;  // scale, B, mean, var
    for (size_t i = 1; i <= 4; ++i) {
      const Tensor& p = require_input(in, i, what);
      check_input(p.dtype() == x.dtype() || dtype_is_float(p.dtype()), what, ": parameter ", i, " is not float");
      check_input(p.numel() == channels || p.numel() == channels * inner, what, ": parameter ", i, " has shape ",
                  shape_to_string(p.shape()), " for ", channels, " channels");
      params.push_back(p.to_double_vector());
    }
    // spatial = 0 (opset < 9) gives parameters per channel and position.
    const int64_t param_inner = static_cast<int64_t>(params[0].size()) / channels;
    for (const auto& p : params)
      check_input(static_cast<int64_t>(p.size()) == channels * param_inner, what, ": parameter sizes differ");
    std::vector<double> mean = params[2], variance = params[3];
    dispatch_float(x.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      if (training) {
        check_input(param_inner == 1, what, ": training mode needs per-channel parameters");
        std::vector<bool> reduced(x.rank(), true);
        reduced[1] = false;
        const Moments m = compute_moments<T>(x, reduced);
        mean = m.mean;
        variance = m.variance;
      }
      std::vector<double> multiplier(params[0].size()), shift(params[0].size());
      for (size_t i = 0; i < multiplier.size(); ++i) {
        multiplier[i] = params[0][i] / std::sqrt(variance[i] + epsilon);
        shift[i] = params[1][i] - mean[i] * multiplier[i];
      }
      out[0] = Tensor(x.dtype(), x.shape());
      normalize_channels<T>(x.data<T>(), out[0].data<T>(), batch * channels, channels, inner, multiplier, shift,
                            param_inner);
      // Optional statistics outputs: running mean and variance (updated in training mode),
      // then (opset < 14) the saved batch statistics.
      std::vector<double> running_mean = params[2], running_var = params[3];
      if (training) {
        for (size_t c = 0; c < running_mean.size(); ++c) {
          running_mean[c] = params[2][c] * momentum + mean[c] * (1 - momentum);
          running_var[c] = params[3][c] * momentum + variance[c] * (1 - momentum);
        }
      }
      const std::vector<double>* stats[] = {&running_mean, &running_var, &mean, &variance};
      for (size_t o = 1; o < out.size() && o <= 4; ++o) {
        out[o] = Tensor(in[3]->dtype(), in[3]->shape());
        dispatch_float(out[o].dtype(), what, [&](auto out_tag) {
          using U = typename decltype(out_tag)::type;
          for (size_t i = 0; i < stats[o - 1]->size(); ++i) out[o].data<U>()[i] = static_cast<U>((*stats[o - 1])[i]);
        });
      }
    });
  });
}

std::unique_ptr<Operator> create_instance_normalization(const OpCreateInfo& info) {
  const std::string what = info.describe();
  const double epsilon = info.attributes().get_float("epsilon", 1e-5f);
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, what);
    check_input(x.rank() >= 3, what, ": X must be (N, C, D1, ...), not ", shape_to_string(x.shape()));
    const int64_t channels = x.dim(1), planes = x.dim(0) * channels;
    const std::vector<double> scale = require_input(in, 1, what).to_double_vector();
    const std::vector<double> bias = require_input(in, 2, what).to_double_vector();
    check_input(static_cast<int64_t>(scale.size()) == channels && static_cast<int64_t>(bias.size()) == channels, what,
                ": scale and B must have ", channels, " elements");
    out[0] = Tensor(x.dtype(), x.shape());
    dispatch_float(x.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      std::vector<bool> reduced(x.rank(), true);
      reduced[0] = reduced[1] = false;
      const Moments m = compute_moments<T>(x, reduced);
      // One (image, channel) plane per group: normalise each with its own statistics.
      std::vector<double> multiplier(planes), shift(planes);
      for (int64_t p = 0; p < planes; ++p) {
        multiplier[p] = scale[p % channels] / std::sqrt(m.variance[p] + epsilon);
        shift[p] = bias[p % channels] - m.mean[p] * multiplier[p];
      }
      normalize_channels<T>(x.data<T>(), out[0].data<T>(), planes, planes, x.numel() / std::max<int64_t>(planes, 1),
                            multiplier, shift, 1);
    });
  });
}

std::unique_ptr<Operator> create_layer_normalization(const OpCreateInfo& info) {
  const std::string what = info.describe();
  const int64_t axis_attribute = info.attributes().get_int("axis", -1);
  const double epsilon = info.attributes().get_float("epsilon", 1e-5f);
  const int64_t stash_type = info.attributes().get_int("stash_type", 1);
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, what);
    const Tensor& scale = require_input(in, 1, what);
    const Tensor* bias = has_input(in, 2) ? in[2] : nullptr;
    const int64_t axis = normalize_axis(axis_attribute, x.rank(), what);
    const Shape normalized(x.shape().begin() + axis, x.shape().end());
    auto params_of = [&](const Tensor& p) {  // a parameter broadcast to the normalized shape
      check_input(broadcast_shapes(p.shape(), normalized, what) == normalized, what, ": parameter ",
                  shape_to_string(p.shape()), " does not broadcast to ", shape_to_string(normalized));
      const Shape strides = broadcast_strides(p.shape(), normalized);
      const std::vector<double> values = p.to_double_vector();
      std::vector<double> result(static_cast<size_t>(shape_numel(normalized)));
      std::vector<int64_t> index(normalized.size(), 0);
      for (size_t e = 0; e < result.size(); ++e) {
        int64_t offset = 0;
        for (size_t d = 0; d < index.size(); ++d) offset += index[d] * strides[d];
        result[e] = values[offset];
        for (size_t d = index.size(); d-- > 0;) {
          if (++index[d] < normalized[d]) break;
          index[d] = 0;
        }
      }
      return result;
    };
    const std::vector<double> gamma = params_of(scale);
    const std::vector<double> beta = bias ? params_of(*bias) : std::vector<double>(gamma.size(), 0.0);
    Shape stat_shape(x.shape().begin(), x.shape().begin() + axis);
    stat_shape.resize(x.rank(), 1);
    const DType stat_type = stash_type == 1 ? DType::Float32 : x.dtype();
    out[0] = Tensor(x.dtype(), x.shape());
    for (size_t o = 1; o < out.size() && o < 3; ++o) out[o] = Tensor(stat_type, stat_shape);
    dispatch_float(x.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      std::vector<bool> reduced(x.rank(), false);
      for (int64_t d = axis; d < x.rank(); ++d) reduced[d] = true;
      const Moments m = compute_moments<T>(x, reduced);
      const int64_t inner = static_cast<int64_t>(gamma.size());
      const T* in_data = x.data<T>();
      T* y = out[0].data<T>();
      std::vector<double> inv_std(m.mean.size());
      for (size_t g = 0; g < m.mean.size(); ++g) {
        inv_std[g] = 1.0 / std::sqrt(m.variance[g] + epsilon);
        for (int64_t i = 0; i < inner; ++i) {
          const int64_t e = static_cast<int64_t>(g) * inner + i;
          y[e] = static_cast<T>((in_data[e] - m.mean[g]) * inv_std[g] * gamma[i] + beta[i]);
        }
      }
      const std::vector<double>* stats[] = {&m.mean, &inv_std};
      for (size_t o = 1; o < out.size() && o < 3; ++o) {
        dispatch_float(stat_type, what, [&](auto stat_tag) {
          using U = typename decltype(stat_tag)::type;
          for (size_t g = 0; g < stats[o - 1]->size(); ++g) out[o].data<U>()[g] = static_cast<U>((*stats[o - 1])[g]);
        });
      }
    });
  });
}

std::unique_ptr<Operator> create_lrn(const OpCreateInfo& info) {
  const std::string what = info.describe();
  const int64_t size = info.attributes().require_int("size");
  const double alpha = info.attributes().get_float("alpha", 1e-4f);
  const double beta = info.attributes().get_float("beta", 0.75f);
  const double bias = info.attributes().get_float("bias", 1.0f);
  check_input(size >= 1, what, ": size must be positive");
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, what);
    check_input(x.rank() >= 2, what, ": X must be (N, C, ...), not ", shape_to_string(x.shape()));
    const int64_t batch = x.dim(0), channels = x.dim(1), inner = x.numel() / std::max<int64_t>(1, batch * channels);
    out[0] = Tensor(x.dtype(), x.shape());
    dispatch_float(x.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* data = x.data<T>();
      T* y = out[0].data<T>();
      // The channel window around c: [c - floor((size-1)/2), c + ceil((size-1)/2)].
      const int64_t before = (size - 1) / 2, after = size - 1 - before;
      for (int64_t n = 0; n < batch; ++n) {
        for (int64_t c = 0; c < channels; ++c) {
          const int64_t lo = std::max<int64_t>(0, c - before), hi = std::min(channels - 1, c + after);
          for (int64_t i = 0; i < inner; ++i) {
            double square_sum = 0;
            for (int64_t j = lo; j <= hi; ++j) {
              const double v = data[(n * channels + j) * inner + i];
              square_sum += v * v;
            }
            const int64_t e = (n * channels + c) * inner + i;
            y[e] = static_cast<T>(data[e] / std::pow(bias + alpha / static_cast<double>(size) * square_sum, beta));
          }
        }
      }
    });
  });
}

std::unique_ptr<Operator> create_mean_variance_normalization(const OpCreateInfo& info) {
  const std::string what = info.describe();
  const std::vector<int64_t> axes = info.attributes().get_ints("axes", {0, 2, 3});
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, what);
    out[0] = Tensor(x.dtype(), x.shape());
    dispatch_float(x.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const Moments m = compute_moments<T>(x, axes_mask(x.rank(), axes, what));
      const T* data = x.data<T>();
      T* y = out[0].data<T>();
      // As the ONNX function body: (x - mean) / (sqrt(variance) + 1e-9).
      for (int64_t e = 0; e < x.numel(); ++e) {
        const int64_t g = m.group_of[e];
        y[e] = static_cast<T>((data[e] - m.mean[g]) / (std::sqrt(m.variance[g]) + 1e-9));
      }
    });
  });
}

// BatchNormalization at inference with constant scale, B, mean and var of one value per
// channel: y = x * multiplier[c] + shift[c], folded at creation, one affine map per plane.
class F32BatchNormOperator final : public F32FastOperator {
 public:
  F32BatchNormOperator(std::unique_ptr<Operator> reference, std::vector<float> multiplier, std::vector<float> shift,
                       int threads)
      : F32FastOperator(std::move(reference)),
        multiplier_(std::move(multiplier)),
        shift_(std::move(shift)),
        threads_(threads) {}

  bool plan(const OpInputs& in, std::vector<TensorSpec>& out) override {
    if (!is_f32(in, 0) || in[0]->rank() < 2 || in[0]->dim(1) != static_cast<int64_t>(multiplier_.size())) return false;
    out.assign(1, TensorSpec{DType::Float32, in[0]->shape()});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    const Tensor& x = *in[0];
    const int64_t channels = x.dim(1), planes = x.dim(0) * channels;
    const int64_t inner = planes == 0 ? 0 : x.numel() / planes;
    const float* src = x.data<float>();
    float* dst = out[0].data<float>();
    parallel_ranges_if_large(planes, inner, threads_, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const int64_t c = p % channels;
        kernels::f32_affine(inner, src + p * inner, multiplier_[c], shift_[c], dst + p * inner);
      }
    });
  }

  int in_place_input() const override { return 0; }
  std::string algorithm() const override { return "f32_affine"; }

 private:
  std::vector<float> multiplier_, shift_;
  int threads_;
};

std::unique_ptr<Operator> create_fast_batch_normalization(const OpCreateInfo& info) {
  std::unique_ptr<Operator> reference = create_batch_normalization(info);
  const bool training = info.opset >= 14 && info.attributes().get_int("training_mode", 0) != 0;
  const std::vector<std::string>& names = info.node.inputs;
  if (training || info.opset < 9 || names.size() < 5 || !info.find_constant) return reference;
  for (size_t o = 1; o < info.node.outputs.size(); ++o) {
    if (!info.node.outputs[o].empty()) return reference;
  }
  std::vector<std::vector<double>> params;  // scale, B, mean, var
  for (size_t i = 1; i <= 4; ++i) {
    const Tensor* p = info.find_constant(names[i]);
    if (!p || !dtype_is_float(p->dtype()) || p->rank() != 1) return reference;
    params.push_back(p->to_double_vector());
    if (params.back().size() != params[0].size()) return reference;
  }
  const double epsilon = info.attributes().get_float("epsilon", 1e-5f);
  std::vector<float> multiplier(params[0].size()), shift(params[0].size());
  for (size_t c = 0; c < multiplier.size(); ++c) {
    const double m = params[0][c] / std::sqrt(params[3][c] + epsilon);
    multiplier[c] = static_cast<float>(m);
    shift[c] = static_cast<float>(params[1][c] - params[2][c] * m);
  }
  return std::make_unique<F32BatchNormOperator>(std::move(reference), std::move(multiplier), std::move(shift),
                                                info.threads);
}

// LayerNormalization over contiguous rows (everything from `axis` on) with scale and bias
// of the row's size: per row the mean, the mean squared deviation (two passes, in float
// over vector lanes), then y = (x - mean) * rstd * scale + bias.
class F32LayerNormOperator final : public F32FastOperator {
 public:
  F32LayerNormOperator(std::unique_ptr<Operator> reference, int64_t axis, float epsilon, int threads)
      : F32FastOperator(std::move(reference)), axis_(axis), epsilon_(epsilon), threads_(threads) {}

  bool plan(const OpInputs& in, std::vector<TensorSpec>& out) override {
    if (!is_f32(in, 0) || !is_f32(in, 1) || (has_input(in, 2) && !is_f32(in, 2))) return false;
    const int64_t rank = in[0]->rank();
    if (axis_ < -rank || axis_ >= rank) return false;
    const int64_t axis = axis_ < 0 ? axis_ + rank : axis_;
    row_ = 1;
    for (int64_t d = axis; d < rank; ++d) row_ *= in[0]->dim(d);
    if (in[1]->numel() != row_ || (has_input(in, 2) && in[2]->numel() != row_)) return false;
    out.assign(1, TensorSpec{DType::Float32, in[0]->shape()});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    const int64_t n = row_, rows = n == 0 ? 0 : in[0]->numel() / n;
    const float* x = in[0]->data<float>();
    const float* scale = in[1]->data<float>();
    const float* bias = has_input(in, 2) ? in[2]->data<float>() : nullptr;
    float* y = out[0].data<float>();
    const float inverse_n = 1.0f / static_cast<float>(n);
    parallel_ranges_if_large(rows, n, threads_, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const float* xr = x + r * n;
        float* yr = y + r * n;
        const float mean = kernels::f32_sum(n, xr) * inverse_n;
        const float variance = kernels::f32_sum_squares(n, xr, mean) * inverse_n;
        const float rstd = 1.0f / std::sqrt(variance + epsilon_);
        kernels::f32_affine(n, xr, rstd, -mean * rstd, yr);
        if (bias) {
          kernels::f32_multiply_add(n, yr, scale, bias, yr);
        } else {
          kernels::f32_binary(kernels::BinaryOp::Mul, n, yr, scale, yr);
        }
      }
    });
  }

  int in_place_input() const override { return 0; }
  std::string algorithm() const override { return "f32_layer_norm_rows"; }

 private:
  int64_t axis_;
  float epsilon_;
  int threads_;
  int64_t row_ = 0;
};

std::unique_ptr<Operator> create_fast_layer_normalization(const OpCreateInfo& info) {
  std::unique_ptr<Operator> reference = create_layer_normalization(info);
  for (size_t o = 1; o < info.node.outputs.size(); ++o) {
    if (!info.node.outputs[o].empty()) return reference;
  }
  return std::make_unique<F32LayerNormOperator>(std::move(reference), info.attributes().get_int("axis", -1),
                                                info.attributes().get_float("epsilon", 1e-5f), info.threads);
}

}  // namespace

void register_normalization_operators(OpRegistry& registry) {
  registry.add("", "BatchNormalization", create_fast_batch_normalization);
  registry.add("", "InstanceNormalization", create_instance_normalization);
  registry.add("", "LayerNormalization", create_fast_layer_normalization);
  registry.add("", "LRN", create_lrn);
  registry.add("", "MeanVarianceNormalization", create_mean_variance_normalization);
}

}  // namespace vigil
