// SPDX-License-Identifier: Apache-2.0
// The bit-error-rate sweep, its error patterns drawn from the seed, the rate and the
// repetition alone, evaluated on worker threads.
#include "faults/ber_sweep.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "eval/classifier_eval.h"
#include "faults/counter_rng.h"
#include "faults/fault_model.h"

namespace vigil::faults {

namespace {

// The weight tensors exposed: rank 2 or more, read by a selected node.
std::vector<std::string> exposed_weights(const Model& model, const BerSweepOptions& options) {
  const std::regex pattern = node_regex(options.node_pattern);
  std::vector<std::string> names;
  for (const Node& node : model.graph.nodes) {
    if (!std::regex_match(node.name, pattern) || (!options.op_type.empty() && node.op_type != options.op_type)) continue;
    for (const std::string& input : node.inputs) {
      const auto it = model.graph.initializers.find(input);
      if (it == model.graph.initializers.end() || it->second.rank() < 2 || dtype_bits(it->second.dtype()) == 0) continue;
      if (std::find(names.begin(), names.end(), input) == names.end()) names.push_back(input);
    }
  }
  check_input(!names.empty(), "--ber: no weight tensor (an initializer of rank 2 or more) is read by the nodes selected");
  return names;
}

}  // namespace

std::vector<uint64_t> bit_error_positions(uint64_t bits, double rate, uint64_t seed, uint64_t stream) {
  CounterRng random(seed, stream);
  std::vector<uint64_t> positions;
  const double log_keep = std::log1p(-rate);
  // The gap to the next flipped bit is geometric: floor(log U / log(1 - p)).
  for (double at = 0;;) {
    const double u = 1.0 - random.unit();  // in (0, 1]
    at += std::floor(std::log(u) / log_keep);
    if (at >= static_cast<double>(bits)) break;
    positions.push_back(static_cast<uint64_t>(at));
    at += 1;
  }
  return positions;
}

void check_bit_error_rates(double low, double high) {
  check_input(low > 0 && low < 1 && high > 0 && high < 1, "--ber ", low, ":", high,
              ": rates are probabilities in (0, 1)");
  check_input(low <= high, "--ber ", low, ":", high, ": the low rate comes first");
}

BerSweepResult sweep_bit_error_rates(std::shared_ptr<const Model> model, const IdxDataset& data,
                                     const BerSweepOptions& options) {
  check_bit_error_rates(options.low_rate, options.high_rate);
  check_input(options.points >= 1 && options.repeats >= 1, "--ber-points and --repeats are positive counts");
  const auto begin = std::chrono::steady_clock::now();
  BerSweepResult result;
  result.tensors = exposed_weights(*model, options);
  for (const std::string& name : result.tensors) {
    const Tensor& weight = model->graph.initializers.at(name);
    result.weight_bits += weight.numel() * dtype_bits(weight.dtype());
  }
  ClassifierEvalOptions eval;
  eval.limit = options.images;
  {
    Session clean(model, SessionOptions{options.workers, options.optimize});
    const ClassifierEvalResult evaluated = evaluate_classifier(clean, data, eval);
    result.clean_accuracy = evaluated.accuracy();
    result.images = evaluated.images;
  }
  result.points.resize(static_cast<size_t>(options.points));
  for (int p = 0; p < options.points; ++p) {
    const double t = options.points == 1 ? 0 : static_cast<double>(p) / (options.points - 1);
    result.points[p].rate = std::exp(std::log(options.low_rate) + t * (std::log(options.high_rate) - std::log(options.low_rate)));
    result.points[p].accuracies.resize(static_cast<size_t>(options.repeats));
  }
  std::vector<int64_t> flips(static_cast<size_t>(options.points * options.repeats), 0);
  std::atomic<int> next{0};
  std::mutex mutex;
  std::exception_ptr failure;
  auto work = [&] {
    try {
      for (int job = next++; job < options.points * options.repeats; job = next++) {
        const int p = job / options.repeats, r = job % options.repeats;
        auto corrupted = std::make_shared<Model>(*model);
        // One stream per rate, repetition and tensor: a pattern does not depend on how many
        // rates or repetitions the sweep has.
        uint64_t stream = (static_cast<uint64_t>(p) << 40) | (static_cast<uint64_t>(r) << 20);
        for (const std::string& name : result.tensors) {
          Tensor weight = corrupted->graph.initializers.at(name).clone();
          const int width = dtype_bits(weight.dtype());
          for (const uint64_t bit : bit_error_positions(static_cast<uint64_t>(weight.numel()) * width,
                                                        result.points[p].rate, options.seed, stream++)) {
            const int64_t element = static_cast<int64_t>(bit / width);
            const uint64_t word = read_element_bits(weight.raw(), weight.dtype(), element);
            write_element_bits(weight.raw(), weight.dtype(), element, word ^ (uint64_t{1} << (bit % width)));
            ++flips[job];
          }
          corrupted->graph.initializers[name] = weight;
        }
        Session session(corrupted, SessionOptions{1, options.optimize});
        result.points[p].accuracies[r] = evaluate_classifier(session, data, eval).accuracy();
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (int w = 1; w < std::max(1, options.workers); ++w) threads.emplace_back(work);
  work();
  for (std::thread& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
  for (int p = 0; p < options.points; ++p) {
    BerPoint& point = result.points[p];
    double sum = 0, flipped = 0;
    for (int r = 0; r < options.repeats; ++r) {
      sum += point.accuracies[r];
      flipped += static_cast<double>(flips[p * options.repeats + r]);
    }
    point.mean = sum / options.repeats;
    point.mean_flips = flipped / options.repeats;
    point.low = *std::min_element(point.accuracies.begin(), point.accuracies.end());
    point.high = *std::max_element(point.accuracies.begin(), point.accuracies.end());
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  return result;
}

}  // namespace vigil::faults
