// SPDX-License-Identifier: Apache-2.0
// Pooling: MaxPool (with its optional Indices output), AveragePool, LpPool, their Global
// forms, and MaxUnpool. Every windowed pool walks each (image, channel) plane, and for
// each output position the window's positions that fall inside the input (padding never
// contributes a value; AveragePool's count_include_pad only changes the divisor). A global
// pool is the same walk with one window covering the whole plane. Planes are spread over
// the threads (core/thread_pool.h). Float32 GlobalAveragePool (row sums of kernels/reduce.h) and 2-D
// MaxPool / AveragePool without dilation or Indices output (MaxPool also on the uint8 and
// int8 tensors of quantized models) have planned paths: MaxPool takes, per output row, the
// maximum down the window's rows into a padded line and then the windows across it;
// AveragePool accumulates, per kernel row, the windowed row sums of kernels/reduce.h over
// the outputs whose windows lie inside the input, and a per-column loop at borders.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/thread_pool.h"
#include "kernels/reduce.h"
#include "kernels/x8_window_max.h"
#include "ops/conv_geometry.h"
#include "ops/f32_fast_path.h"
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

enum class PoolKind { Max, Average, Lp };

struct PoolSpec {
  PoolKind kind = PoolKind::Max;
  bool count_include_pad = false;     // AveragePool: divide by the padded window size
  double p = 2;                       // LpPool
  bool column_major_indices = false;  // MaxPool storage_order = 1
};

template <class T>
void run_pool(const WindowPlan& plan, int64_t planes, const T* x, T* y, int64_t* indices, const PoolSpec& spec,
              int threads) {
  const size_t rank = plan.input.size();
  const int64_t in_size = shape_numel(plan.input), out_size = shape_numel(plan.output);
  const int64_t kernel_size = shape_numel(plan.kernel);
  // Strides that number input positions for Indices: row-major, or column-major on request.
  Shape index_strides = shape_strides(plan.input);
  if (spec.column_major_indices) {
    for (size_t d = 0, step = 1; d < rank; ++d) {
      index_strides[d] = static_cast<int64_t>(step);
      step *= static_cast<size_t>(plan.input[d]);
    }
  }
  parallel_for(planes, threads, [&](int64_t plane) {
    const T* in = x + plane * in_size;
    std::vector<int64_t> position(rank, 0), at(rank);
    for (int64_t o = 0; o < out_size; ++o) {
      T best = std::numeric_limits<T>::lowest();
      int64_t best_index = 0;
      double sum = 0;
      int64_t valid = 0, padded = 0;
      for (int64_t k = 0; k < kernel_size; ++k) {
        bool inside = true, in_padding_extent = true;
        int64_t flat = 0, index = 0;
        for (size_t d = rank, rest = static_cast<size_t>(k); d-- > 0;) {
          const int64_t offset = static_cast<int64_t>(rest % plan.kernel[d]);
          rest /= plan.kernel[d];
          at[d] = position[d] * plan.strides[d] - plan.pads_begin[d] + offset * plan.dilations[d];
          inside = inside && at[d] >= 0 && at[d] < plan.input[d];
          in_padding_extent = in_padding_extent && at[d] < plan.input[d] + plan.pads_end[d];
        }
        padded += in_padding_extent;
        if (!inside) continue;
        for (size_t d = 0; d < rank; ++d) {
          flat = flat * plan.input[d] + at[d];
          index += at[d] * index_strides[d];
        }
        const T value = in[flat];
        ++valid;
        if (spec.kind == PoolKind::Max) {
          // The first NaN in the window wins (kernels::max_keeping_nan).
          const bool nan = value != value, best_nan = best != best;  // NOLINT: NaN test for any T
          if (!best_nan && (value > best || nan)) {
            best = value;
            best_index = index;
          }
        } else if (spec.kind == PoolKind::Average) {
          sum += static_cast<double>(value);
        } else {
          sum += std::pow(std::abs(static_cast<double>(value)), spec.p);
        }
      }
      T& result = y[plane * out_size + o];
      if (spec.kind == PoolKind::Max) {
        result = best;
        if (indices) indices[plane * out_size + o] = plane * in_size + best_index;
      } else if (spec.kind == PoolKind::Average) {
        const int64_t divisor = spec.count_include_pad ? padded : valid;
        result = static_cast<T>(divisor > 0 ? sum / static_cast<double>(divisor) : 0.0);
      } else {
        result = static_cast<T>(std::pow(sum, 1.0 / spec.p));
      }
      for (size_t d = rank; d-- > 0;) {  // next output position
        if (++position[d] < plan.output[d]) break;
        position[d] = 0;
      }
    }
  });
}

