// SPDX-License-Identifier: Apache-2.0
// What a campaign found, as people read it: outcome rates with Wilson intervals, overall
// and broken down by layer, by bit position, by fault model and (for CLASSES patterns) by
// pattern and value class; as a text table, as JSON
// (summary and breakdowns) and as CSV (one row per injection).
#pragma once

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "faults/campaign.h"

namespace vigil::faults {

struct OutcomeCounts {
  std::array<int64_t, kOutcomeCount> by_outcome{};
  int64_t total = 0;
  int64_t top5_changed = 0;
  int64_t label_changed = 0;  // correct answers turned wrong
  int64_t crashes = 0;        // DUEs that ended the worker process by a signal
  int64_t timeouts = 0;       // DUEs that ran past the time limit
  void add(const InjectionRecord& record);
  int64_t operator[](Outcome outcome) const { return by_outcome[static_cast<int>(outcome)]; }
};

struct CampaignSummary {
  OutcomeCounts all;
  std::map<std::string, OutcomeCounts> by_layer;  // keyed "NNNN node" to keep execution order
  std::map<int, OutcomeCounts> by_bit;            // -1: value faults
  std::map<std::string, OutcomeCounts> by_fault;
  // Spatial patterns (faults/spatial_pattern.h) over all their value classes, and value
  // classes over all patterns; empty when the campaign has no patterns.
  std::map<std::string, OutcomeCounts> by_pattern;
  std::map<std::string, OutcomeCounts> by_value_class;
};

CampaignSummary summarize(const CampaignResult& result, const CampaignDesign& design);

// `confidence` sets the intervals; `header` holds what the campaign was (model, sites, ...).
nlohmann::json campaign_json(const CampaignResult& result, const CampaignDesign& design, double confidence,
                             const nlohmann::json& header);
std::string campaign_table(const CampaignResult& result, const CampaignDesign& design, double confidence);
std::string campaign_csv(const CampaignResult& result, const CampaignDesign& design);

}  // namespace vigil::faults
