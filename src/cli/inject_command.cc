// SPDX-License-Identifier: Apache-2.0
// `vigil inject MODEL`: a fault-injection campaign (faults/campaign.h). It chooses the
// inputs (images of an IDX set with their labels, --input files, or seeded random
// inputs), the sites, the fault models and the number of injections (given, or from a
// margin of error and a confidence by Leveugle's formula), runs the campaign on every
// worker thread with a progress bar, keeps a journal to resume from, and prints outcome
// rates with Wilson intervals, by layer and by bit; --json, --csv and --html write them. With
// --ber it sweeps bit-error rates in the weights instead (faults/ber_sweep.h). Under
// `mpirun -n R` each rank runs every R-th injection and rank 0 reports them all: the same
// seed gives the same records for any R. The workers run in a child process
// (faults/isolated_campaign.h): an injection that crashes it or runs too long is a DUE.
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>
#include <tuple>

#include "cli/abft_flags.h"
#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/model_inputs.h"
#include "cli/mpi_ranks.h"
#include "cli/seed_flag.h"
#include "core/file_io.h"
#include "core/progress.h"
#include "eval/classifier_eval.h"
#include "faults/ber_sweep.h"
#include "faults/campaign.h"
#include "faults/campaign_journal.h"
#include "faults/campaign_report.h"
#include "faults/campaign_statistics.h"
#include "faults/isolated_campaign.h"
#include "onnx_io/model_import.h"
#include "report/ber_sweep_html.h"
#include "report/campaign_html.h"
#include "report/svg_chart.h"

namespace vigil::cli {

namespace {

struct InjectOptions {
  std::string model;
  std::string dataset;
  std::vector<std::string> inputs;
  int64_t images = 0;  // 0: 100 from a dataset, 1 otherwise
  std::string site = "outputs";
  std::string node;
  std::string op;
  std::string faults = "flip";
  std::string values;  // value classes of the spatial patterns; empty: all
  int flip_bits = 1;
  std::string bits;
  int faults_per_inference = 1;
  int64_t injections = 0;
  double margin = 0;
  double confidence = 0.95;
  std::string seed = "0";
  int threads = 1;
  std::string journal;
  double timeout = 0;  // seconds; 0: from the fault-free inference
  std::string json;
  std::string csv;
  std::string html;
  bool no_reuse = false;
  bool no_optimize = false;
  AbftFlags abft;
  std::string ber;  // LOW:HIGH: a bit-error-rate sweep instead of a campaign
  int ber_points = 6;
  int repeats = 5;
};

// FNV-1a over bytes: identifies a model file or input data in a journal's header.
uint64_t fnv1a(const void* data, size_t size, uint64_t hash = 0xcbf29ce484222325ull) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) hash = (hash ^ bytes[i]) * 0x100000001b3ull;
  return hash;
}

