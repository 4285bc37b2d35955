// SPDX-License-Identifier: Apache-2.0
// The supervisor of a campaign's worker process (isolated_campaign.h).
#include "faults/isolated_campaign.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <new>
#include <thread>

#include "core/error.h"
#include "core/fd_io.h"
#include "faults/campaign_journal.h"

namespace vigil::faults {

namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// What the worker process shares with its supervisor, in an anonymous shared mapping:
// the watch, one slot per worker after it, and what the supervisor reports when done.
struct SharedState {
  CampaignWatch watch;
  std::atomic<int64_t> finished{0};  // injections finished, journal included (the progress)
  std::atomic<int64_t> steps{0};
  std::atomic<int64_t> setup_ns{0};
};

class SharedMemory {
 public:
  explicit SharedMemory(int workers) : size_(sizeof(SharedState) + sizeof(WorkerSlot) * static_cast<size_t>(workers)) {
    memory_ = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory_ == MAP_FAILED) fail_internal("cannot map memory to share with the campaign's worker process");
    state_ = new (memory_) SharedState;
    slots_ = new (state_ + 1) WorkerSlot[workers];
    state_->watch.slots = slots_;
    workers_ = workers;
  }
  ~SharedMemory() { ::munmap(memory_, size_); }
  SharedMemory(const SharedMemory&) = delete;
  SharedMemory& operator=(const SharedMemory&) = delete;

  SharedState& state() { return *state_; }
  // The injections the workers were running, ascending.
  std::vector<int64_t> running() const {
    std::vector<int64_t> indices;
    for (int w = 0; w < workers_; ++w) {
      if (slots_[w].index >= 0) indices.push_back(slots_[w].index);
    }
    std::sort(indices.begin(), indices.end());
    return indices;
  }
  void clear_slots() {
    for (int w = 0; w < workers_; ++w) slots_[w].index = -1;
  }
  // The injection that has run longer than `limit_ns`, or -1.
  int64_t overdue(int64_t limit_ns) const {
    const int64_t now = now_ns();
    for (int w = 0; w < workers_; ++w) {
      const int64_t index = slots_[w].index;
      if (index >= 0 && now - slots_[w].since_ns > limit_ns) return index;
    }
    return -1;
  }

 private:
  size_t size_;
  void* memory_ = nullptr;
  SharedState* state_ = nullptr;
  WorkerSlot* slots_ = nullptr;
  int workers_ = 0;
};

// How a worker process ended.
struct WorkerEnd {
  int status = 0;
  int64_t timed_out = -1;  // the injection killed for running too long, or -1
  std::string reply;       // an error: its kind's letter, then the message; empty if none
};

char kind_letter(ErrorKind kind) { return "BUFI"[static_cast<int>(kind)]; }
ErrorKind kind_of(char letter) {
  const char* at = std::strchr("BUFI", letter);
  return at && letter ? static_cast<ErrorKind>(at - "BUFI") : ErrorKind::Internal;
}

// In the child: runs the campaign's part, answers with an error or nothing, and exits
// without running the parent's exit handlers (MPI, temporary files).
[[noreturn]] void run_worker(std::shared_ptr<const Model> model, const CampaignInputs& inputs,
                             const CampaignOptions& options, const IsolationOptions& isolation,
                             const std::string& journal_path, SharedState& shared, pid_t parent, int fd) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // dies with its supervisor (a kill -9 of the command)
  if (::getppid() != parent) _exit(1);
  std::string reply;
  try {
    CampaignJournal journal(journal_path, isolation.header);
    const CampaignResult result =
        run_campaign(std::move(model), inputs, options, &journal, [&](int64_t done) { shared.finished = done; });
    shared.steps = static_cast<int64_t>(result.steps);
    shared.setup_ns = std::max<int64_t>(shared.setup_ns, static_cast<int64_t>(result.setup_seconds * 1e9));
  } catch (const Error& error) {
    reply = kind_letter(error.kind()) + std::string(error.what());
  } catch (const std::exception& error) {
    reply = kind_letter(ErrorKind::Internal) + std::string(error.what());
  }
  std::fflush(stdout);
  _exit(write_all(fd, reply) && reply.empty() ? 0 : 1);
}

