// SPDX-License-Identifier: Apache-2.0
// A campaign that no injection can end: the workers run in a child process that the
// calling process supervises, so a fault that makes an inference crash the process or
// run forever (a corrupted trip count of a Loop, say) becomes a DUE record and the
// campaign goes on.
// - The workers show, in memory both processes share, which injection each one runs and
//   since when (faults/campaign.h, CampaignWatch).
// - An injection that runs past the time limit is killed with its process and recorded as
//   a DUE "time-out"; the others it interrupted run again.
// - A process that dies by a signal while running one injection has that one recorded as a
//   DUE "crash (signal)"; while running several, each runs again alone, to find which.
// - An injection already in the journal is done, whatever happened to its process after.
// - A process that dies outside any injection twice with no record in between, or that
//   reports an error, ends the campaign with that error.
// A fresh process goes on from the journal each time: the one given, or a temporary file.
// The result is read back from it, and equals what run_campaign gives when nothing crashes.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "faults/campaign.h"

namespace vigil::faults {

struct IsolationOptions {
  // An injection running longer is a time-out; 0: twenty times the slowest fault-free
  // inference the workers traced, at least one second.
  double timeout_seconds = 0;
  std::string journal;  // the journal to keep; empty: a temporary one, removed at the end
  nlohmann::json header;  // the campaign's journal header (faults/campaign_journal.h)
};

// `progress(done)` is called from the worker process as injections finish.
CampaignResult run_isolated_campaign(std::shared_ptr<const Model> model, const CampaignInputs& inputs,
                                     const CampaignOptions& options, const IsolationOptions& isolation,
                                     const std::function<void(int64_t done)>& progress = {});

}  // namespace vigil::faults
