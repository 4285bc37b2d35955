// SPDX-License-Identifier: Apache-2.0
// Evaluating an image classifier on a labelled image set: top-1 accuracy and throughput.
// Pixels are fed as float32 in [0, 1] (uint8 / 255); the model does any further
// normalisation itself. The model's first input is [N, 1, H, W], [N, H, W] or [N, H*W];
// its first output holds one score per class. `vigil eval` and the model tests use it.
#pragma once

#include <cstdint>

#include "io/idx.h"
#include "runtime/session.h"

namespace vigil {

struct ClassifierEvalOptions {
  int64_t limit = 0;    // 0: every image
  int64_t batch = 100;  // images per run when the model's batch dimension is free
};

struct ClassifierEvalResult {
  int64_t images = 0;
  int64_t correct = 0;
  int64_t batch = 0;   // the batch size used
  double seconds = 0;  // time inside Session::run only
  double accuracy() const { return images ? static_cast<double>(correct) / static_cast<double>(images) : 0; }
  double images_per_second() const { return seconds > 0 ? static_cast<double>(images) / seconds : 0; }
};

// Images start .. start + used - 1 as the model's input `input`, zero-padded to `batch`
// (a fixed batch dimension); a bad-input Error when the input is not an image batch.
Tensor classifier_image_batch(const ValueInfo& input, const IdxDataset& dataset, int64_t start, int64_t used,
                              int64_t batch);

ClassifierEvalResult evaluate_classifier(Session& session, const IdxDataset& dataset,
                                         const ClassifierEvalOptions& options);

}  // namespace vigil
