// SPDX-License-Identifier: Apache-2.0
// Generators of the signal family (opset 17): the cosine-sum windows HannWindow,
// HammingWindow and BlackmanWindow, and MelWeightMatrix, the triangular filter bank that
// maps a onesided spectrum to mel bins. All compute in double and convert to the
// requested output_datatype (float by default).
#include <cmath>
#include <numbers>

#include "ops/signal_internal.h"

namespace vigil {

namespace {

// ONNX's TensorProto.DataType of an output_datatype attribute (1 = float).
DType output_dtype(const Attributes& attributes) {
  return static_cast<DType>(attributes.get_int("output_datatype", static_cast<int64_t>(DType::Float32)));
}

// w[n] = a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N), with N = size for a periodic window
// and size - 1 for a symmetric one.
struct CosineSum {
  double a0, a1, a2;
};

template <CosineSum Coefficients>
std::unique_ptr<Operator> create_window(const OpCreateInfo& info) {
  const DType dtype = output_dtype(info.attributes());
  const bool periodic = info.attributes().get_int("periodic", 1) != 0;
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const int64_t size = read_scalar_int(require_input(in, 0, "size"), "window size");
    check_input(size >= 0, "window size must not be negative, got ", size);
    const int64_t period = periodic ? size : size - 1;
    Tensor values(DType::Float64, {size});  // within the memory budget, whatever the size
    double* value = values.data<double>();
    for (int64_t n = 0; n < size; ++n) {
      // A symmetric window of one point has no period: it is the single value 1.
      const double angle =
          period > 0 ? 2.0 * std::numbers::pi * static_cast<double>(n) / static_cast<double>(period) : 0;
      value[n] = period > 0
                     ? Coefficients.a0 - Coefficients.a1 * std::cos(angle) + Coefficients.a2 * std::cos(2.0 * angle)
                     : 1.0;
    }
    out[0] = tensor_from_doubles(dtype, values, "window output_datatype");
  });
}

constexpr CosineSum kHann{0.5, 0.5, 0.0};
constexpr CosineSum kHamming{25.0 / 46.0, 21.0 / 46.0, 0.0};
constexpr CosineSum kBlackman{0.42, 0.5, 0.08};

double hertz_to_mel(double hertz) { return 2595.0 * std::log10(1.0 + hertz / 700.0); }
double mel_to_hertz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

// Output [dft_length / 2 + 1, num_mel_bins]: filter i rises linearly from spectrum bin
// edge[i] to edge[i + 1] and falls to edge[i + 2], the edges being equally spaced in mel
// from the lower edge frequency and rounded down to spectrum bins. The mel step is the
// span divided by num_mel_bins + 2 (not + 1), so the last edge stops short of
// upper_edge_hertz: that is what ONNX's reference, onnxruntime and the backend test compute.
std::unique_ptr<Operator> create_mel_weight_matrix(const OpCreateInfo& info) {
  const DType dtype = output_dtype(info.attributes());
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const int64_t mel_bins = read_scalar_int(require_input(in, 0, "num_mel_bins"), "num_mel_bins");
    const int64_t dft_length = read_scalar_int(require_input(in, 1, "dft_length"), "dft_length");
    const int64_t sample_rate = read_scalar_int(require_input(in, 2, "sample_rate"), "sample_rate");
    const double lower = read_scalar_double(require_input(in, 3, "lower_edge_hertz"), "lower_edge_hertz");
    const double upper = read_scalar_double(require_input(in, 4, "upper_edge_hertz"), "upper_edge_hertz");
    check_input(mel_bins >= 1, "num_mel_bins must be positive, got ", mel_bins);
    check_input(dft_length >= 1, "dft_length must be positive, got ", dft_length);
    check_input(sample_rate >= 1, "sample_rate must be positive, got ", sample_rate);
    check_input(lower >= 0 && lower <= upper, "need 0 <= lower_edge_hertz <= upper_edge_hertz, got ", lower, " and ",
                upper);
    const int64_t spectrum_bins = dft_length / 2 + 1;
    Tensor weights(DType::Float64, {spectrum_bins, mel_bins});  // first: it bounds mel_bins by the memory budget
    const double low_mel = hertz_to_mel(lower);
    const double mel_step = (hertz_to_mel(upper) - low_mel) / static_cast<double>(mel_bins + 2);
    std::vector<int64_t> edges(static_cast<size_t>(mel_bins + 2));
    for (int64_t i = 0; i < mel_bins + 2; ++i) {
      const double hertz = mel_to_hertz(static_cast<double>(i) * mel_step + low_mel);
      edges[i] = convert_element<int64_t>(std::floor(static_cast<double>(dft_length + 1) * hertz / sample_rate));
      check_input(edges[i] >= 0 && edges[i] < spectrum_bins, "MelWeightMatrix: upper_edge_hertz ", upper,
                  " maps past the last spectrum bin (sample_rate ", sample_rate, ", dft_length ", dft_length, ")");
    }
    auto weight = [&](int64_t bin, int64_t mel) -> double& { return weights.data<double>()[bin * mel_bins + mel]; };
    for (int64_t i = 0; i < mel_bins; ++i) {
      const int64_t left = edges[i];
      const int64_t center = edges[i + 1];
      const int64_t right = edges[i + 2];
      if (center == left) {
        weight(center, i) = 1.0;
      } else {
        for (int64_t j = left; j <= center; ++j) {
          weight(j, i) = static_cast<double>(j - left) / static_cast<double>(center - left);
        }
      }
      for (int64_t j = center; j < right; ++j) {
        weight(j, i) = static_cast<double>(right - j) / static_cast<double>(right - center);
      }
    }
    out[0] = tensor_from_doubles(dtype, weights, "MelWeightMatrix output_datatype");
  });
}

}  // namespace

void register_signal_window_operators(OpRegistry& registry) {
  registry.add("", "HannWindow", create_window<kHann>);
  registry.add("", "HammingWindow", create_window<kHamming>);
  registry.add("", "BlackmanWindow", create_window<kBlackman>);
  registry.add("", "MelWeightMatrix", create_mel_weight_matrix);
}

}  // namespace vigil
