// SPDX-License-Identifier: Apache-2.0
// Reading, checking and appending to a campaign journal.
#include "faults/campaign_journal.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "core/error.h"

namespace vigil::faults {

namespace {

// The file's bytes; empty when it does not exist.
bool read_existing(const std::string& path, std::string& bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream content;
  content << in.rdbuf();
  bytes = content.str();
  return true;
}

std::string line_of(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

CampaignJournal::CampaignJournal(const std::string& path, const nlohmann::json& given_header) : path_(path) {
  // As it reads back from the file (names that are not UTF-8 get U+FFFD).
  const nlohmann::json header = nlohmann::json::parse(line_of(given_header));
  std::string bytes;
  const bool exists = read_existing(path, bytes) && !bytes.empty();
  size_t complete = 0;  // bytes up to the end of the last whole line
  if (exists) {
    const size_t end = bytes.rfind('\n');
    complete = end == std::string::npos ? 0 : end + 1;
    std::istringstream lines(bytes.substr(0, complete));
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
      nlohmann::json parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      check_input(!parsed.is_discarded() && parsed.is_object(), path, ": line ", number,
                  " is not a journal record of vigil inject");
      if (number == 1) {
        check_input(parsed.value("journal", nlohmann::json()) == header.at("journal"), path,
                    ": not a journal of vigil inject");
        check_input(parsed == header, path, ": this journal belongs to another campaign (",
                    parsed.value("campaign", nlohmann::json()).dump(), ")");
        continue;
      }
      records_.push_back(std::move(parsed));
    }
    check_input(complete > 0, path, ": not a journal of vigil inject");
  }
  file_ = std::fopen(path.c_str(), exists ? "r+b" : "wb");
  check_input(file_ != nullptr, path, ": cannot open the journal for writing");
  if (exists) {
    // Drop a last line that a kill cut short, then append after the whole lines.
    check_input(ftruncate(fileno(file_), static_cast<off_t>(complete)) == 0 && std::fseek(file_, 0, SEEK_END) == 0, path,
                ": cannot append to the journal");
  } else {
    append(header);
  }
}

CampaignJournal::~CampaignJournal() {
  if (file_) std::fclose(file_);
}

void CampaignJournal::append(const nlohmann::json& record) {
  const std::string line = line_of(record);
  const std::lock_guard<std::mutex> lock(mutex_);
  check_input(std::fwrite(line.data(), 1, line.size(), file_) == line.size() && std::fflush(file_) == 0, path_,
              ": cannot write to the journal");
}

}  // namespace vigil::faults
