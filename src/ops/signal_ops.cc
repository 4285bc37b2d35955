// SPDX-License-Identifier: Apache-2.0
// Signal-processing operators: DFT (opsets 17 and 20) and STFT (opset 17), plus the
// family's registration. Signals are real ([..., 1]) or complex ([..., 2], interleaved
// real and imaginary parts) in their last dimension; outputs are always complex. The
// transform is the plain O(n^2) sum over a table of twiddle factors, accumulated in double:
// it is exact for every length (no power-of-two restriction), and these operators sit in
// feature extraction, not in the hot path of the models we run.
#include <cmath>
#include <complex>
#include <numbers>

#include "ops/families.h"
#include "ops/registry.h"
#include "ops/signal_internal.h"

namespace vigil {

int64_t read_scalar_int(const Tensor& tensor, const std::string& what) {
  check_input(tensor.numel() == 1, what, " must be a scalar, got shape ", shape_to_string(tensor.shape()));
  check_input(dtype_is_integer(tensor.dtype()), what, " must be an integer, got ", dtype_name(tensor.dtype()));
  return tensor.to_int64_vector()[0];
}

double read_scalar_double(const Tensor& tensor, const std::string& what) {
  check_input(tensor.numel() == 1, what, " must be a scalar, got shape ", shape_to_string(tensor.shape()));
  check_input(tensor.dtype() != DType::String, what, " must be numeric");
  return tensor.to_double_vector()[0];
}

Tensor tensor_from_doubles(DType dtype, const Tensor& values, const std::string& what) {
  Tensor out(dtype, values.shape());
  const double* in = values.data<double>();
  dispatch_dtype(dtype, what, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* data = out.data<T>();
    for (int64_t i = 0; i < values.numel(); ++i) data[i] = convert_element<T>(in[i]);
  });
  return out;
}

namespace {

using Complex = std::complex<double>;

// The DFT of one line: `in` holds the first `in_len` points of a signal of length `n`
// (the rest are zeros; extra points beyond n are ignored by the caller), `out` receives
// bins 0..out_len-1. The inverse transform uses the opposite sign and scales by 1/n.
class LineDft {
 public:
  LineDft(int64_t n, bool inverse) : n_(n), inverse_(inverse), twiddles_(static_cast<size_t>(n)) {
    const double sign = inverse ? 1.0 : -1.0;
    for (int64_t m = 0; m < n; ++m) {
      twiddles_[m] = std::polar(1.0, sign * 2.0 * std::numbers::pi * static_cast<double>(m) / static_cast<double>(n));
    }
  }

  void run(const Complex* in, int64_t in_len, Complex* out, int64_t out_len) const {
    const int64_t used = std::min(in_len, n_);
    const double scale = inverse_ ? 1.0 / static_cast<double>(n_) : 1.0;
    for (int64_t k = 0; k < out_len; ++k) {
      Complex sum = 0;
      int64_t phase = 0;  // (k * t) mod n, advanced by k each step
      for (int64_t t = 0; t < used; ++t) {
        sum += in[t] * twiddles_[phase];
        phase += k;
        if (phase >= n_) phase %= n_;
      }
      out[k] = sum * scale;
    }
  }

 private:
  int64_t n_;
  bool inverse_;
  std::vector<Complex> twiddles_;
};

// The complex width (1 real, 2 complex) of a signal's last dimension.
int64_t complex_width(const Tensor& signal, const std::string& what) {
  check_input(signal.rank() >= 2, what, " must have rank >= 2 (last dimension 1 or 2), got shape ",
              shape_to_string(signal.shape()));
  const int64_t width = signal.dim(signal.rank() - 1);
  check_input(width == 1 || width == 2, what, ": last dimension must be 1 (real) or 2 (complex), got ", width);
  return width;
}

void check_float_signal(const Tensor& signal, const std::string& what) {
  if (!dtype_is_float(signal.dtype())) {
    fail_unsupported(what, ": element type ", dtype_name(signal.dtype()), " is not supported");
  }
}

// Transforms every line of `x` along `axis` (a dimension other than the last).
Tensor run_dft(const Tensor& x, int64_t axis, int64_t n, bool inverse, bool onesided) {
  const int64_t width = complex_width(x, "DFT input");
  const Shape& shape = x.shape();
  const int64_t rank = x.rank();
  int64_t outer = 1;
  int64_t inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= shape[d];
  for (int64_t d = axis + 1; d < rank - 1; ++d) inner *= shape[d];
  const int64_t length = shape[axis];
  const int64_t bins = onesided ? n / 2 + 1 : n;
  Shape out_shape = shape;
  out_shape[axis] = bins;
  out_shape[rank - 1] = 2;
  Tensor out(x.dtype(), out_shape);
  const LineDft dft(n, inverse);
  dispatch_dtype(x.dtype(), "DFT", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = x.data<T>();
    T* dst = out.data<T>();
    std::vector<Complex> line(static_cast<size_t>(length));
    std::vector<Complex> result(static_cast<size_t>(bins));
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        for (int64_t t = 0; t < length; ++t) {
          const T* point = src + ((o * length + t) * inner + i) * width;
          const double re = convert_element<double>(point[0]);
          const double im = width == 2 ? convert_element<double>(point[1]) : 0.0;
          line[t] = Complex(re, im);
        }
        dft.run(line.data(), length, result.data(), bins);
        for (int64_t k = 0; k < bins; ++k) {
          T* point = dst + ((o * bins + k) * inner + i) * 2;
          point[0] = convert_element<T>(result[k].real());
          point[1] = convert_element<T>(result[k].imag());
        }
      }
    }
  });
  return out;
}