// Runs a planned pool on X (N, C, spatial...) into out[0] (and Indices into out[1] when
// the node has that output).
void pool_tensor(const Tensor& x, const WindowPlan& plan, const PoolSpec& spec, OpOutputs& out, int threads,
                 const std::string& what) {
  Shape y_shape{x.dim(0), x.dim(1)};
  y_shape.insert(y_shape.end(), plan.output.begin(), plan.output.end());
  out[0] = Tensor(x.dtype(), y_shape);
  int64_t* indices = nullptr;
  if (out.size() > 1) {
    out[1] = Tensor(DType::Int64, y_shape);
    indices = out[1].data<int64_t>();
  }
  const int64_t planes = x.dim(0) * x.dim(1);
  auto body = [&](auto tag) {
    using T = typename decltype(tag)::type;
    run_pool<T>(plan, planes, x.data<T>(), out[0].data<T>(), indices, spec, threads);
  };
  if (spec.kind == PoolKind::Max) {
    dispatch_arithmetic(x.dtype(), what, body);
  } else {
    dispatch_float(x.dtype(), what, body);
  }
}

const Tensor& require_image(const OpInputs& in, const std::string& what) {
  const Tensor& x = require_input(in, 0, what);
  check_input(x.rank() >= 3, what, ": X must be (N, C, D1, ...), not ", shape_to_string(x.shape()));
  return x;
}

Shape spatial_of(const Tensor& x) { return Shape(x.shape().begin() + 2, x.shape().end()); }

double read_p(const OpCreateInfo& info) {
  // LpPool-1 declared p as a float; later versions as an int.
  const Attributes& attributes = info.attributes();
  if (!attributes.has("p")) return 2.0;
  return info.opset < 2 ? attributes.get_float("p", 2.0f) : static_cast<double>(attributes.get_int("p", 2));
}

std::unique_ptr<Operator> make_window_pool(const OpCreateInfo& info, PoolSpec spec) {
  const std::string what = info.describe();
  const WindowAttributes window = WindowAttributes::read(info.attributes(), what);
  check_input(!window.kernel_shape.empty(), what, ": attribute kernel_shape is required");
  const int threads = std::max(1, info.threads);
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_image(in, what);
    const WindowPlan plan = plan_window(window, spatial_of(x), window.kernel_shape, what);
    pool_tensor(x, plan, spec, out, threads, what);
  });
}

std::unique_ptr<Operator> create_max_pool(const OpCreateInfo& info) {
  const int64_t storage_order = info.attributes().get_int("storage_order", 0);
  check_input(storage_order == 0 || storage_order == 1, info.describe(), ": storage_order must be 0 or 1");
  return make_window_pool(info, {PoolKind::Max, false, 2, storage_order == 1});
}

std::unique_ptr<Operator> create_average_pool(const OpCreateInfo& info) {
  return make_window_pool(info, {PoolKind::Average, info.attributes().get_int("count_include_pad", 0) != 0, 2, false});
}

std::unique_ptr<Operator> create_lp_pool(const OpCreateInfo& info) {
  return make_window_pool(info, {PoolKind::Lp, false, read_p(info), false});
}

std::unique_ptr<Operator> make_global_pool(const OpCreateInfo& info, PoolSpec spec) {
  const std::string what = info.describe();
  const int threads = std::max(1, info.threads);
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_image(in, what);
    const Shape spatial = spatial_of(x);
    const Shape ones(spatial.size(), 1), zeros(spatial.size(), 0);
    const WindowPlan plan{spatial, ones, spatial, ones, ones, zeros, zeros};
    pool_tensor(x, plan, spec, out, threads, what);
  });
}

