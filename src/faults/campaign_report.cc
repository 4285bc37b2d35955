// SPDX-License-Identifier: Apache-2.0
// Summaries and their renderings.
#include "faults/campaign_report.h"

#include <cstdio>
#include <sstream>

#include "faults/campaign_statistics.h"
#include "report/csv_field.h"
#include "report/svg_chart.h"

namespace vigil::faults {

namespace {

std::string layer_key(size_t target, const FaultTarget& t) {
  char order[16];
  std::snprintf(order, sizeof order, "%06zu ", t.steps.empty() ? target : t.steps[0]);
  return order + t.node;
}

std::string layer_name(const std::string& key) { return key.substr(key.find(' ') + 1); }

nlohmann::json counts_json(const OutcomeCounts& counts, double confidence) {
  nlohmann::json json = {{"injections", counts.total},
                         {"top5_changed", counts.top5_changed},
                         {"label_changed", counts.label_changed},
                         {"due_crashes", counts.crashes},
                         {"due_timeouts", counts.timeouts}};
  for (int o = 0; o < kOutcomeCount; ++o) {
    const Interval interval = wilson_interval(counts.by_outcome[o], counts.total, confidence);
    json[outcome_name(static_cast<Outcome>(o))] = {
        {"count", counts.by_outcome[o]},
        {"rate", counts.total ? static_cast<double>(counts.by_outcome[o]) / counts.total : 0},
        {"low", interval.low},
        {"high", interval.high}};
  }
  return json;
}

std::string percent(int64_t hits, int64_t total) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", total ? 100.0 * hits / total : 0.0);
  return text;
}

// One table row: a label, the count, and each outcome's percentage.
void table_row(std::ostringstream& out, const std::string& label, const OutcomeCounts& counts) {
  char line[256];
  std::snprintf(line, sizeof line, "%-36s %8lld", report::clip_front(label, 36).c_str(),
                static_cast<long long>(counts.total));
  out << line;
  for (int o = 0; o < kOutcomeCount; ++o) {
    std::snprintf(line, sizeof line, " %9s", percent(counts.by_outcome[o], counts.total).c_str());
    out << line;
  }
  out << '\n';
}

void table_head(std::ostringstream& out, const std::string& label) {
  char line[256];
  std::snprintf(line, sizeof line, "%-36s %8s %9s %9s %9s %9s %9s %9s\n", label.c_str(), "n", "masked%", "tolerab%",
                "critical%", "due%", "detect%", "correct%");
  out << line;
}

}  // namespace

void OutcomeCounts::add(const InjectionRecord& record) {
  ++by_outcome[static_cast<int>(record.detail.outcome)];
  ++total;
  top5_changed += record.detail.top5_changed;
  label_changed += record.detail.label_changed > 0;
  crashes += record.detail.due.rfind("crash", 0) == 0;
  timeouts += record.detail.due == "time-out";
}

CampaignSummary summarize(const CampaignResult& result, const CampaignDesign& design) {
  CampaignSummary summary;
  for (const InjectionRecord& record : result.records) {
    summary.all.add(record);
    summary.by_layer[layer_key(record.target, result.targets[record.target])].add(record);
    summary.by_bit[record.bit].add(record);
    const FaultModel& model = design.models[record.model];
    summary.by_fault[model.name()].add(record);
    if (model.spatial) {
      summary.by_pattern[spatial_pattern_name(model.pattern)].add(record);
      summary.by_value_class[value_class_name(model.value_class)].add(record);
    }
  }
  return summary;
}

