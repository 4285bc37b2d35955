// SPDX-License-Identifier: Apache-2.0
// Reading and batching calibration samples.
#include "quant/calibration_data.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/log.h"
#include "io/idx.h"
#include "io/npy.h"

namespace vigil::quant {

namespace {

constexpr int64_t kDefaultBatch = 100;
constexpr int64_t kRandomSamples = 16;

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A bad-input Error naming `what` unless `shape` fits the declared input (rank, fixed
// dimensions, the batch dimension excepted when `any_batch`).
void check_fits(const ValueInfo& input, const Shape& shape, bool any_batch, const std::string& what) {
  if (!input.has_shape) return;
  bool fits = input.dims.size() == shape.size();
  for (size_t d = any_batch ? 1 : 0; fits && d < shape.size(); ++d) {
    fits = !input.dims[d].is_fixed() || input.dims[d].value == shape[d];
  }
  check_input(fits, what, ": shape ", shape_to_string(shape), " does not fit model input '", input.name, "' ",
              value_info_to_string(input));
}

// Calibration measures the ranges of real data: NaN, infinities or magnitudes near float's
// limit would give ranges (and scales) that no integer model can run, so such data is
// refused here, with its file named, rather than written into a model.
void check_calibration_values(const Tensor& tensor, const std::string& path) {
  if (tensor.dtype() != DType::Float32) return;
  constexpr float kLargest = 1e30f;
  const float* values = tensor.data<float>();
  for (int64_t i = 0; i < tensor.numel(); ++i) {
    check_input(std::isfinite(values[i]) && std::fabs(values[i]) <= kLargest, "--calib ", path, ": value #", i, " is ",
                values[i], "; calibration data must be finite and within +-1e30");
  }
}

std::string find_idx_images(const std::string& folder) {
  for (const char* name : {"train-images-idx3-ubyte", "t10k-images-idx3-ubyte"}) {
    for (const char* suffix : {"", ".gz"}) {
      const std::filesystem::path path = std::filesystem::path(folder) / (std::string(name) + suffix);
      if (std::filesystem::is_regular_file(path)) return path.string();
    }
  }
  return "";
}

}  // namespace

CalibrationData::CalibrationData(const std::string& source, const ValueInfo& input, int64_t limit) : input_(input) {
  check_input(input.dtype == DType::Float32 || source == "random", "--calib: model input '", input.name, "' is ",
              dtype_name(input.dtype), "; calibration feeds float32");
  if (source == "random") {
    open_random(limit);
    return;
  }
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(source, error);
  check_input(std::filesystem::exists(status), "--calib ", source, ": no such file or folder");
  if (std::filesystem::is_directory(status)) {
    std::vector<std::string> npy;
    for (const auto& entry : std::filesystem::directory_iterator(source)) {
      if (entry.is_regular_file() && entry.path().extension() == ".npy") npy.push_back(entry.path().string());
    }
    if (!npy.empty()) {
      std::sort(npy.begin(), npy.end());
      open_npy(npy, limit);
      return;
    }
    const std::string images = find_idx_images(source);
    check_input(!images.empty(), "--calib ", source,
                ": the folder holds no .npy files and no train-images-idx3-ubyte[.gz] or t10k-images-idx3-ubyte[.gz]");
    open_idx(images, limit);
  } else if (ends_with(source, ".npy")) {
    open_npy({source}, limit);
  } else {
    open_idx(source, limit);
  }
}

void CalibrationData::open_idx(const std::string& path, int64_t limit) {
  kind_ = Kind::Idx;
  Tensor images;
  try {
    images = read_idx_file(path, limit);
  } catch (const Error& e) {
    throw Error(e.kind(), str_cat("--calib: ", e.what()));
  }
  check_input(images.dtype() == DType::UInt8 && images.rank() == 3, "--calib ", path,
              ": not an IDX image set (uint8 [images, rows, cols]), it holds ", dtype_name(images.dtype()),
              shape_to_string(images.shape()));
  check_input(images.dim(0) > 0, "--calib ", path, ": holds no images");
  images_ = images;
  samples_ = limit > 0 ? std::min(limit, images.dim(0)) : images.dim(0);
  const size_t rank = input_.has_shape ? input_.dims.size() : 4;
  check_input(rank >= 2 && rank <= 4, "--calib ", path, ": model input '", input_.name, "' ",
              value_info_to_string(input_), " is not an image batch ([N,1,H,W], [N,H,W] or [N,H*W])");
  const bool fixed_batch = input_.has_shape && input_.dims[0].is_fixed();
  batch_size_ = fixed_batch ? std::max<int64_t>(input_.dims[0].value, 1) : std::min(kDefaultBatch, samples_);
  check_fits(input_, batch(0).shape(), false, str_cat("--calib ", path));
}

void CalibrationData::open_npy(const std::vector<std::string>& paths, int64_t limit) {
  kind_ = Kind::Npy;
  for (const std::string& path : paths) {
    if (limit > 0 && samples_ >= limit) break;
    Tensor tensor;
    try {
      tensor = read_npy_file(path);
    } catch (const Error& e) {
      throw Error(e.kind(), str_cat("--calib: ", e.what()));
    }
    check_input(tensor.dtype() == input_.dtype, "--calib ", path, ": holds ", dtype_name(tensor.dtype()),
                ", model input '", input_.name, "' is ", value_info_to_string(input_));
    check_fits(input_, tensor.shape(), false, str_cat("--calib ", path));
    check_input(tensor.rank() > 0 && tensor.dim(0) > 0, "--calib ", path, ": holds no samples");
    check_calibration_values(tensor, path);
    samples_ += tensor.dim(0);
    npy_batches_.push_back(std::move(tensor));
  }
  // Only a free batch dimension lets the last batch be cut short.
  const bool free_batch = !input_.has_shape || !input_.dims[0].is_fixed();
  if (limit > 0 && samples_ > limit && free_batch) {
    Tensor& last = npy_batches_.back();
    const int64_t keep = last.dim(0) - (samples_ - limit);
    Shape shape = last.shape();
    shape[0] = keep;
    Tensor cut(last.dtype(), shape);
    std::memcpy(cut.raw(), last.raw(), cut.nbytes());
    last = cut;
    samples_ = limit;
  }
}

void CalibrationData::open_random(int64_t limit) {
  log_warning(
      "--calib random: calibrating on random numbers; the ranges will not be those of real inputs and "
      "the quantized model's accuracy says nothing. Use real samples for a model you deploy.");
  check_input(input_.dtype == DType::Float32, "--calib random: model input '", input_.name, "' is ",
              dtype_name(input_.dtype), "; random calibration feeds float32");
  check_input(input_.has_shape, "--calib random: model input '", input_.name, "' has no declared shape");
  kind_ = Kind::Random;
  for (const Dim& dim : input_.dims) sample_shape_.push_back(dim.is_fixed() ? dim.value : 1);
  samples_ = limit > 0 ? limit : kRandomSamples;
  batch_size_ = sample_shape_.empty() ? 1 : sample_shape_[0];
}

int64_t CalibrationData::batch_count() const {
  if (kind_ == Kind::Npy) return static_cast<int64_t>(npy_batches_.size());
  return (samples_ + batch_size_ - 1) / batch_size_;
}

Tensor CalibrationData::batch(int64_t index) const {
  if (kind_ == Kind::Npy) return npy_batches_[static_cast<size_t>(index)];
  if (kind_ == Kind::Random) {
    Tensor tensor(DType::Float32, sample_shape_);
    std::mt19937 generator(static_cast<uint32_t>(index + 1));
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    float* data = tensor.data<float>();
    for (int64_t i = 0; i < tensor.numel(); ++i) data[i] = uniform(generator);
    return tensor;
  }
  const int64_t rows = images_.dim(1), cols = images_.dim(2), pixels = rows * cols;
  const bool fixed_batch = input_.has_shape && input_.dims[0].is_fixed();
  const int64_t start = index * batch_size_;
  const int64_t count = fixed_batch ? batch_size_ : std::min(batch_size_, samples_ - start);
  const size_t rank = input_.has_shape ? input_.dims.size() : 4;
  const Shape shape = rank == 4   ? Shape{count, 1, rows, cols}
                      : rank == 3 ? Shape{count, rows, cols}
                                  : Shape{count, pixels};
  Tensor tensor(DType::Float32, shape);
  float* data = tensor.data<float>();
  const uint8_t* source = images_.data<uint8_t>();
  for (int64_t i = 0; i < count; ++i) {
    // A fixed batch dimension fills the last batch with samples from the start again.
    const int64_t sample = (start + i) % samples_;
    for (int64_t p = 0; p < pixels; ++p) data[i * pixels + p] = source[sample * pixels + p] / 255.0f;
  }
  return tensor;
}

}  // namespace vigil::quant