std::unique_ptr<Operator> create_global_max_pool(const OpCreateInfo& info) {
  return make_global_pool(info, {PoolKind::Max, false, 2, false});
}
std::unique_ptr<Operator> create_global_average_pool(const OpCreateInfo& info) {
  return make_global_pool(info, {PoolKind::Average, false, 2, false});
}
std::unique_ptr<Operator> create_global_lp_pool(const OpCreateInfo& info) {
  return make_global_pool(info, {PoolKind::Lp, false, read_p(info), false});
}

// MaxUnpool: scatters X into a zero tensor at the flat positions MaxPool's Indices gave.
std::unique_ptr<Operator> create_max_unpool(const OpCreateInfo& info) {
  const std::string what = info.describe();
  const WindowAttributes window = WindowAttributes::read(info.attributes(), what);
  check_input(!window.kernel_shape.empty(), what, ": attribute kernel_shape is required");
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_image(in, what);
    const Tensor& indices = require_input(in, 1, what);
    check_input(indices.shape() == x.shape(), what, ": I ", shape_to_string(indices.shape()),
                " must have the shape of X ", shape_to_string(x.shape()));
    // Indices number positions of the inferred output; an explicit output_shape keeps each
    // value at the same coordinates within a possibly larger output.
    const size_t rank = static_cast<size_t>(x.rank() - 2);
    const Shape kernel = per_dimension(window.kernel_shape, rank, 1, "kernel_shape", what);
    const Shape strides = per_dimension(window.strides, rank, 1, "strides", what);
    const Shape pads = window.pads.empty() ? Shape(2 * rank, 0) : window.pads;
    check_input(pads.size() == 2 * rank, what, ": attribute pads has ", pads.size(), " values");
    Shape inferred{x.dim(0), x.dim(1)};
    for (size_t d = 0; d < rank; ++d)
      inferred.push_back((x.dim(d + 2) - 1) * strides[d] + kernel[d] - pads[d] - pads[d + rank]);
    Shape y_shape = inferred;
    if (has_input(in, 2)) {
      y_shape = in[2]->to_int64_vector();
      check_input(static_cast<int64_t>(y_shape.size()) == x.rank(), what, ": output_shape must have rank ", x.rank());
    }
    for (int64_t dim : inferred) check_input(dim >= 0, what, ": output dimensions must not be negative");
    for (int64_t dim : y_shape) check_input(dim >= 0, what, ": output dimensions must not be negative");
    out[0] = Tensor(x.dtype(), y_shape);
    std::vector<int64_t> where = indices.to_int64_vector();
    const int64_t limit = shape_numel(inferred);
    for (int64_t& index : where) {
      check_input(index >= 0 && index < limit, what, ": index ", index, " is outside the output of ", limit,
                  " elements");
      int64_t target = 0, scale = 1;
      for (size_t d = inferred.size(); d-- > 0; index /= inferred[d]) {
        const int64_t coordinate = index % inferred[d];
        check_input(coordinate < y_shape[d], what, ": index lies outside output_shape");
        target += coordinate * scale;
        scale *= y_shape[d];
      }
      index = target;
    }
    dispatch_dtype(x.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* source = x.data<T>();
      T* target = out[0].data<T>();
      for (size_t i = 0; i < where.size(); ++i) target[where[i]] = source[i];
    });
  });
}

class F32GlobalAveragePoolOperator final : public F32FastOperator {
 public:
  F32GlobalAveragePoolOperator(std::unique_ptr<Operator> reference, int threads)
      : F32FastOperator(std::move(reference)), threads_(threads) {}

  bool plan(const OpInputs& in, std::vector<TensorSpec>& out) override {
    if (!is_f32(in, 0) || in[0]->rank() < 3) return false;
    Shape shape = in[0]->shape();
    std::fill(shape.begin() + 2, shape.end(), 1);
    out.assign(1, TensorSpec{DType::Float32, shape});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    const int64_t planes = in[0]->dim(0) * in[0]->dim(1);
    const int64_t n = planes == 0 ? 0 : in[0]->numel() / planes;
    const float* x = in[0]->data<float>();
    float* y = out[0].data<float>();
    parallel_ranges_if_large(planes, n, threads_, [&](int64_t begin, int64_t end) {
      kernels::f32_sum_rows(end - begin, n, x + begin * n, y + begin);
      for (int64_t p = begin; p < end; ++p) y[p] = n > 0 ? y[p] / static_cast<float>(n) : 0.0f;
    });
  }

