// SPDX-License-Identifier: Apache-2.0
// The inject report pages (campaign_html.h).
#include "report/campaign_html.h"

#include <sstream>
#include <vector>

#include "report/html_page.h"
#include "report/stacked_bars_svg.h"
#include "report/svg_chart.h"

namespace vigil::report {

namespace {

constexpr const char* kStyle = R"(
svg .bar-label { fill: #333; }
svg .bar-value { fill: #555; }
)";

// The outcomes in the JSON's keys, with the names and colours people see.
struct OutcomeColumn {
  const char* key;
  const char* name;
  const char* colour;
};
constexpr OutcomeColumn kOutcomes[] = {{"masked", "masked", "#bab0ac"},
                                       {"sdc_tolerable", "tolerable SDC", "#edc948"},
                                       {"sdc_critical", "critical SDC", "#e15759"},
                                       {"due", "DUE", "#b07aa1"},
                                       {"detected", "detected", "#4e79a7"},
                                       {"corrected", "corrected", "#59a14f"}};

// "23 of 400, 5.8% (95%: 3.9% to 8.5%)".
std::string rate_text(const nlohmann::json& outcome, int64_t total, double confidence) {
  return string_printf("%lld of %lld, %s (%.0f%%: %s to %s)", static_cast<long long>(outcome.at("count").get<int64_t>()),
                       static_cast<long long>(total), percent_text(outcome.at("rate").get<double>()).c_str(),
                       100 * confidence, percent_text(outcome.at("low").get<double>()).c_str(),
                       percent_text(outcome.at("high").get<double>()).c_str());
}

StackedBar outcome_bar(const std::string& label, const nlohmann::json& counts, double confidence) {
  StackedBar bar;
  bar.label = label;
  const int64_t total = counts.at("injections").get<int64_t>();
  bar.note = "n = " + std::to_string(total);
  for (const OutcomeColumn& column : kOutcomes) {
    const nlohmann::json& outcome = counts.at(column.key);
    bar.shares.push_back(outcome.at("rate").get<double>());
    bar.tooltips.push_back(label + ": " + column.name + " " + rate_text(outcome, total, confidence));
  }
  return bar;
}

std::vector<BarCategory> outcome_categories() {
  std::vector<BarCategory> categories;
  for (const OutcomeColumn& column : kOutcomes) categories.push_back({column.name, column.colour});
  return categories;
}

// One breakdown of the JSON (by_layer, by_bit, ...) as a chart; nothing when absent or,
// unless `always`, with a single row.
void breakdown(std::ostringstream& html, const nlohmann::json& campaign, const char* key, const char* label_key,
               const std::string& title, const std::string& row_class, bool always) {
  if (!campaign.contains(key)) return;
  const nlohmann::json& rows = campaign.at(key);
  if (rows.size() < (always ? 1u : 2u)) return;
  const double confidence = campaign.at("confidence").get<double>();
  std::vector<StackedBar> bars;
  for (const nlohmann::json& row : rows) {
    const nlohmann::json& name = row.at(label_key);
    std::string label = name.is_string() ? name.get<std::string>() : std::to_string(name.get<int>());
    if (name.is_number() && name.get<int>() < 0) label = "(value faults)";
    bars.push_back(outcome_bar(label, row, confidence));
  }
  html << "<h2>" << html_escape(title) << "</h2>\n"
       << stacked_bars_svg(outcome_categories(), bars, row_class, "outcomes " + title);
}

void outcome_table(std::ostringstream& html, const nlohmann::json& campaign) {
  const nlohmann::json& all = campaign.at("outcomes");
  const int64_t total = all.at("injections").get<int64_t>();
  const double confidence = campaign.at("confidence").get<double>();
  html << "<table class=\"outcomes\">\n<tr><th class=\"text\">outcome</th><th>count</th><th>rate</th><th>"
       << string_printf("%.0f%%", 100 * confidence) << " interval</th></tr>\n";
  for (const OutcomeColumn& column : kOutcomes) {
    const nlohmann::json& outcome = all.at(column.key);
    html << "<tr><td class=\"text\">" << column.name << "</td><td>" << outcome.at("count").get<int64_t>() << "</td><td>"
         << percent_text(outcome.at("rate").get<double>()) << "</td><td>" << percent_text(outcome.at("low").get<double>())
         << " to " << percent_text(outcome.at("high").get<double>()) << "</td></tr>\n";
  }
  html << "<tr><td class=\"text\">top-5 changed</td><td>" << all.at("top5_changed").get<int64_t>() << "</td><td>"
       << percent_text(total ? all.at("top5_changed").get<double>() / static_cast<double>(total) : 0) << "</td><td></td></tr>\n"
       << "</table>\n";
}

std::string fault_models(const nlohmann::json& design) {
  std::string names;
  for (const nlohmann::json& model : design.at("fault_models")) {
    names += (names.empty() ? "" : ", ") + model.at("fault").get<std::string>();
  }
  return names;
}

}  // namespace

std::string campaign_html(const nlohmann::json& campaign) {
  const nlohmann::json& design = campaign.at("campaign");
  const std::string model = design.at("model").get<std::string>();
  const nlohmann::json& all = campaign.at("outcomes");
  std::ostringstream html;
  html << "<h1>vigil inject: " << html_escape(model) << "</h1>\n<p class=\"subtitle\">"
       << campaign.at("injections").get<int64_t>() << " injections into " << html_escape(design.at("site").get<std::string>());
  if (!design.at("node").get<std::string>().empty()) html << " of nodes " << html_escape(design.at("node").get<std::string>());
  if (!design.at("op").get<std::string>().empty()) html << " of " << html_escape(design.at("op").get<std::string>());
  html << " &middot; " << html_escape(clip_front(fault_models(design), 160)) << " &middot; "
       << design.at("faults_per_inference").get<int>() << " per inference &middot; " << design.at("inputs").get<int64_t>()
       << " inputs &middot; seed " << html_escape(design.at("seed").get<std::string>()) << " &middot; ABFT "
       << html_escape(design.at("abft").get<std::string>()) << "</p>\n";

  const double confidence = campaign.at("confidence").get<double>();
  html << "<div class=\"metrics\">\n";
  html_metric(html, std::to_string(campaign.at("injections").get<int64_t>()), "injections");
  for (const OutcomeColumn& column : kOutcomes) {
    const nlohmann::json& outcome = all.at(column.key);
    html_metric(html, percent_text(outcome.at("rate").get<double>()),
                std::string(column.name) + string_printf(" (%.0f%%: ", 100 * confidence) +
                    percent_text(outcome.at("low").get<double>()) + " to " + percent_text(outcome.at("high").get<double>()) + ")");
  }
  html_metric(html, format_number(campaign.at("injections_per_second").get<double>()) + " /s", "injections a second");
  html_metric(html,
              format_number(campaign.at("mean_steps_run").get<double>()) + " of " +
                  std::to_string(campaign.at("steps").get<size_t>()),
              "steps run per injection (mean)");
  html << "</div>\n<h2>Outcomes</h2>\n";
  outcome_table(html, campaign);
  breakdown(html, campaign, "by_layer", "node", "by layer", "layer-row", true);
  breakdown(html, campaign, "by_bit", "bit", "by bit position", "bit-row", true);
  breakdown(html, campaign, "by_fault", "fault", "by fault model", "fault-row", false);
  breakdown(html, campaign, "by_pattern", "pattern", "by spatial pattern", "fault-row", false);
  breakdown(html, campaign, "by_value_class", "values", "by value class", "fault-row", false);
  return html_document("vigil inject: " + model, kStyle, html.str());
}

}  // namespace vigil::report