std::string hex(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

// --bits LO:HI, or one position N.
void parse_bits(const std::string& text, faults::FaultModel& model) {
  if (text.empty()) return;
  std::istringstream in(text);
  char colon = 0;
  if (!(in >> model.low_bit)) fail_bad_input("--bits '", text, "' is not LO:HI or a bit position");
  model.high_bit = model.low_bit;
  if (in >> colon && !(colon == ':' && in >> model.high_bit)) {
    fail_bad_input("--bits '", text, "' is not LO:HI or a bit position");
  }
  check_input(in.eof() || (in >> std::ws).eof(), "--bits '", text, "' is not LO:HI or a bit position");
  check_input(model.low_bit >= 0 && model.high_bit >= model.low_bit && model.high_bit < 64, "--bits '", text,
              "': positions run from 0 (least significant) upwards, LO <= HI");
}

faults::CampaignDesign design_from(const InjectOptions& options) {
  faults::CampaignDesign design;
  design.faults_per_inference = options.faults_per_inference;
  design.seed = std::stoull(options.seed);
  std::vector<faults::ValueClass> values;
  std::stringstream value_list(options.values.empty() ? faults::value_class_names() : options.values);
  for (std::string name; std::getline(value_list >> std::ws, name, ',');) values.push_back(faults::parse_value_class(name));
  std::stringstream list(options.faults);
  bool patterns = false;
  for (std::string name; std::getline(list, name, ',');) {
    faults::FaultModel model;
    model.bits = options.flip_bits;
    parse_bits(options.bits, model);
    if (faults::find_spatial_pattern(name, model.pattern)) {
      // One model per value class: each pattern and class is drawn as often as the others.
      patterns = model.spatial = true;
      for (const faults::ValueClass value_class : values) {
        model.value_class = value_class;
        design.models.push_back(model);
      }
      continue;
    }
    model.kind = faults::parse_fault_kind(name);
    design.models.push_back(model);
  }
  check_input(patterns || options.values.empty(), "--values applies to spatial patterns in --fault (",
              faults::spatial_pattern_names(), ")");
  return design;
}

faults::CampaignInputs campaign_inputs(const InjectOptions& options, Model& model) {
  faults::CampaignInputs inputs;
  if (!options.dataset.empty()) {
    const int64_t count = options.images > 0 ? options.images : 100;
    const IdxDataset dataset = read_idx_dataset(options.dataset, count);
    check_input(model.graph.inputs.size() == 1, options.model, ": --dataset needs a model with one image input, it has ",
                model.graph.inputs.size());
    const ValueInfo& input = model.graph.inputs[0];
    const int64_t batch = input.has_shape && !input.dims.empty() && input.dims[0].is_fixed() ? input.dims[0].value : 1;
    const std::vector<int64_t> labels = dataset.labels.to_int64_vector();
    for (int64_t i = 0; i < dataset.images.dim(0); ++i) {
      inputs.feeds.push_back({{input.name, classifier_image_batch(input, dataset, i, 1, batch)}});
      inputs.labels.push_back(labels[i]);
    }
    return inputs;
  }
  const std::map<std::string, Tensor> files = read_input_files(model.graph, options.inputs);
  const int64_t count = options.images > 0 ? options.images : 1;
  for (int64_t i = 0; i < count; ++i) {
    std::map<std::string, Tensor> feeds = files;
    add_random_inputs(model.graph, feeds, std::stoull(options.seed) + static_cast<uint64_t>(i));
    inputs.feeds.push_back(std::move(feeds));
  }
  return inputs;
}

uint64_t inputs_hash(const faults::CampaignInputs& inputs) {
  uint64_t hash = fnv1a(inputs.labels.data(), inputs.labels.size() * sizeof(int64_t));
  for (const auto& feeds : inputs.feeds) {
    for (const auto& [name, tensor] : feeds) {
      hash = fnv1a(name.data(), name.size(), hash);
      if (tensor.dtype() != DType::String) hash = fnv1a(tensor.raw(), tensor.nbytes(), hash);
    }
  }
  return hash;
}

// What identifies the campaign: a journal of another campaign is refused.
nlohmann::json campaign_header(const InjectOptions& options, const std::string& model_bytes,
                               const faults::CampaignInputs& inputs, const faults::CampaignDesign& design,
                               const abft::Options& abft) {
  nlohmann::json models = nlohmann::json::array();
  for (const faults::FaultModel& model : design.models) {
    models.push_back({{"fault", model.name()},
                      {"bits", model.bits},
                      {"low_bit", model.low_bit},
                      {"high_bit", model.high_bit}});
  }
  return {{"journal", "vigil inject 1"},
          {"campaign",
           {{"model", std::filesystem::path(options.model).filename().string()},
            {"model_fnv1a", hex(fnv1a(model_bytes.data(), model_bytes.size()))},
            {"inputs", inputs.feeds.size()},
            {"inputs_fnv1a", hex(inputs_hash(inputs))},
            {"labelled", !inputs.labels.empty()},
            {"site", options.site},
            {"node", options.node},
            {"op", options.op},
            {"fault_models", models},
            {"faults_per_inference", design.faults_per_inference},
            {"seed", options.seed},
            {"optimize", !options.no_optimize},
            {"abft", abft::scheme_name(abft.scheme)},
            {"abft_mode", abft::mode_name(abft.mode)}}}};
}

// --ber LOW:HIGH.
std::pair<double, double> parse_rates(const std::string& text) {
  std::istringstream in(text);
  double low = 0, high = 0;
  char colon = 0;
  check_input(in >> low >> colon >> high && colon == ':' && (in >> std::ws).eof(), "--ber '", text,
              "' is not LOW:HIGH (bit-error rates such as 1e-7:1e-2)");
  return {low, high};
}

// Accuracy against the rate at which weight bits flip (faults/ber_sweep.h).
void sweep(const InjectOptions& options) {
  check_input(!options.dataset.empty(), "--ber needs --dataset: accuracy is measured on labelled images");
  faults::BerSweepOptions sweep;
  std::tie(sweep.low_rate, sweep.high_rate) = parse_rates(options.ber);
  faults::check_bit_error_rates(sweep.low_rate, sweep.high_rate);
  sweep.points = options.ber_points;
  sweep.repeats = options.repeats;
  sweep.seed = std::stoull(options.seed);
  sweep.workers = options.threads;
  sweep.optimize = !options.no_optimize;
  sweep.node_pattern = options.node;
  sweep.op_type = options.op;
  sweep.images = options.images > 0 ? options.images : 1000;
  const std::shared_ptr<Model> model = load_model(options.model);
  const IdxDataset data = read_idx_dataset(options.dataset, sweep.images);
  const faults::BerSweepResult result = faults::sweep_bit_error_rates(model, data, sweep);
  std::printf("%s: %zu weight tensors, %lld bits exposed; accuracy on %lld images, %d error pattern%s per rate "
              "(%.1f s)\nfault-free accuracy %.2f%%\n\n%-10s %12s %10s %10s %10s\n",
              options.model.c_str(), result.tensors.size(), static_cast<long long>(result.weight_bits),
              static_cast<long long>(result.images), sweep.repeats, sweep.repeats == 1 ? "" : "s", result.seconds,
              100 * result.clean_accuracy,
              "bit rate", "flips", "accuracy", "lowest", "highest");
  nlohmann::json points = nlohmann::json::array();
  std::string csv = "rate,repetition,accuracy\n";
  for (const faults::BerPoint& point : result.points) {
    std::printf("%-10.3g %12.1f %9.2f%% %9.2f%% %9.2f%%\n", point.rate, point.mean_flips, 100 * point.mean,
                100 * point.low, 100 * point.high);
    points.push_back({{"rate", point.rate},
                      {"mean_flips", point.mean_flips},
                      {"accuracy", point.mean},
                      {"lowest", point.low},
                      {"highest", point.high},
                      {"accuracies", point.accuracies}});
    for (size_t r = 0; r < point.accuracies.size(); ++r) {
      csv += report::string_printf("%.6g,%zu,%.6f\n", point.rate, r, point.accuracies[r]);
    }
  }
  std::fflush(stdout);
  const nlohmann::json report = {{"model", options.model},
                                {"images", result.images},
                                {"repeats", sweep.repeats},
                                {"seed", options.seed},
                                {"weight_tensors", result.tensors},
                                {"weight_bits", result.weight_bits},
                                {"clean_accuracy", result.clean_accuracy},
                                {"seconds", result.seconds},
                                {"points", points}};
  const std::string html = options.html.empty() ? std::string() : report::ber_sweep_html(report);
  write_json_file(options.json, report);
  if (!options.html.empty()) write_file_atomically(options.html, html);
  if (!options.csv.empty()) write_file_atomically(options.csv, csv);
}

// Rank 0 gets every rank's records, by index, with the slowest rank's times and the
// resumed records of all; the other ranks get their own part back.
faults::CampaignResult merged_over_ranks(const MpiRanks& ranks, faults::CampaignResult part,
                                         const faults::CampaignDesign& design) {
  nlohmann::json mine = {{"resumed", part.resumed},
                         {"seconds", part.seconds},
                         {"setup_seconds", part.setup_seconds},
                         {"records", nlohmann::json::array()}};
  for (const faults::InjectionRecord& record : part.records) mine["records"].push_back(record.to_json(part.targets, design));
  const std::vector<std::string> parts = ranks.gather(mine.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (ranks.rank() != 0) return part;
  faults::CampaignResult merged;
  merged.targets = std::move(part.targets);
  merged.steps = part.steps;
  for (size_t r = 0; r < parts.size(); ++r) {
    const nlohmann::json json = nlohmann::json::parse(parts[r]);
    merged.resumed += json.at("resumed").get<int64_t>();
    merged.seconds = std::max(merged.seconds, json.at("seconds").get<double>());
    merged.setup_seconds = std::max(merged.setup_seconds, json.at("setup_seconds").get<double>());
    for (const nlohmann::json& record : json.at("records")) {
      merged.records.push_back(
          faults::InjectionRecord::from_json(record, merged.targets.size(), "MPI rank " + std::to_string(r)));
    }
  }
  std::sort(merged.records.begin(), merged.records.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  return merged;
}

void inject(const InjectOptions& options) {
  check_output_folder("--json", options.json);
  check_output_folder("--csv", options.csv);
  check_output_folder("--html", options.html);
  const MpiRanks ranks;
  if (!options.ber.empty()) {
    check_input(ranks.size() == 1, "--ber runs in one process, not over ", ranks.size(), " MPI ranks");
    return sweep(options);
  }
  // Every injection copies the activation it corrupts, megabytes on large models. Blocks
  // under 4 MiB come from malloc (core/memory_budget.h): kept in the heap rather than mapped
  // and unmapped each time, such copies cost no page faults. Larger ones are mapped with
  // huge pages, a fault per 2 MiB.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  check_output_folder("--journal", options.journal);
  check_input(options.margin == 0 || (options.margin > 0 && options.margin < 1), "--margin ", options.margin,
              " is outside (0, 1)");
  check_input(options.confidence > 0 && options.confidence < 1, "--confidence ", options.confidence,
              " is outside (0, 1)");
  check_input(options.timeout >= 0, "--timeout ", options.timeout, " is not a number of seconds");
  faults::CampaignOptions campaign;
  campaign.sites = {faults::parse_site_kind(options.site), options.node, options.op};
  campaign.design = design_from(options);
  campaign.workers = options.threads;
  campaign.reuse = !options.no_reuse;
  campaign.optimize = !options.no_optimize;
  campaign.abft = options.abft.options(1);  // the workers run one-thread sessions
  campaign.shard = ranks.rank();
  campaign.shards = ranks.size();

  const std::string model_bytes = read_file(options.model, kMaxProtobufBytes);
  const std::shared_ptr<Model> loaded = load_model_from_bytes(model_bytes, options.model);
  const faults::CampaignInputs inputs = campaign_inputs(options, *loaded);
  const std::shared_ptr<const Model> model = faults::campaign_model(loaded, campaign);
  // Kept until the campaign ends: the workers' sessions share its packed weights.
  Session prepared(model, faults::campaign_session_options(campaign));
  campaign.targets = faults::campaign_targets(prepared, inputs, campaign);
  const std::vector<faults::FaultTarget>& targets = campaign.targets;
  campaign.design.inputs = static_cast<int64_t>(inputs.feeds.size());
  const double population = faults::fault_population(campaign.design, targets);
  const double margin = options.margin > 0 ? options.margin : 0.05;
  campaign.injections =
      options.injections > 0 ? options.injections : faults::injections_for(margin, options.confidence, population);

  const nlohmann::json header = campaign_header(options, model_bytes, inputs, campaign.design, campaign.abft);
  faults::IsolationOptions isolation;
  isolation.timeout_seconds = options.timeout;
  isolation.header = header;
  int64_t resumed = 0;
  if (!options.journal.empty()) {
    // Over MPI each rank keeps a journal of its own share.
    isolation.journal = ranks.size() == 1 ? options.journal
                                          : str_cat(options.journal, ".rank", ranks.rank(), "of", ranks.size());
    // Opened here to refuse another campaign's journal before anything runs.
    resumed = static_cast<int64_t>(faults::CampaignJournal(isolation.journal, header).records().size());
  }

  int64_t elements = 0;
  for (const faults::FaultTarget& target : targets) elements += target.elements;
  if (ranks.rank() == 0) {
    std::printf("%s: %lld injections of %s into %s (%zu sites, %lld values, %.4g single faults), %zu input%s, seed %s, "
                "%d thread%s x %d process%s; margin %.4g at %.0f%% confidence\n",
              options.model.c_str(), static_cast<long long>(campaign.injections), options.faults.c_str(),
              options.site.c_str(), targets.size(), static_cast<long long>(elements), population, inputs.feeds.size(),
              inputs.feeds.size() == 1 ? "" : "s", options.seed.c_str(), options.threads,
              options.threads == 1 ? "" : "s", ranks.size(), ranks.size() == 1 ? "" : "es",
              faults::leveugle_margin(static_cast<double>(campaign.injections), options.confidence, population),
              100 * options.confidence);
    std::fflush(stdout);
  }
  ProgressBar progress("inject", std::max<int64_t>(campaign.injections - resumed, 1));
  const faults::CampaignResult result = merged_over_ranks(
      ranks,
      faults::run_isolated_campaign(model, inputs, campaign, isolation,
                                    [&](int64_t done) { progress.update(done - resumed); }),
      campaign.design);
  if (ranks.rank() != 0) return;
  const int64_t fresh = static_cast<int64_t>(result.records.size()) - result.resumed;
  const double running = result.seconds - result.setup_seconds;
  std::printf("%lld injections (%lld resumed from the journal), %.0f injections/s, %.0f/s after %.2f s of set-up, %s\n\n",
              static_cast<long long>(result.records.size()), static_cast<long long>(result.resumed),
              result.seconds > 0 ? fresh / result.seconds : 0.0, running > 0 ? fresh / running : 0.0,
              result.setup_seconds, campaign.reuse ? "replayed from the faulted step" : "each inference run in full");
  std::printf("%s", faults::campaign_table(result, campaign.design, options.confidence).c_str());
  std::fflush(stdout);
  nlohmann::json report = faults::campaign_json(result, campaign.design, options.confidence, header);
  report["workers"] = options.threads;
  report["processes"] = ranks.size();
  report["reuse"] = campaign.reuse;
  const std::string html = options.html.empty() ? std::string() : report::campaign_html(report);
  write_json_file(options.json, report);
  if (!options.csv.empty()) write_file_atomically(options.csv, faults::campaign_csv(result, campaign.design));
  if (!options.html.empty()) write_file_atomically(options.html, html);
}

}  // namespace

void add_inject_command(CLI::App& app) {
  auto options = std::make_shared<InjectOptions>();
  CLI::App* command = app.add_subcommand(
      "inject",
      "Fault-injection campaign: bit flips, stuck-at bits, random values or zeros in node outputs, weights, inputs or "
      "int8 accumulators; outcome rates with confidence intervals, by layer and by bit; or, with --ber, accuracy "
      "against the bit-error rate of the weights");
  command->add_option("model", options->model, "ONNX model file")->required();
  command->add_option("--dataset", options->dataset,
                      "IDX image set (folder or images file, labels beside it): inputs are its first --images images "
                      "and outcomes are also judged against the labels");
  add_input_files_option(*command, options->inputs);
  command->add_option("--images", options->images, "inputs to inject on (default: 100 from --dataset, else 1)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  command->add_option("--site", options->site, "where faults go: outputs, weights, inputs or accumulators")
      ->default_val("outputs");
  command->add_option("--node", options->node, "only nodes whose whole name matches this regular expression");
  command->add_option("--op", options->op, "only nodes of this operator type");
  command->add_option("--fault", options->faults,
                      "fault model, or several separated by commas: flip, stuck0, stuck1, random, zero; or CLASSES' "
                      "spatial patterns on node outputs: " + faults::spatial_pattern_names())
      ->default_val("flip");
  command->add_option("--values", options->values,
                      "value classes of the spatial patterns, separated by commas: " + faults::value_class_names() +
                          " (default: all)");
  command->add_option("--flip-bits", options->flip_bits, "bits each flip or stuck-at fault acts on")
      ->default_val(1)
      ->check(CLI::Range(1, 64));
  command->add_option("--bits", options->bits, "bit positions LO:HI (or one position) faults may hit; default all");
  command->add_option("--faults", options->faults_per_inference, "faults per inference")
      ->default_val(1)
      ->check(CLI::Range(1, 1 << 20));
  command->add_option("--injections", options->injections, "injections to run (default: from --margin)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  command->add_option("--margin", options->margin,
                      "margin of error the campaign is sized for by Leveugle's formula (default 0.05)");
  command->add_option("--confidence", options->confidence, "confidence of the margin and of the intervals")
      ->default_val(0.95);
  command->add_option("--seed", options->seed, "seed of the injections (and of random inputs)")
      ->default_val("0")
      ->check(seed_flag_check());
  command->add_option("--threads", options->threads, "worker threads, one single-threaded session each")
      ->default_val(1)
      ->check(CLI::Range(1, 256));
  command->add_option("--journal", options->journal,
                      "append each result to this file as it completes; run again with it to resume");
  command->add_option("--timeout", options->timeout,
                      "seconds an injection may run before it counts as a DUE (time-out); default: 20 times the "
                      "fault-free inference, at least 1");
  command->add_option("--json", options->json, "write the summary and breakdowns as JSON to this file");
  command->add_option("--csv", options->csv, "write one row per injection as CSV to this file");
  command->add_option("--html", options->html,
                      "write a self-contained HTML page with charts (outcomes by layer, bit and fault model; with "
                      "--ber, accuracy against the rate) to this file");
  command->add_flag("--no-reuse", options->no_reuse,
                    "run every faulty inference in full instead of replaying from the faulted step");
  command->add_flag("--no-optimize", options->no_optimize, "skip the graph passes (weights as stored in the file)");
  add_abft_flags(*command, options->abft);
  command->add_option("--ber", options->ber,
                      "LOW:HIGH: instead of a campaign, accuracy on --dataset against the rate at which weight bits "
                      "flip, at --ber-points rates spaced evenly in log");
  command->add_option("--ber-points", options->ber_points, "rates in a --ber sweep")->default_val(6)->check(
      CLI::Range(1, 1000));
  command->add_option("--repeats", options->repeats, "error patterns per rate in a --ber sweep")
      ->default_val(5)
      ->check(CLI::Range(1, 100000));
  command->callback([options] { inject(*options); });
}

}  // namespace vigil::cli