  std::string algorithm() const override { return "f32_sum_rows"; }

 private:
  int threads_;
};

// The first and one-past-last output index o with 0 <= o * stride + offset < size.
std::pair<int64_t, int64_t> inside_range(int64_t offset, int64_t stride, int64_t size, int64_t outputs) {
  const int64_t first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  const int64_t last = size - 1 - offset < 0 ? 0 : (size - 1 - offset) / stride + 1;
  return {std::min(first, outputs), std::clamp<int64_t>(last, std::min(first, outputs), outputs)};
}

class Pool2dOperator final : public F32FastOperator {
 public:
  Pool2dOperator(std::unique_ptr<Operator> reference, WindowAttributes window, bool max, bool count_include_pad,
                 int threads)
      : F32FastOperator(std::move(reference)),
        window_(std::move(window)),
        max_(max),
        count_include_pad_(count_include_pad),
        threads_(threads) {}

  // Float32, and for MaxPool the bytes of quantized models (uint8, int8): the maximum
  // commutes with quantization, so QDQ graphs pool the quantized tensor itself.
  bool plan(const OpInputs& in, std::vector<TensorSpec>& out) override {
    if (!has_input(in, 0) || in[0]->rank() != 4) return false;
    dtype_ = in[0]->dtype();
    const bool bytes = max_ && (dtype_ == DType::UInt8 || dtype_ == DType::Int8);
    if (dtype_ != DType::Float32 && !bytes) return false;
    plan_ = plan_window(window_, spatial_of(*in[0]), window_.kernel_shape, "pool");
    if (plan_.dilations[0] != 1 || plan_.dilations[1] != 1) return false;
    out.assign(1, TensorSpec{dtype_, {in[0]->dim(0), in[0]->dim(1), plan_.output[0], plan_.output[1]}});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    const int64_t planes = in[0]->dim(0) * in[0]->dim(1);
    const int64_t in_size = plan_.input[0] * plan_.input[1], out_size = plan_.output[0] * plan_.output[1];
    parallel_ranges_if_large(planes, in_size, threads_, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        if (dtype_ == DType::UInt8) {
          max_pool_plane(in[0]->data<uint8_t>() + p * in_size, out[0].data<uint8_t>() + p * out_size);
        } else if (dtype_ == DType::Int8) {
          max_pool_plane(in[0]->data<int8_t>() + p * in_size, out[0].data<int8_t>() + p * out_size);
        } else if (max_) {
          max_pool_plane(in[0]->data<float>() + p * in_size, out[0].data<float>() + p * out_size);
        } else {
          average_pool_plane(in[0]->data<float>() + p * in_size, out[0].data<float>() + p * out_size);
        }
      }
    });
  }

  std::string algorithm() const override { return max_ ? "max_pool_2d_rows" : "average_pool_2d_rows"; }

  std::optional<SpatialDependence> spatial_dependence(const OpInputs& in) const override {
    if (!has_input(in, 0) || in[0]->rank() != 4) return std::nullopt;
    return window_dependence(window_, plan_window(window_, spatial_of(*in[0]), window_.kernel_shape, "pool"),
                             in.size());
  }

 private:
  // The maximum of the window's cells inside the input: per output row, first the maximum
  // down the window's rows into one line padded with the type's lowest value (the padding
  // never wins), then the windows across that line. Bytes: the maximum down the rows on
  // restrict-qualified contiguous runs, which the compiler vectorises (a byte-wise
  // read-modify-write loop ran at 8 cycles per byte), and kernels/x8_window_max.h across.
  // Floats: both steps on the vector window primitive of kernels/reduce.h, which keeps
  // NaNs; across, over whole vectors into a scratch line (its scalar tail of up to 15
  // outputs per row, and per-column borders, took most of ResNet's 112x112 MaxPool).
  // Lines wider than kMaxLine take the cells one by one.
  static constexpr int64_t kMaxLine = 8192;

  static void max_down(uint8_t* __restrict target, const uint8_t* __restrict source, int64_t count) {
    for (int64_t i = 0; i < count; ++i) target[i] = target[i] < source[i] ? source[i] : target[i];
  }
  static void max_down(int8_t* __restrict target, const int8_t* __restrict source, int64_t count) {
    for (int64_t i = 0; i < count; ++i) target[i] = target[i] < source[i] ? source[i] : target[i];
  }
  static void max_down(float* target, const float* source, int64_t count) {
    kernels::f32_window_max_row(count, 1, 1, source, target);
  }

  template <class T>
  void max_across(const T* line, T* row) const {
    const int64_t out_w = plan_.output[1], kw = plan_.kernel[1], sw = plan_.strides[1];
    if constexpr (std::is_same_v<T, float>) {
      // Whole vectors of outputs (16, a multiple of every path's width), plus one: the
      // stride-2 vector loop stops one output before the count.
      const int64_t count = (out_w + 15) / 16 * 16 + 1;
      alignas(64) float across[kMaxLine / 2 + 32];
      std::fill(across, across + count, std::numeric_limits<float>::lowest());
      kernels::f32_window_max_row(count, kw, sw, line, across);
      std::copy(across, across + out_w, row);
    } else {
      kernels::x8_window_max(reinterpret_cast<const uint8_t*>(line), out_w, kw, sw, std::is_signed_v<T>,
                             reinterpret_cast<uint8_t*>(row));
    }
  }

  template <class T>
  void max_pool_plane(const T* x, T* y) const {
    constexpr T kLowest = std::numeric_limits<T>::lowest();
    const int64_t height = plan_.input[0], width = plan_.input[1];
    const int64_t out_h = plan_.output[0], out_w = plan_.output[1];
    const int64_t kh = plan_.kernel[0], kw = plan_.kernel[1], sh = plan_.strides[0], sw = plan_.strides[1];
    const int64_t top = plan_.pads_begin[0], left = plan_.pads_begin[1];
    // The padded line: the padding, the input row, the windows past its end (for floats
    // those of the whole vectors max_across reads), and the 64 bytes a vector load may
    // read beyond the last window.
    const int64_t windows = std::is_same_v<T, float> ? (out_w + 15) / 16 * 16 + 1 : out_w;
    const int64_t span = std::max((windows - 1) * sw + kw, left + width) + 64;
    alignas(64) T line[kMaxLine];
    if (span <= kMaxLine && windows <= kMaxLine / 2) std::fill(line, line + span, kLowest);
    for (int64_t oy = 0; oy < out_h; ++oy) {
      T* row = y + oy * out_w;
      const int64_t iy0 = oy * sh - top;
      const int64_t ky0 = std::max<int64_t>(0, -iy0), ky1 = std::min(kh, height - iy0);
      if (span <= kMaxLine && windows <= kMaxLine / 2) {
        T* inside = line + left;
        if (ky1 > ky0) {
          std::copy(x + (iy0 + ky0) * width, x + (iy0 + ky0 + 1) * width, inside);
          for (int64_t ky = ky0 + 1; ky < ky1; ++ky) max_down(inside, x + (iy0 + ky) * width, width);
        } else {
          std::fill(inside, inside + width, kLowest);
        }
        max_across(line, row);
        continue;
      }
      std::fill(row, row + out_w, kLowest);
      for (int64_t ky = ky0; ky < ky1; ++ky) {
        for (int64_t kx = 0; kx < kw; ++kx) {
          const auto [o0, o1] = inside_range(kx - left, sw, width, out_w);
          const T* src = x + (iy0 + ky) * width + kx - left;
          for (int64_t ox = o0; ox < o1; ++ox) row[ox] = max_cell(row[ox], src[ox * sw]);
        }
      }
    }
  }

  template <class T>
  static T max_cell(T acc, T value) {
    if constexpr (std::is_same_v<T, float>) {
      return kernels::max_keeping_nan(acc, value);
    } else {
      return std::max(acc, value);
    }
  }

  // Average: per output row the window sums across each row of the window, then the divisor.
  void average_pool_plane(const float* x, float* y) const {
    const int64_t height = plan_.input[0], width = plan_.input[1];
    const int64_t out_h = plan_.output[0], out_w = plan_.output[1];
    const int64_t kh = plan_.kernel[0], kw = plan_.kernel[1], sh = plan_.strides[0], sw = plan_.strides[1];
    const int64_t top = plan_.pads_begin[0], left = plan_.pads_begin[1];
    for (int64_t oy = 0; oy < out_h; ++oy) {
      float* row = y + oy * out_w;
      std::fill(row, row + out_w, 0.0f);
      const int64_t iy0 = oy * sh - top;
      const int64_t ky0 = std::max<int64_t>(0, -iy0), ky1 = std::min(kh, height - iy0);
      // Outputs whose whole window row lies inside the input go to the vector primitive;
      // the few at the borders take the per-column loop.
      const auto [inner0, inner1] = inside_range(-left, sw, width - kw + 1, out_w);
      for (int64_t ky = ky0; ky < ky1; ++ky) {
        const float* in_row = x + (iy0 + ky) * width;
        if (inner1 > inner0) {
          kernels::f32_window_sum_row(inner1 - inner0, kw, sw, in_row + inner0 * sw - left, row + inner0);
        }
        for (int64_t kx = 0; kx < kw; ++kx) {
          const auto [o0, o1] = inside_range(kx - left, sw, width, out_w);
          const float* src = in_row + kx - left;
          auto border = [&](int64_t begin, int64_t end) {
            for (int64_t ox = begin; ox < end; ++ox) row[ox] += src[ox * sw];
          };
          border(o0, std::min(o1, inner0));
          border(std::max(o0, inner1), o1);
        }
      }
      // The divisor: the window's cells inside the input, or inside the padded extent.
      const int64_t pad_limit_y = count_include_pad_ ? plan_.pads_end[0] : 0;
      const int64_t pad_top = count_include_pad_ ? top : 0;
      const int64_t rows =
          std::max<int64_t>(0, std::min(kh, height + pad_limit_y - iy0) - std::max<int64_t>(0, -iy0 - pad_top));
      for (int64_t ox = 0; ox < out_w; ++ox) {
        const int64_t ix0 = ox * sw - left;
        const int64_t pad_left = count_include_pad_ ? left : 0, pad_right = count_include_pad_ ? plan_.pads_end[1] : 0;
        const int64_t columns =
            std::max<int64_t>(0, std::min(kw, width + pad_right - ix0) - std::max<int64_t>(0, -ix0 - pad_left));
        const int64_t count = rows * columns;
        row[ox] = count > 0 ? row[ox] / static_cast<float>(count) : 0.0f;
      }
    }
  }

  WindowAttributes window_;
  bool max_, count_include_pad_;
  int threads_;
  WindowPlan plan_;
  DType dtype_ = DType::Float32;  // planned
};

