// SPDX-License-Identifier: Apache-2.0
// Campaigns on the shipped Fashion-MNIST CNN, fp32 and int8, on test images:
// - replaying from the faulted step classifies every injection exactly as running each
//   faulty inference in full, for every site kind;
// - a weight fault injected by re-making the step's operator gives the same outputs as a
//   session made from the model with that weight corrupted;
// - the result does not depend on the number of workers;
// - exponent MSB flips of weights are critical far more often than mantissa LSB flips;
// - with ABFT, accumulator faults are corrected (correct mode) or detected (detect mode),
//   never silent;
// - an interrupted journal resumes to the same records, none lost or counted twice, and a
//   journal of another campaign is refused untouched.
#include "faults/campaign.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "eval/classifier_eval.h"
#include "fashion_mnist_models.h"
#include "faults/campaign_journal.h"
#include "faults/fault_injector.h"
#include "io/idx.h"
#include "onnx_io/model_import.h"

namespace vigil::faults {
namespace {

const std::string& kModel = testing::kFashionMnistModel;
const std::string& kData = testing::kFashionMnistData;

class Campaign : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(kData)) GTEST_SKIP() << "no Fashion-MNIST (dataset-fashion-mnist)";
    model_ = load_model(kModel);
    const IdxDataset data = read_idx_dataset(kData, 12);
    for (int64_t i = 0; i < 12; ++i) {
      inputs_.feeds.push_back({{"image", classifier_image_batch(model_->graph.inputs[0], data, i, 1, 1)}});
      inputs_.labels.push_back(data.labels.to_int64_vector()[i]);
    }
  }

  static CampaignOptions options(SiteKind site, int64_t injections) {
    CampaignOptions options;
    options.sites.kind = site;
    options.design.models = {FaultModel{}};
    options.design.seed = 7;
    options.injections = injections;
    return options;
  }

 public:
  static std::vector<Outcome> outcomes(const CampaignResult& result) {
    std::vector<Outcome> list;
    for (const InjectionRecord& record : result.records) list.push_back(record.detail.outcome);
    return list;
  }

 protected:
  std::shared_ptr<Model> model_;
  CampaignInputs inputs_;
};

// Replays (bands of rows, faulted outputs taken from the trace) give the outputs of whole
// runs bit for bit, with one fault per inference and with three (a later faulted step
// whose inputs an earlier fault changed must run), on the float model and its int8 form
// (integer convolutions on bands, max pooling on bytes).
void expect_replays_classify_like_whole_runs(const std::shared_ptr<const Model>& model, const CampaignInputs& inputs,
                                             const std::vector<SiteKind>& sites) {
  for (const int faults : {1, 3})
    for (const SiteKind site : sites) {
      CampaignOptions replayed;
      replayed.sites.kind = site;
      replayed.design.models = {FaultModel{}, FaultModel{FaultKind::RandomValue}, FaultModel{FaultKind::StuckAt1}};
      replayed.design.seed = 7;
      replayed.design.faults_per_inference = faults;
      replayed.injections = 150;
      CampaignOptions whole = replayed;
      whole.reuse = false;
      const CampaignResult a = run_campaign(model, inputs, replayed, nullptr);
      const CampaignResult b = run_campaign(model, inputs, whole, nullptr);
      ASSERT_EQ(a.records.size(), 150u);
      EXPECT_EQ(Campaign::outcomes(a), Campaign::outcomes(b)) << site_kind_name(site);
      size_t replayed_steps = 0;
      for (size_t i = 0; i < a.records.size(); ++i) {
        EXPECT_EQ(a.records[i].before, b.records[i].before);
        EXPECT_EQ(a.records[i].detail.top5_changed, b.records[i].detail.top5_changed);
        const double x = a.records[i].detail.change, y = b.records[i].detail.change;
        EXPECT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << x << " against " << y;
        replayed_steps += a.records[i].steps_run;
      }
      EXPECT_LT(replayed_steps, 150 * a.steps) << site_kind_name(site);
    }
}

TEST_F(Campaign, ReplayClassifiesLikeWholeRuns) {
  expect_replays_classify_like_whole_runs(model_, inputs_, {SiteKind::Output, SiteKind::Weight, SiteKind::Input});
}

TEST_F(Campaign, Int8ReplayClassifiesLikeWholeRuns) {
  expect_replays_classify_like_whole_runs(testing::fashion_mnist_int8_model(), inputs_,
                                          {SiteKind::Output, SiteKind::Accumulator});
}

TEST_F(Campaign, WeightFaultEqualsACorruptedModel) {
  Session session(model_, SessionOptions{1, false});
  const Session::Trace trace = session.trace(inputs_.feeds[0]);
  const std::vector<FaultTarget> targets = find_fault_targets(session, trace, {SiteKind::Weight, "", ""});
  CampaignDesign design;
  design.models = {FaultModel{}};
  design.seed = 3;
  for (int64_t index = 0; index < 20; ++index) {
    const Injection injection = draw_injection(design, targets, index);
    FaultInjector injector(session, targets, design, injection);
    std::vector<Value> replayed;
    {
      const ScopedStepHook hooked(session, injector);
      replayed = session.replay(trace, injector.forced_steps()).outputs;
    }
    // The same flip made in a copy of the model's weight, and a fresh session over it.
    auto corrupted = std::make_shared<Model>(*model_);
    const FaultTarget& target = targets[injection.faults[0].target];
    Tensor weight = corrupted->graph.initializers.at(target.tensor).clone();
    float& value = weight.data<float>()[injection.faults[0].element];
    uint32_t bits;
    std::memcpy(&bits, &value, 4);
    bits ^= static_cast<uint32_t>(injection.faults[0].mask);
    std::memcpy(&value, &bits, 4);
    corrupted->graph.initializers[target.tensor] = weight;
    Session fresh(corrupted, SessionOptions{1, false});
    const Tensor expected = fresh.run(inputs_.feeds[0]).at(0);
    ASSERT_TRUE(identical(replayed.at(0).tensor(), expected)) << "injection " << index << " into " << target.tensor;
  }
}

