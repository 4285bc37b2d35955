// SPDX-License-Identifier: Apache-2.0
// Running a campaign on worker threads.
#include "faults/campaign.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "abft/step_checker.h"
#include "core/error.h"
#include "faults/campaign_journal.h"
#include "faults/fault_injector.h"
#include "runtime/graph_optimizer.h"

namespace vigil::faults {

namespace {

// The steps ABFT has run again so far in this session (a corrected fault is one of them).
int64_t recomputations(const Session& session) {
  const abft::StepChecker* checker = session.abft_checker();
  int64_t total = 0;
  if (checker) {
    for (const abft::StepCounters& counters : checker->counters()) total += counters.recomputations;
  }
  return total;
}

int lowest_bit(uint64_t mask) { return mask ? __builtin_ctzll(mask) : -1; }

// One faulty inference, classified.
InjectionRecord inject(Session& session, const Session::Trace& trace, const std::vector<Value>& fault_free,
                       const std::map<std::string, Tensor>& feeds, int64_t label, const std::vector<FaultTarget>& targets,
                       const CampaignOptions& options, const Injection& injection) {
  InjectionRecord record = InjectionRecord::of(injection);
  FaultInjector injector(session, targets, options.design, injection);
  const int64_t recomputations_before = recomputations(session);
  std::vector<Value> faulty;
  try {
    const ScopedStepHook hooked(session, injector);
    const std::map<std::string, Tensor> corrupted = injector.corrupted_inputs(feeds);
    if (options.reuse) {
      Session::Replay replay = session.replay(trace, injector.forced_steps(), corrupted, injector.output_fault_steps());
      faulty = std::move(replay.outputs);
      record.steps_run = replay.steps_run;
    } else {
      std::map<std::string, Tensor> faulty_feeds = feeds;
      for (const auto& [name, tensor] : corrupted) faulty_feeds[name] = tensor;
      for (Tensor& output : session.run(faulty_feeds)) faulty.emplace_back(std::move(output));
      record.steps_run = session.step_count();
    }
    record.detail = classify_outcome(fault_free, faulty, label, recomputations(session) > recomputations_before);
  } catch (const Error& error) {
    record.detail.outcome = error.kind() == ErrorKind::FaultDetected ? Outcome::Detected : Outcome::Due;
    if (record.detail.outcome == Outcome::Due) record.detail.due = error.what();
  } catch (const std::exception& error) {
    record.detail.outcome = Outcome::Due;
    record.detail.due = error.what();
  }
  const AppliedFault& applied = injector.applied().at(0);
  record.before = applied.before;
  record.after = applied.after;
  record.elements = applied.elements;
  return record;
}

}  // namespace

InjectionRecord InjectionRecord::of(const Injection& injection) {
  InjectionRecord record;
  record.index = injection.index;
  record.input = injection.input;
  record.target = injection.faults[0].target;
  record.element = injection.faults[0].element;
  record.model = injection.faults[0].model;
  record.bit = lowest_bit(injection.faults[0].mask);
  return record;
}

nlohmann::json InjectionRecord::to_json(const std::vector<FaultTarget>& targets, const CampaignDesign& design) const {
  const FaultTarget& t = targets.at(target);
  nlohmann::json json = {{"i", index},
                         {"input", input},
                         {"outcome", outcome_name(detail.outcome)},
                         {"target", target},
                         {"node", t.node},
                         {"element", element},
                         {"site", site_kind_name(t.kind)},
                         {"fault", design.models.at(model).name()},
                         {"model", model},
                         {"bit", bit},
                         {"before", before},
                         {"after", after},
                         {"elements", elements},
                         {"top5", detail.top5_changed},
                         {"label", detail.label_changed},
                         {"top1", detail.top1},
                         {"change", detail.change},
                         {"steps", steps_run}};
  if (!detail.due.empty()) json["due"] = detail.due;
  return json;
}

InjectionRecord InjectionRecord::from_json(const nlohmann::json& json, size_t targets, const std::string& where) {
  InjectionRecord record;
  try {
    record.index = json.at("i").get<int64_t>();
    record.input = json.at("input").get<int64_t>();
    record.detail.outcome = parse_outcome(json.at("outcome").get<std::string>());
    record.detail.top5_changed = json.at("top5").get<bool>();
    record.detail.label_changed = json.at("label").get<int>();
    record.detail.due = json.value("due", std::string());
    record.target = json.at("target").get<size_t>();
    record.element = json.at("element").get<int64_t>();
    record.detail.top1 = json.at("top1").get<int64_t>();
    record.detail.change = json.at("change").is_number() ? json.at("change").get<double>() : std::nan("");
    record.model = json.at("model").get<size_t>();
    record.bit = json.at("bit").get<int>();
    // Non-finite values are written as null.
    record.before = json.at("before").is_number() ? json.at("before").get<double>() : std::nan("");
    record.after = json.at("after").is_number() ? json.at("after").get<double>() : std::nan("");
    record.steps_run = json.at("steps").get<size_t>();
    record.elements = json.value("elements", int64_t{1});  // absent before patterns existed
  } catch (const nlohmann::json::exception& error) {
    fail_bad_input(where, ": a record does not fit: ", error.what());
  }
  check_input(record.index >= 0 && record.target < targets, where, ": record of injection ", record.index,
              " names a fault site this campaign does not have");
  return record;
}

SessionOptions campaign_session_options(const CampaignOptions& options) {
  // One thread per session: the workers are the parallelism, and accumulators are numbered
  // in the order one thread meets them.
  return SessionOptions{1, options.optimize, options.abft};
}

std::shared_ptr<const Model> campaign_model(std::shared_ptr<const Model> model, CampaignOptions& options) {
  if (!options.optimize) return model;
  options.optimize = false;
  return optimized_model(std::move(model));
}

std::vector<FaultTarget> campaign_targets(std::shared_ptr<const Model> model, const CampaignInputs& inputs,
                                          const CampaignOptions& options) {
  Session session(std::move(model), campaign_session_options(options));
  return campaign_targets(session, inputs, options);
}

std::vector<FaultTarget> campaign_targets(Session& session, const CampaignInputs& inputs,
                                          const CampaignOptions& options) {
  check_input(!inputs.feeds.empty(), "a campaign needs at least one input");
  const Session::Trace trace = session.trace(inputs.feeds[0]);
  std::vector<FaultTarget> targets = find_fault_targets(session, trace, options.sites);
  CampaignDesign design = options.design;
  design.inputs = static_cast<int64_t>(inputs.feeds.size());
  check_design(design, targets);
  return targets;
}

CampaignResult run_campaign(std::shared_ptr<const Model> model, const CampaignInputs& inputs,
                            const CampaignOptions& options, CampaignJournal* journal,
                            const std::function<void(int64_t done)>& progress) {
  const auto begin = std::chrono::steady_clock::now();
  CampaignResult result;
  CampaignOptions design_options = options;
  model = campaign_model(std::move(model), design_options);
  result.targets = options.targets.empty() ? campaign_targets(model, inputs, design_options) : options.targets;
  design_options.design.inputs = static_cast<int64_t>(inputs.feeds.size());
  const CampaignDesign& design = design_options.design;
  const int64_t count = options.injections;
  std::vector<char> done(static_cast<size_t>(std::max<int64_t>(count, 0)), 0);
  std::vector<InjectionRecord> records;
  if (journal) {
    for (const nlohmann::json& json : journal->records()) {
      InjectionRecord record = InjectionRecord::from_json(json, result.targets.size(), journal->path());
      if (record.index >= count || done[record.index]) continue;  // beyond this run's count, or a duplicate
      done[record.index] = 1;
      records.push_back(std::move(record));
    }
  }
  result.resumed = static_cast<int64_t>(records.size());

  std::mutex mutex;  // records, journal, progress, first error
  std::exception_ptr failure;
  std::atomic<int64_t> finished{result.resumed};
  const int64_t input_count = design.inputs;
  const int workers = std::max(1, options.workers);
  CampaignWatch* watch = options.watch;
  const auto now_ns = [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  auto work = [&](int worker) {
    try {
      Session session(model, campaign_session_options(design_options));
      {
        const std::lock_guard<std::mutex> lock(mutex);
        result.steps = session.step_count();
      }
      bool set_up = false;
      // Injection i runs on input i mod inputs; worker w takes rounds j = w, w + workers, ...
      // of the injections i = input + j * inputs that this shard runs and the journal lacks.
      for (int64_t input = 0; input < std::min(input_count, count); ++input) {
        std::vector<int64_t> pending;
        for (int64_t index = input + worker * input_count; index < count; index += workers * input_count) {
          if (done[index] || index % options.shards != options.shard) continue;
          if (options.only.empty() || std::binary_search(options.only.begin(), options.only.end(), index)) {
            pending.push_back(index);
          }
        }
        if (pending.empty()) continue;
        const int64_t traced_at = now_ns();
        const Session::Trace trace = session.trace(inputs.feeds[input]);
        if (watch) {
          const int64_t took = now_ns() - traced_at;
          for (int64_t seen = watch->fault_free_ns; seen < took && !watch->fault_free_ns.compare_exchange_weak(seen, took);) {
          }
        }
        const std::vector<Value> fault_free = session.replay(trace, {}).outputs;
        const int64_t label = inputs.labels.empty() ? -1 : inputs.labels[input];
        if (!set_up) {  // the session has planned its steps on its first inference
          set_up = true;
          const std::lock_guard<std::mutex> lock(mutex);
          result.setup_seconds = std::max(
              result.setup_seconds, std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
        }
        for (const int64_t index : pending) {
          const Injection injection = draw_injection(design, result.targets, index);
          if (watch) {
            watch->slots[worker].since_ns = now_ns();
            watch->slots[worker].index = index;
          }
          InjectionRecord record =
              inject(session, trace, fault_free, inputs.feeds[input], label, result.targets, design_options, injection);
          const std::lock_guard<std::mutex> lock(mutex);
          if (failure) return;
          if (journal) journal->append(record.to_json(result.targets, design));
          records.push_back(std::move(record));
          if (watch) watch->slots[worker].index = -1;
          if (progress) progress(++finished);
        }
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (int w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (std::thread& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  std::sort(records.begin(), records.end(),
            [](const InjectionRecord& a, const InjectionRecord& b) { return a.index < b.index; });
  result.records = std::move(records);
  return result;
}

}  // namespace vigil::faults