std::unique_ptr<Operator> create_fast_max_pool(const OpCreateInfo& info) {
  std::unique_ptr<Operator> reference = create_max_pool(info);
  const bool indices = info.node.outputs.size() > 1 && !info.node.outputs[1].empty();
  const WindowAttributes window = WindowAttributes::read(info.attributes(), info.describe());
  if (indices || window.kernel_shape.size() != 2) return reference;
  return std::make_unique<Pool2dOperator>(std::move(reference), window, true, false, std::max(1, info.threads));
}

std::unique_ptr<Operator> create_fast_average_pool(const OpCreateInfo& info) {
  std::unique_ptr<Operator> reference = create_average_pool(info);
  const WindowAttributes window = WindowAttributes::read(info.attributes(), info.describe());
  if (window.kernel_shape.size() != 2) return reference;
  return std::make_unique<Pool2dOperator>(std::move(reference), window, false,
                                          info.attributes().get_int("count_include_pad", 0) != 0,
                                          std::max(1, info.threads));
}

std::unique_ptr<Operator> create_fast_global_average_pool(const OpCreateInfo& info) {
  return std::make_unique<F32GlobalAveragePoolOperator>(create_global_average_pool(info), std::max(1, info.threads));
}

}  // namespace

void register_pool_operators(OpRegistry& registry) {
  registry.add("", "MaxPool", create_fast_max_pool);
  registry.add("", "AveragePool", create_fast_average_pool);
  registry.add("", "LpPool", create_lp_pool);
  registry.add("", "GlobalMaxPool", create_global_max_pool);
  registry.add("", "GlobalAveragePool", create_fast_global_average_pool);
  registry.add("", "GlobalLpPool", create_global_lp_pool);
  registry.add("", "MaxUnpool", create_max_unpool);
}

}  // namespace vigil
