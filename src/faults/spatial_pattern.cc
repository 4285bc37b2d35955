// SPDX-License-Identifier: Apache-2.0
// The geometry of CLASSES' spatial patterns and the values of its value classes.
#include "faults/spatial_pattern.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "faults/counter_rng.h"
#include "faults/fault_model.h"
#include "faults/name_table.h"

namespace vigil::faults {

namespace {

constexpr NameOf<SpatialPattern> kPatternNames[] = {
    {SpatialPattern::Point, "point"},         {SpatialPattern::Row, "row"},
    {SpatialPattern::BulletWake, "bullet_wake"}, {SpatialPattern::Skip4, "skip4"},
    {SpatialPattern::Block, "block"},         {SpatialPattern::Channel, "channel"},
    {SpatialPattern::Shattered, "shattered"}, {SpatialPattern::Scattered, "scattered"}};

constexpr NameOf<ValueClass> kValueNames[] = {{ValueClass::InRange, "in_range"},
                                              {ValueClass::OutOfRange, "out_of_range"},
                                              {ValueClass::NaN, "nan"},
                                              {ValueClass::Zero, "zero"}};

template <typename Enum, size_t N>
std::string joined_names(const NameOf<Enum> (&table)[N]) {
  std::string names;
  for (const NameOf<Enum>& entry : table) names += (names.empty() ? "" : ", ") + std::string(entry.name);
  return names;
}

// A tensor read as channels x rows x cols, and the anchor's place in it.
struct Planes {
  int64_t channels, rows, cols;
  int64_t channel, row, col;
  int64_t at(int64_t c, int64_t r, int64_t x) const { return (c * rows + r) * cols + x; }
};

Planes planes_of(const Shape& shape, int64_t anchor) {
  Planes p{};
  p.cols = shape.empty() ? 1 : shape.back();
  p.rows = shape.size() >= 2 ? shape[shape.size() - 2] : 1;
  p.channels = shape_numel(shape) / std::max<int64_t>(1, p.rows * p.cols);
  p.col = anchor % p.cols;
  p.row = anchor / p.cols % p.rows;
  p.channel = anchor / (p.cols * p.rows);
  return p;
}

// A run of `length` positions within [0, extent) that holds `at`, placed at random.
int64_t run_start(CounterRng& random, int64_t at, int64_t length, int64_t extent) {
  const int64_t lowest = std::max<int64_t>(0, at - length + 1);
  const int64_t highest = std::min(at, extent - length);
  return lowest + static_cast<int64_t>(random.below(static_cast<uint64_t>(highest - lowest + 1)));
}

// A length in [2, extent] (1 when the extent is 1), at most `cap`.
int64_t run_length(CounterRng& random, int64_t extent, int64_t cap) {
  const int64_t most = std::min(extent, cap);
  return most <= 1 ? 1 : 2 + static_cast<int64_t>(random.below(static_cast<uint64_t>(most - 1)));
}

constexpr int64_t kNoCap = std::numeric_limits<int64_t>::max();

}  // namespace

const char* spatial_pattern_name(SpatialPattern pattern) { return name_in(kPatternNames, pattern); }
const char* value_class_name(ValueClass value_class) { return name_in(kValueNames, value_class); }

bool find_spatial_pattern(const std::string& name, SpatialPattern& pattern) {
  const auto found = value_in(kPatternNames, name);
  if (found) pattern = *found;
  return found.has_value();
}

ValueClass parse_value_class(const std::string& name) {
  if (const auto found = value_in(kValueNames, name)) return *found;
  fail_bad_input("--values: '", name, "' is not a value class (", value_class_names(), ")");
}

std::string spatial_pattern_names() { return joined_names(kPatternNames); }
std::string value_class_names() { return joined_names(kValueNames); }

std::vector<int64_t> pattern_elements(SpatialPattern pattern, const Shape& shape, int64_t anchor, uint64_t random_word) {
  const Planes p = planes_of(shape, anchor);
  CounterRng random(random_word, 0);
  std::vector<int64_t> elements;
  const auto add_row_run = [&](int64_t channel, int64_t length) {
    const int64_t start = run_start(random, p.col, length, p.cols);
    for (int64_t x = start; x < start + length; ++x) elements.push_back(p.at(channel, p.row, x));
  };
  const auto wake_channels = [&](int64_t length) {
    const int64_t first = run_start(random, p.channel, length, p.channels);
    return std::pair{first, first + length};
  };
  switch (pattern) {
    case SpatialPattern::Point:
      elements.push_back(anchor);
      break;
    case SpatialPattern::Row:
      add_row_run(p.channel, run_length(random, p.cols, kNoCap));
      break;
    case SpatialPattern::BulletWake: {
      const auto [first, end] = wake_channels(run_length(random, p.channels, kNoCap));
      for (int64_t c = first; c < end; ++c) elements.push_back(p.at(c, p.row, p.col));
      break;
    }
    case SpatialPattern::Skip4: {
      const int64_t plane = p.rows * p.cols;
      const int64_t offset = anchor - p.channel * plane;
      // The anchor sits somewhere in a run of every 4th element of its channel.
      const int64_t phase = offset % 4;
      const int64_t slots = (plane - phase + 3) / 4;
      const int64_t length = run_length(random, slots, kNoCap);
      const int64_t start = run_start(random, offset / 4, length, slots);
      for (int64_t s = start; s < start + length; ++s) elements.push_back(p.channel * plane + phase + 4 * s);
      break;
    }
    case SpatialPattern::Block: {
      const int64_t height = run_length(random, p.rows, 8);
      const int64_t width = run_length(random, p.cols, 8);
      const int64_t top = run_start(random, p.row, height, p.rows);
      const int64_t left = run_start(random, p.col, width, p.cols);
      for (int64_t r = top; r < top + height; ++r) {
        for (int64_t x = left; x < left + width; ++x) elements.push_back(p.at(p.channel, r, x));
      }
      break;
    }
    case SpatialPattern::Channel:
      for (int64_t i = 0; i < p.rows * p.cols; ++i) elements.push_back(p.channel * p.rows * p.cols + i);
      break;
    case SpatialPattern::Shattered: {
      const auto [first, end] = wake_channels(run_length(random, p.channels, kNoCap));
      for (int64_t c = first; c < end; ++c) {
        elements.push_back(p.at(c, p.row, p.col));
        add_row_run(c, 1 + static_cast<int64_t>(random.below(static_cast<uint64_t>(std::min<int64_t>(p.cols, 4)))));
      }
      break;
    }
    case SpatialPattern::Scattered: {
      const int64_t total = shape_numel(shape);
      elements.push_back(anchor);
      const int64_t count = run_length(random, total, 64);
      for (int64_t i = 1; i < count; ++i) elements.push_back(static_cast<int64_t>(random.below(static_cast<uint64_t>(total))));
      break;
    }
  }
  std::sort(elements.begin(), elements.end());
  elements.erase(std::unique(elements.begin(), elements.end()), elements.end());
  return elements;
}

void write_value_class(Tensor& tensor, const std::vector<int64_t>& elements, ValueClass value_class, uint64_t random_word) {
  const DType dtype = tensor.dtype();
  const bool is_float = dtype_is_float(dtype);
  check_input(is_float || value_class != ValueClass::NaN, "--values nan: a ", dtype_name(dtype),
              " output holds no NaN (choose float outputs with --node or --op)");
  void* data = tensor.raw();
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (int64_t i = 0; i < tensor.numel(); ++i) {
    const double value = element_value(data, dtype, i);
    if (!std::isfinite(value)) continue;
    low = std::min(low, value);
    high = std::max(high, value);
  }
  if (low > high) low = high = 0;
  const int width = dtype_bits(dtype);
  const double type_low = is_float || !dtype_is_signed(dtype) ? 0 : -std::ldexp(1.0, width - 1);
  const double type_high = is_float ? 0 : std::ldexp(1.0, dtype_is_signed(dtype) ? width - 1 : width) - 1;
  CounterRng random(random_word, 1);
  const auto value_of = [&]() -> double {
    switch (value_class) {
      case ValueClass::InRange:
        return low + random.unit() * (high - low);
      case ValueClass::OutOfRange: {
        if (is_float) {
          const double magnitude = std::max({std::abs(low), std::abs(high), 1.0}) * std::exp2(1 + 9 * random.unit());
          return random.next() & 1 ? magnitude : -magnitude;
        }
        // Integers: uniform over the values of the type outside [low, high].
        const double below = low - type_low, above = type_high - high;
        if (below + above <= 0) return type_high;
        const double pick = std::floor(random.unit() * (below + above));
        return pick < below ? type_low + pick : high + 1 + (pick - below);
      }
      case ValueClass::NaN:
        return std::numeric_limits<double>::quiet_NaN();
      case ValueClass::Zero:
        return 0;
    }
    return 0;
  };
  for (const int64_t element : elements) write_element_bits(data, dtype, element, word_of_value(dtype, value_of()));
}

}  // namespace vigil::faults