// Starts a worker process on `options` and watches it until it ends, killing it when an
// injection runs past the time limit; reports progress meanwhile.
WorkerEnd watch_worker(std::shared_ptr<const Model> model, const CampaignInputs& inputs, const CampaignOptions& options,
                       const IsolationOptions& isolation, const std::string& journal_path, SharedMemory& shared,
                       const std::function<void(int64_t)>& progress) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) fail_internal("cannot create a pipe: ", std::strerror(errno));
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) fail_internal("cannot start the campaign's worker process: ", std::strerror(errno));
  if (child == 0) {
    ::close(fds[0]);
    run_worker(std::move(model), inputs, options, isolation, journal_path, shared.state(), parent, fds[1]);
  }
  ::close(fds[1]);
  WorkerEnd end;
  int64_t reported = -1;
  for (;;) {
    const pid_t done = ::waitpid(child, &end.status, WNOHANG);
    if (done == child) break;
    if (progress && shared.state().finished != reported) progress(reported = shared.state().finished);
    const int64_t fault_free = shared.state().watch.fault_free_ns;
    const double limit = isolation.timeout_seconds > 0 ? isolation.timeout_seconds
                         : fault_free > 0               ? std::max(1.0, 20e-9 * static_cast<double>(fault_free))
                                                        : std::numeric_limits<double>::infinity();
    if (std::isfinite(limit)) end.timed_out = shared.overdue(static_cast<int64_t>(limit * 1e9));
    if (end.timed_out >= 0) {
      ::kill(child, SIGKILL);
      while (::waitpid(child, &end.status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (progress && shared.state().finished != reported) progress(shared.state().finished);
  end.reply = read_all(fds[0]);
  ::close(fds[0]);
  return end;
}

// The records of the journal this campaign can use: each injection once, ascending.
std::vector<InjectionRecord> journal_records(const std::string& path, const IsolationOptions& isolation,
                                             size_t targets, int64_t count) {
  const CampaignJournal journal(path, isolation.header);
  std::vector<InjectionRecord> records;
  std::vector<char> seen(static_cast<size_t>(std::max<int64_t>(count, 0)), 0);
  for (const nlohmann::json& json : journal.records()) {
    InjectionRecord record = InjectionRecord::from_json(json, targets, path);
    if (record.index >= count || seen[record.index]) continue;
    seen[record.index] = 1;
    records.push_back(std::move(record));
  }
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  return records;
}

// The injections of `indices` the journal does not hold: a worker can end after it wrote an
// injection's record and before it cleared its slot.
std::vector<int64_t> unjournaled(const std::vector<int64_t>& indices, const std::string& path,
                                 const IsolationOptions& isolation, size_t targets, int64_t count) {
  const std::vector<InjectionRecord> records = journal_records(path, isolation, targets, count);
  std::vector<int64_t> left;
  for (const int64_t index : indices) {
    const bool done = std::any_of(records.begin(), records.end(), [&](const auto& r) { return r.index == index; });
    if (!done) left.push_back(index);
  }
  return left;
}

// A DUE for an injection that ended its process: what it was drawn as, the cause.
void record_due(const std::string& path, const IsolationOptions& isolation, const std::vector<FaultTarget>& targets,
                const CampaignDesign& design, int64_t index, const std::string& cause) {
  InjectionRecord record = InjectionRecord::of(draw_injection(design, targets, index));
  record.detail.outcome = Outcome::Due;
  record.detail.due = cause;
  record.detail.top1 = -1;
  record.detail.change = std::numeric_limits<double>::quiet_NaN();
  record.before = record.after = std::numeric_limits<double>::quiet_NaN();
  record.elements = 0;
  CampaignJournal journal(path, isolation.header);
  journal.append(record.to_json(targets, design));
}

std::string temporary_journal_path() {
  std::string path = (std::filesystem::temp_directory_path() / "vigil-inject-XXXXXX").string();
  const int fd = ::mkstemp(path.data());
  check_input(fd >= 0, path, ": cannot create a temporary journal: ", std::strerror(errno));
  ::close(fd);
  std::filesystem::remove(path);  // the journal makes it again, header first
  return path;
}

}  // namespace

CampaignResult run_isolated_campaign(std::shared_ptr<const Model> model, const CampaignInputs& inputs,
                                     const CampaignOptions& options, const IsolationOptions& isolation,
                                     const std::function<void(int64_t done)>& progress) {
  const auto begin = std::chrono::steady_clock::now();
  const bool temporary = isolation.journal.empty();
  const std::string path = temporary ? temporary_journal_path() : isolation.journal;
  struct RemoveTemporary {
    const std::string& path;
    bool remove;
    ~RemoveTemporary() {
      if (remove) std::filesystem::remove(path);
    }
  } remove_temporary{path, temporary};

  CampaignResult result;
  result.targets = options.targets.empty() ? campaign_targets(model, inputs, options) : options.targets;
  CampaignDesign design = options.design;
  design.inputs = static_cast<int64_t>(inputs.feeds.size());
  result.resumed = static_cast<int64_t>(journal_records(path, isolation, result.targets.size(), options.injections).size());

  const int workers = std::max(1, options.workers);
  SharedMemory shared(workers);
  shared.state().finished = result.resumed;
  CampaignOptions watched = options;
  watched.watch = &shared.state().watch;
  watched.targets = result.targets;
  std::vector<int64_t> suspects;  // injections to run alone, one at a time, descending
  int64_t done_at_last_crash = -1;  // records when a worker last ended outside any injection
  for (;;) {
    CampaignOptions run = watched;
    if (!suspects.empty()) {
      run.only = {suspects.back()};
      run.workers = 1;
    }
    shared.clear_slots();
    const WorkerEnd end = watch_worker(model, inputs, run, isolation, path, shared, progress);
    const auto settle = [&](int64_t index) {
      if (!suspects.empty() && suspects.back() == index) suspects.pop_back();
    };
    const auto unfinished = [&](const std::vector<int64_t>& indices) {
      return unjournaled(indices, path, isolation, result.targets.size(), options.injections);
    };
    if (end.timed_out >= 0) {
      if (!unfinished({end.timed_out}).empty()) {
        record_due(path, isolation, result.targets, design, end.timed_out, "time-out");
      }
      settle(end.timed_out);
      continue;
    }
    if (!end.reply.empty()) throw Error(kind_of(end.reply[0]), end.reply.substr(1));
    if (WIFEXITED(end.status) && WEXITSTATUS(end.status) == 0) {
      if (suspects.empty()) break;
      suspects.pop_back();
      continue;
    }
    const std::string cause = WIFSIGNALED(end.status) ? str_cat("crash (", ::strsignal(WTERMSIG(end.status)), ")")
                                                      : str_cat("crash (exit code ", WEXITSTATUS(end.status), ")");
    const std::vector<int64_t> running = unfinished(shared.running());
    if (running.empty()) {
      // Between injections: a fault of the process, not of an injection; go on, unless it
      // keeps happening without progress.
      const int64_t done = static_cast<int64_t>(journal_records(path, isolation, result.targets.size(),
                                                                options.injections).size());
      if (done == done_at_last_crash) fail_internal("the campaign's worker process ended outside any injection: ", cause);
      done_at_last_crash = done;
      continue;
    }
    if (running.size() == 1) {
      record_due(path, isolation, result.targets, design, running[0], cause);
      settle(running[0]);
    } else {
      suspects.assign(running.rbegin(), running.rend());
    }
  }
  result.records = journal_records(path, isolation, result.targets.size(), options.injections);
  result.steps = static_cast<size_t>(shared.state().steps.load());
  result.setup_seconds = 1e-9 * static_cast<double>(shared.state().setup_ns.load());
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  return result;
}

}  // namespace vigil::faults