nlohmann::json campaign_json(const CampaignResult& result, const CampaignDesign& design, double confidence,
                             const nlohmann::json& header) {
  const CampaignSummary summary = summarize(result, design);
  nlohmann::json json = header;
  json["confidence"] = confidence;
  json["injections"] = result.records.size();
  json["resumed"] = result.resumed;
  json["seconds"] = result.seconds;
  const int64_t fresh = static_cast<int64_t>(result.records.size()) - result.resumed;
  json["setup_seconds"] = result.setup_seconds;
  json["injections_per_second"] = result.seconds > 0 ? fresh / result.seconds : 0;
  const double running = result.seconds - result.setup_seconds;
  json["injections_per_second_after_setup"] = running > 0 ? fresh / running : 0;
  size_t steps_run = 0;
  for (const InjectionRecord& record : result.records) steps_run += record.steps_run;
  json["mean_steps_run"] = result.records.empty() ? 0.0 : static_cast<double>(steps_run) / result.records.size();
  json["steps"] = result.steps;
  json["outcomes"] = counts_json(summary.all, confidence);
  for (const auto& [key, counts] : summary.by_layer) {
    nlohmann::json row = counts_json(counts, confidence);
    row["node"] = layer_name(key);
    json["by_layer"].push_back(row);
  }
  for (const auto& [bit, counts] : summary.by_bit) {
    nlohmann::json row = counts_json(counts, confidence);
    row["bit"] = bit;
    json["by_bit"].push_back(row);
  }
  const auto breakdown = [&](const char* key, const char* label, const std::map<std::string, OutcomeCounts>& rows) {
    for (const auto& [name, counts] : rows) {
      nlohmann::json row = counts_json(counts, confidence);
      row[label] = name;
      json[key].push_back(row);
    }
  };
  breakdown("by_fault", "fault", summary.by_fault);
  breakdown("by_pattern", "pattern", summary.by_pattern);
  breakdown("by_value_class", "values", summary.by_value_class);
  return json;
}

std::string campaign_table(const CampaignResult& result, const CampaignDesign& design, double confidence) {
  const CampaignSummary summary = summarize(result, design);
  std::ostringstream out;
  char line[256];
  out << "outcome          count    rate    " << static_cast<int>(confidence * 100 + 0.5) << "% interval\n";
  for (int o = 0; o < kOutcomeCount; ++o) {
    const Interval interval = wilson_interval(summary.all.by_outcome[o], summary.all.total, confidence);
    std::snprintf(line, sizeof line, "%-14s %7lld  %6s%%  [%.2f%%, %.2f%%]\n", outcome_name(static_cast<Outcome>(o)),
                  static_cast<long long>(summary.all.by_outcome[o]),
                  percent(summary.all.by_outcome[o], summary.all.total).c_str(), 100 * interval.low, 100 * interval.high);
    out << line;
  }
  std::snprintf(line, sizeof line, "top-5 changed  %7lld  %6s%%\n", static_cast<long long>(summary.all.top5_changed),
                percent(summary.all.top5_changed, summary.all.total).c_str());
  out << line;
  if (summary.all.crashes + summary.all.timeouts > 0) {
    std::snprintf(line, sizeof line, "of the DUEs: %lld crashed the worker process, %lld ran past the time limit\n",
                  static_cast<long long>(summary.all.crashes), static_cast<long long>(summary.all.timeouts));
    out << line;
  }
  out << "\n";
  table_head(out, "layer");
  for (const auto& [key, counts] : summary.by_layer) table_row(out, layer_name(key), counts);
  out << "\n";
  table_head(out, "bit");
  for (const auto& [bit, counts] : summary.by_bit) table_row(out, bit < 0 ? "(value)" : std::to_string(bit), counts);
  const auto breakdown = [&](const char* label, const std::map<std::string, OutcomeCounts>& rows) {
    if (rows.size() <= 1) return;
    out << "\n";
    table_head(out, label);
    for (const auto& [name, counts] : rows) table_row(out, name, counts);
  };
  breakdown("fault model", summary.by_fault);
  breakdown("spatial pattern", summary.by_pattern);
  breakdown("value class", summary.by_value_class);
  return out.str();
}

std::string campaign_csv(const CampaignResult& result, const CampaignDesign& design) {
  std::ostringstream out;
  out << "injection,input,site,node,op,tensor,element,fault,bit,before,after,elements,outcome,top1,output_change,top5_changed,"
         "label_changed,steps_run,due\n";
  out.precision(9);
  for (const InjectionRecord& record : result.records) {
    const FaultTarget& target = result.targets[record.target];
    out << record.index << ',' << record.input << ',' << site_kind_name(target.kind) << ','
        << report::csv_field(target.node) << ',' << report::csv_field(target.op_type) << ','
        << report::csv_field(target.tensor) << ',' << record.element << ','
        << design.models[record.model].name() << ',' << record.bit << ',' << record.before << ','
        << record.after << ',' << record.elements << ',' << outcome_name(record.detail.outcome) << ',' << record.detail.top1 << ','
        << record.detail.change << ',' << record.detail.top5_changed << ',' << record.detail.label_changed << ','
        << record.steps_run << ',' << report::csv_field(record.detail.due) << '\n';
  }
  return out.str();
}

}  // namespace vigil::faults
