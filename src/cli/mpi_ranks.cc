// SPDX-License-Identifier: Apache-2.0
// MPI start-up, shutdown and the gather of results, or their stand-ins for one process.
#include "cli/mpi_ranks.h"

#include <cstdlib>

#include "core/error.h"

#ifdef VIGIL_HAVE_MPI
#include <mpi.h>
#endif

namespace vigil::cli {

namespace {

// The world size an MPI launcher (Open MPI's mpirun, a PMIx or PMI launcher) announced; 0 if none.
int launched_ranks() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"}) {
    if (const char* value = std::getenv(name)) return std::atoi(value);
  }
  return std::getenv("PMIX_RANK") ? 1 : 0;
}

}  // namespace

MpiRanks::MpiRanks() {
  const int launched = launched_ranks();
  if (launched == 0) return;
#ifdef VIGIL_HAVE_MPI
  MPI_Init(nullptr, nullptr);
  started_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
#else
  check_input(launched <= 1, "started as ", launched,
              " MPI ranks, but this vigil was built without MPI (install libopenmpi-dev and build again)");
#endif
}

MpiRanks::~MpiRanks() {
#ifdef VIGIL_HAVE_MPI
  if (started_) MPI_Finalize();
#endif
}

std::vector<std::string> MpiRanks::gather(const std::string& text) const {
  if (size_ == 1) return {text};
#ifdef VIGIL_HAVE_MPI
  int length = static_cast<int>(text.size());
  std::vector<int> lengths(rank_ == 0 ? size_ : 0), offsets(lengths.size());
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::string all;
  if (rank_ == 0) {
    int total = 0;
    for (int r = 0; r < size_; ++r) {
      offsets[r] = total;
      total += lengths[r];
    }
    all.resize(static_cast<size_t>(total));
  }
  MPI_Gatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0,
              MPI_COMM_WORLD);
  std::vector<std::string> texts;
  for (int r = 0; rank_ == 0 && r < size_; ++r) texts.push_back(all.substr(offsets[r], lengths[r]));
  return texts;
#else
  return {text};
#endif
}

}  // namespace vigil::cli
