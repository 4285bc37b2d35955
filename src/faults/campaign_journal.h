// SPDX-License-Identifier: Apache-2.0
// The journal of a campaign: a file of JSON lines, a header that identifies the campaign
// (model, inputs, sites, fault models, seed), then one line per finished injection,
// appended and flushed as each completes. A campaign run again with its journal resumes:
// the injections already there are not run again and none is counted twice. A journal
// whose header differs belongs to another campaign and is refused, untouched; a last line
// cut short by a kill is dropped.
#pragma once

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vigil::faults {

class CampaignJournal {
 public:
  // Opens or creates the journal at `path` for the campaign described by `header`.
  CampaignJournal(const std::string& path, const nlohmann::json& header);
  ~CampaignJournal();
  CampaignJournal(const CampaignJournal&) = delete;
  CampaignJournal& operator=(const CampaignJournal&) = delete;

  const std::string& path() const { return path_; }
  // The records found when it was opened, in file order.
  const std::vector<nlohmann::json>& records() const { return records_; }
  // Appends one record as a line and flushes it to the system (thread-safe).
  void append(const nlohmann::json& record);

 private:
  std::string path_;
  std::vector<nlohmann::json> records_;
  std::FILE* file_ = nullptr;
  std::mutex mutex_;
};

}  // namespace vigil::faults
