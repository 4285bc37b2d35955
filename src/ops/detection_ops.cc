// SPDX-License-Identifier: Apache-2.0
// Operators of detection and segmentation heads: NonMaxSuppression (here), RoiAlign and
// GridSample (their own files). NonMaxSuppression runs after a detector's box decoding:
// per image and per class it keeps the highest-scoring boxes, greedily dropping each
// box that overlaps an already kept one by more than the IoU threshold. The output
// lists the kept (batch, class, box) triples by batch, then class, then descending
// score, as ONNX Runtime and the ONNX reference do.
#include <algorithm>
#include <vector>

#include "ops/detection_internal.h"
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// A box as its corner extremes, whichever corners or centre form it came in.
template <class T>
struct Corners {
  T y_min, x_min, y_max, x_max;
};

template <class T>
Corners<T> read_box(const T* box, bool center_point_box) {
  if (center_point_box) {
    // [x_center, y_center, width, height]
    const T half_w = box[2] / T(2), half_h = box[3] / T(2);
    return {box[1] - half_h, box[0] - half_w, box[1] + half_h, box[0] + half_w};
  }
  // [y1, x1, y2, x2], either diagonal pair of corners.
  return {std::min(box[0], box[2]), std::min(box[1], box[3]), std::max(box[0], box[2]), std::max(box[1], box[3])};
}

// True when the boxes overlap by more than `threshold` IoU; empty boxes never do.
template <class T>
bool overlaps_beyond(const Corners<T>& a, const Corners<T>& b, T threshold) {
  const T width = std::min(a.x_max, b.x_max) - std::max(a.x_min, b.x_min);
  const T height = std::min(a.y_max, b.y_max) - std::max(a.y_min, b.y_min);
  const T intersection = std::max(width, T(0)) * std::max(height, T(0));
  if (intersection <= 0) return false;
  const T area_a = (a.x_max - a.x_min) * (a.y_max - a.y_min);
  const T area_b = (b.x_max - b.x_min) * (b.y_max - b.y_min);
  const T union_area = area_a + area_b - intersection;
  if (area_a <= 0 || area_b <= 0 || union_area <= 0) return false;
  return intersection / union_area > threshold;
}

struct NmsLimits {
  int64_t max_per_class = 0;  // 0 (the default) selects nothing
  double iou_threshold = 0;
  bool has_score_threshold = false;
  double score_threshold = 0;
};

// The optional scalar inputs 2..4; the count is read as int64 (models pass INT64_MAX for
// "no limit"), the thresholds as double.
template <class V>
V single_value(const std::vector<V>& values, const char* what) {
  check_input(values.size() == 1, "NonMaxSuppression: ", what, " must hold one value, got ", values.size());
  return values[0];
}

NmsLimits read_limits(const OpInputs& in) {
  NmsLimits limits;
  if (has_input(in, 2)) {
    limits.max_per_class = std::max<int64_t>(0, single_value(in[2]->to_int64_vector(), "max_output_boxes_per_class"));
  }
  if (has_input(in, 3)) limits.iou_threshold = single_value(in[3]->to_double_vector(), "iou_threshold");
  check_input(limits.iou_threshold >= 0 && limits.iou_threshold <= 1, "NonMaxSuppression: iou_threshold ",
              limits.iou_threshold, " is outside [0, 1]");
  if (has_input(in, 4)) {
    limits.has_score_threshold = true;
    limits.score_threshold = single_value(in[4]->to_double_vector(), "score_threshold");
  }
  return limits;
}

// Appends the kept boxes of one (batch, class) as (batch, class, box) triples.
template <class T>
void select_class(const T* boxes, const T* scores, int64_t num_boxes, bool center_point_box, const NmsLimits& limits,
                  int64_t batch, int64_t cls, std::vector<int64_t>& selected) {
  std::vector<int64_t> candidates;
  for (int64_t i = 0; i < num_boxes; ++i) {
    if (!limits.has_score_threshold || scores[i] > static_cast<T>(limits.score_threshold)) candidates.push_back(i);
  }
  // Descending score; a stable sort keeps equal scores in index order.
  std::stable_sort(candidates.begin(), candidates.end(), [&](int64_t a, int64_t b) { return scores[a] > scores[b]; });
  std::vector<Corners<T>> kept;
  const T threshold = static_cast<T>(limits.iou_threshold);
  for (const int64_t i : candidates) {
    if (static_cast<int64_t>(kept.size()) >= limits.max_per_class) break;
    const Corners<T> box = read_box(boxes + i * 4, center_point_box);
    const bool suppressed =
        std::any_of(kept.begin(), kept.end(), [&](const Corners<T>& k) { return overlaps_beyond(k, box, threshold); });
    if (suppressed) continue;
    kept.push_back(box);
    selected.insert(selected.end(), {batch, cls, i});
  }
}

std::unique_ptr<Operator> create_non_max_suppression(const OpCreateInfo& info) {
  const int64_t center_point_box = info.attributes().get_int("center_point_box", 0);
  if (center_point_box != 0 && center_point_box != 1) {
    fail_bad_input("NonMaxSuppression: center_point_box must be 0 or 1, got ", center_point_box);
  }
  return make_operator([center_point_box](const OpInputs& in, OpOutputs& out) {
    const Tensor& boxes = require_input(in, 0, "boxes");
    const Tensor& scores = require_input(in, 1, "scores");
    check_input(boxes.rank() == 3 && boxes.dim(2) == 4, "NonMaxSuppression: boxes must be [batch, boxes, 4]");
    check_input(scores.rank() == 3 && scores.dim(0) == boxes.dim(0) && scores.dim(2) == boxes.dim(1),
                "NonMaxSuppression: scores must be [batch, classes, boxes] matching boxes");
    check_input(scores.dtype() == boxes.dtype(), "NonMaxSuppression: boxes and scores must have one type");
    const NmsLimits limits = read_limits(in);
    const int64_t batches = boxes.dim(0), num_boxes = boxes.dim(1), classes = scores.dim(1);
    std::vector<int64_t> selected;
    dispatch_float(boxes.dtype(), "NonMaxSuppression", [&](auto tag) {
      using T = typename decltype(tag)::type;
      for (int64_t b = 0; b < batches; ++b) {
        for (int64_t c = 0; c < classes; ++c) {
          select_class(boxes.data<T>() + b * num_boxes * 4, scores.data<T>() + (b * classes + c) * num_boxes, num_boxes,
                       center_point_box == 1, limits, b, c, selected);
        }
      }
    });
    out[0] = Tensor::from_vector<int64_t>({static_cast<int64_t>(selected.size() / 3), 3}, selected);
  });
}

}  // namespace

void register_detection_operators(OpRegistry& registry) {
  registry.add("", "NonMaxSuppression", create_non_max_suppression);
  registry.add("", "RoiAlign", create_roi_align);
  registry.add("", "GridSample", create_grid_sample);
}

}  // namespace vigil
