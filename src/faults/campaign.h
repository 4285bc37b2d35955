// SPDX-License-Identifier: Apache-2.0
// A fault-injection campaign: `injections` faulty inferences drawn from the design
// (faults/injection_plan.h) over the sites a filter selects, each classified against the
// fault-free inference of the same input. Each worker thread owns a one-thread session; it
// traces the fault-free inference of an input once and replays every injection on that
// input from its first faulted step (or, with reuse off, runs the whole inference again,
// as PyTorchFI and TensorFI do). Records go to the journal as they finish; those already in
// it are taken as done.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "faults/fault_sites.h"
#include "faults/injection_plan.h"
#include "faults/outcome.h"
#include "runtime/session.h"

namespace vigil::faults {

class CampaignJournal;

struct CampaignInputs {
  std::vector<std::map<std::string, Tensor>> feeds;
  std::vector<int64_t> labels;  // one per feed, or empty
};

// What the workers show of their progress to a process that supervises them
// (faults/isolated_campaign.h), in memory both share: which injection each worker runs and
// since when (steady clock, ns), and the slowest fault-free inference met so far.
struct WorkerSlot {
  std::atomic<int64_t> index{-1};  // -1: none
  std::atomic<int64_t> since_ns{0};
};
struct CampaignWatch {
  std::atomic<int64_t> fault_free_ns{0};
  WorkerSlot* slots = nullptr;  // one per worker
};

struct CampaignOptions {
  SiteFilter sites;
  CampaignDesign design;  // design.inputs is set from the inputs
  int64_t injections = 0;
  int workers = 1;
  // This process runs the injections whose index is `shard` modulo `shards` (an MPI rank's share).
  int shard = 0, shards = 1;
  bool reuse = true;
  bool optimize = true;
  abft::Options abft;
  std::vector<int64_t> only;        // when not empty: only these injections (ascending)
  // The sites, when campaign_targets has found them already for these options and inputs
  // (it runs a session); empty: found again.
  std::vector<FaultTarget> targets;
  CampaignWatch* watch = nullptr;   // where the workers show what they run, or none
};

struct InjectionRecord {
  int64_t index = 0;
  int64_t input = 0;
  OutcomeDetail detail;
  size_t target = 0;  // of the first fault
  int64_t element = 0;  // of the first fault, in its target
  size_t model = 0;   // of the first fault
  int bit = -1;       // the lowest bit position of the first fault; -1 for value faults
  double before = 0, after = 0;  // the first fault's value before and after (a pattern's anchor)
  int64_t elements = 1;          // values the first fault corrupted (a pattern's size)
  size_t steps_run = 0;

  nlohmann::json to_json(const std::vector<FaultTarget>& targets, const CampaignDesign& design) const;
  // A bad-input Error naming `where` when the record does not fit the campaign.
  static InjectionRecord from_json(const nlohmann::json& json, size_t targets, const std::string& where);
  // The record of an injection before it runs: what was drawn, no outcome yet.
  static InjectionRecord of(const Injection& injection);
};

struct CampaignResult {
  std::vector<FaultTarget> targets;
  std::vector<InjectionRecord> records;  // by index, each once
  int64_t resumed = 0;                   // records that came from the journal
  double seconds = 0;                    // the whole campaign, sessions and traces included
  double setup_seconds = 0;              // of which the workers' set-up: sessions and first traces (the slowest's)
  size_t steps = 0;                      // steps of one inference
};

// The options of the workers' sessions: one thread each.
SessionOptions campaign_session_options(const CampaignOptions& options);
// The model as the campaign's sessions run it: optimised here, once, when `options` ask
// for it (which they then no longer do), so that every session shares one graph and so
// its prepared weights (core/shared_preparation.h).
std::shared_ptr<const Model> campaign_model(std::shared_ptr<const Model> model, CampaignOptions& options);

// The sites of the campaign, found on a session of its options over the first input.
std::vector<FaultTarget> campaign_targets(std::shared_ptr<const Model> model, const CampaignInputs& inputs,
                                          const CampaignOptions& options);
// The same on a session made with campaign_session_options(options): kept while the
// campaign runs, it lends the workers' sessions its prepared weights (core/shared_preparation.h).
std::vector<FaultTarget> campaign_targets(Session& session, const CampaignInputs& inputs,
                                          const CampaignOptions& options);

// `progress(done)` is called from the workers (serialised) as injections finish.
CampaignResult run_campaign(std::shared_ptr<const Model> model, const CampaignInputs& inputs,
                            const CampaignOptions& options, CampaignJournal* journal,
                            const std::function<void(int64_t done)>& progress = {});

}  // namespace vigil::faults