TEST_F(Campaign, WorkersDoNotChangeTheResult) {
  CampaignOptions one = options(SiteKind::Output, 120);
  CampaignOptions two = one;
  two.workers = 2;
  const CampaignResult a = run_campaign(model_, inputs_, one, nullptr);
  const CampaignResult b = run_campaign(model_, inputs_, two, nullptr);
  ASSERT_EQ(a.records.size(), b.records.size());
  for (size_t i = 0; i < a.records.size(); ++i) {
    EXPECT_EQ(a.records[i].index, b.records[i].index);
    EXPECT_EQ(a.records[i].detail.outcome, b.records[i].detail.outcome);
    EXPECT_EQ(a.records[i].target, b.records[i].target);
    EXPECT_EQ(a.records[i].bit, b.records[i].bit);
  }
}

TEST_F(Campaign, ExponentFlipsAreCriticalFarMoreOftenThanMantissaFlips) {
  auto critical_share = [&](int low, int high) {
    CampaignOptions run = options(SiteKind::Weight, 300);
    run.design.models[0].low_bit = low;
    run.design.models[0].high_bit = high;
    const CampaignResult result = run_campaign(model_, inputs_, run, nullptr);
    int64_t bad = 0;
    for (const InjectionRecord& record : result.records) {
      bad += record.detail.outcome == Outcome::CriticalSdc || record.detail.outcome == Outcome::Due;
    }
    return static_cast<double>(bad) / result.records.size();
  };
  const double exponent_msb = critical_share(30, 30);
  const double mantissa_lsb = critical_share(0, 3);
  EXPECT_GT(exponent_msb, 0.05);
  EXPECT_EQ(mantissa_lsb, 0);
}

TEST_F(Campaign, AbftCatchesAccumulatorFaults) {
  const auto int8 = testing::fashion_mnist_int8_model();
  for (const abft::Mode mode : {abft::Mode::Correct, abft::Mode::Detect}) {
    CampaignOptions run = options(SiteKind::Accumulator, 120);
    run.abft = {abft::Scheme::Fused, mode};
    const CampaignResult result = run_campaign(int8, inputs_, run, nullptr);
    int64_t caught = 0;
    for (const InjectionRecord& record : result.records) {
      const Outcome outcome = record.detail.outcome;
      EXPECT_TRUE(outcome == (mode == abft::Mode::Correct ? Outcome::Corrected : Outcome::Detected))
          << "injection " << record.index << ": " << outcome_name(outcome);
      caught += outcome != Outcome::Masked;
    }
    EXPECT_EQ(caught, 120);
  }
  // Without ABFT the same faults are silent or masked.
  const CampaignResult bare = run_campaign(int8, inputs_, options(SiteKind::Accumulator, 120), nullptr);
  for (const InjectionRecord& record : bare.records) {
    EXPECT_TRUE(record.detail.outcome != Outcome::Detected && record.detail.outcome != Outcome::Corrected);
  }
}

TEST_F(Campaign, AnInterruptedJournalResumes) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("vigil_journal_test_" + std::to_string(getpid()) + ".jsonl");
  std::filesystem::remove(path);
  const nlohmann::json header = {{"journal", "vigil inject 1"}, {"campaign", {{"seed", 7}}}};
  const CampaignOptions run = options(SiteKind::Output, 90);
  const CampaignResult uninterrupted = run_campaign(model_, inputs_, run, nullptr);
  {
    CampaignJournal journal(path.string(), header);
    run_campaign(model_, inputs_, run, &journal);
  }
  // Keep the header and 40 records, and half of the 41st, as a kill would leave them.
  std::ifstream in(path);
  std::string line, kept;
  for (int n = 0; n < 41 && std::getline(in, line); ++n) kept += line + "\n";
  std::getline(in, line);
  kept += line.substr(0, line.size() / 2);
  in.close();
  std::ofstream(path, std::ios::trunc) << kept;
  CampaignResult resumed;
  {
    CampaignJournal journal(path.string(), header);
    EXPECT_EQ(journal.records().size(), 40u);
    resumed = run_campaign(model_, inputs_, run, &journal);
  }
  EXPECT_EQ(resumed.resumed, 40);
  ASSERT_EQ(resumed.records.size(), 90u);
  for (size_t i = 0; i < 90; ++i) {
    EXPECT_EQ(resumed.records[i].index, static_cast<int64_t>(i));
    EXPECT_EQ(resumed.records[i].detail.outcome, uninterrupted.records[i].detail.outcome);
    EXPECT_EQ(resumed.records[i].bit, uninterrupted.records[i].bit);
  }
  {
    CampaignJournal journal(path.string(), header);  // now complete: nothing left to run
    EXPECT_EQ(journal.records().size(), 90u);
    EXPECT_EQ(run_campaign(model_, inputs_, run, &journal).resumed, 90);
  }
  // Another campaign's journal is refused and left as it was.
  const auto size = std::filesystem::file_size(path);
  nlohmann::json other = header;
  other["campaign"]["seed"] = 8;
  EXPECT_THROW(CampaignJournal(path.string(), other), Error);
  EXPECT_EQ(std::filesystem::file_size(path), size);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace vigil::faults