std::unique_ptr<Operator> create_dft(const OpCreateInfo& info) {
  const Attributes& attributes = info.attributes();
  const bool inverse = attributes.get_int("inverse", 0) != 0;
  const bool onesided = attributes.get_int("onesided", 0) != 0;
  // Opset 20 moved the axis from an attribute (default 1) to an optional third input
  // (default -2, the last signal dimension).
  const bool axis_is_input = info.opset >= 20;
  const int64_t axis_attribute = attributes.get_int("axis", 1);
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, "input");
    check_float_signal(x, "DFT");
    const int64_t rank = x.rank();
    int64_t axis = axis_attribute;
    if (axis_is_input) axis = has_input(in, 2) ? read_scalar_int(*in[2], "DFT axis") : -2;
    if (axis < 0) axis += rank;
    check_input(axis >= 0 && axis < rank - 1, "DFT axis ", axis, " is out of range for input rank ", rank,
                " (the last dimension holds the complex parts)");
    int64_t n = x.dim(axis);
    if (has_input(in, 1)) n = read_scalar_int(*in[1], "DFT dft_length");
    check_input(n >= 1, "DFT dft_length must be positive, got ", n);
    out[0] = run_dft(x, axis, n, inverse, onesided);
  });
}

// STFT: frames of the signal [batch, length, 1 or 2], each multiplied by the window and
// transformed with a DFT of frame_length points. Output [batch, frames, bins, 2].
std::unique_ptr<Operator> create_stft(const OpCreateInfo& info) {
  const bool onesided = info.attributes().get_int("onesided", 1) != 0;
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& signal = require_input(in, 0, "signal");
    check_float_signal(signal, "STFT");
    const int64_t width = complex_width(signal, "STFT signal");
    check_input(signal.rank() == 3, "STFT signal must have shape [batch, length, 1 or 2], got ",
                shape_to_string(signal.shape()));
    const int64_t step = read_scalar_int(require_input(in, 1, "frame_step"), "STFT frame_step");
    check_input(step >= 1, "STFT frame_step must be positive, got ", step);
    const int64_t batch = signal.dim(0);
    const int64_t length = signal.dim(1);
    std::vector<double> window;
    if (has_input(in, 2)) {
      check_input(in[2]->rank() == 1, "STFT window must be 1-D, got shape ", shape_to_string(in[2]->shape()));
      window = in[2]->to_double_vector();
    }
    int64_t frame_length = window.empty() ? length : static_cast<int64_t>(window.size());
    if (has_input(in, 3)) frame_length = read_scalar_int(*in[3], "STFT frame_length");
    check_input(frame_length >= 1 && frame_length <= length, "STFT frame_length ", frame_length,
                " must be in [1, signal length ", length, "]");
    // Without a window, frames are frame_length points unweighted.
    if (window.empty()) window.assign(static_cast<size_t>(frame_length), 1.0);
    const auto window_size = static_cast<int64_t>(window.size());
    const int64_t frames = 1 + (length - frame_length) / step;
    const int64_t bins = onesided ? frame_length / 2 + 1 : frame_length;
    Tensor result(signal.dtype(), {batch, frames, bins, 2});
    const LineDft dft(frame_length, false);
    dispatch_dtype(signal.dtype(), "STFT", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* src = signal.data<T>();
      T* dst = result.data<T>();
      std::vector<Complex> frame(static_cast<size_t>(window_size));
      std::vector<Complex> spectrum(static_cast<size_t>(bins));
      for (int64_t b = 0; b < batch; ++b) {
        for (int64_t f = 0; f < frames; ++f) {
          // Points past the end of the signal (a window longer than the frame) are zeros.
          for (int64_t t = 0; t < window_size; ++t) {
            const int64_t position = f * step + t;
            if (position >= length) {
              frame[t] = 0;
              continue;
            }
            const T* point = src + (b * length + position) * width;
            const double im = width == 2 ? convert_element<double>(point[1]) : 0.0;
            frame[t] = Complex(convert_element<double>(point[0]), im) * window[t];
          }
          dft.run(frame.data(), window_size, spectrum.data(), bins);
          T* row = dst + (b * frames + f) * bins * 2;
          for (int64_t k = 0; k < bins; ++k) {
            row[2 * k] = convert_element<T>(spectrum[k].real());
            row[2 * k + 1] = convert_element<T>(spectrum[k].imag());
          }
        }
      }
    });
    out[0] = std::move(result);
  });
}

}  // namespace

void register_signal_operators(OpRegistry& registry) {
  registry.add("", "DFT", create_dft);
  registry.add("", "STFT", create_stft);
  register_signal_window_operators(registry);
}

}  // namespace vigil
