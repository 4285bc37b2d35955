// SPDX-License-Identifier: Apache-2.0
// The ranks of an MPI launch, for commands that shard their work (`mpirun -n R vigil
// inject ...`). MPI is started only when an MPI launcher started the process; run alone,
// the same binary is rank 0 of 1 and never touches MPI. Built without Open MPI (its
// development package was missing), a launch of several ranks is refused rather than
// letting each rank run the whole work.
#pragma once

#include <string>
#include <vector>

namespace vigil::cli {

class MpiRanks {
 public:
  MpiRanks();
  ~MpiRanks();
  MpiRanks(const MpiRanks&) = delete;
  MpiRanks& operator=(const MpiRanks&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // Every rank's text, in rank order, on rank 0; other ranks get nothing back.
  std::vector<std::string> gather(const std::string& text) const;

 private:
  int rank_ = 0;
  int size_ = 1;
  bool started_ = false;
};

}  // namespace vigil::cli
