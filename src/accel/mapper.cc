// SPDX-License-Identifier: Apache-2.0
// Random search over factorizations and loop orders (mapper.h). Threads take chunks of
// candidate numbers from a shared counter and keep their own best; the bests are merged
// by (cost, number), which makes the answer independent of who evaluated what.
#include "accel/mapper.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <limits>

#include "core/error.h"
#include "core/thread_pool.h"

namespace vigil::accel {

namespace {

// splitmix64: a small, fast generator whose stream is fixed by its start value.
struct Random {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // In [0, n) by a multiply instead of a division (Lemire), a third of a candidate's time.
  int below(int n) {
    return static_cast<int>((static_cast<unsigned __int128>(next()) * static_cast<uint64_t>(n)) >> 64);
  }
};

constexpr int kMaxPrimes = 64;

struct Factors {
  std::array<int64_t, kMaxPrimes> primes{};
  int count = 0;
};

Factors prime_factors(int64_t n) {
  Factors factors;
  for (int64_t p = 2; p * p <= n; ++p) {
    while (n % p == 0 && factors.count < kMaxPrimes) {
      factors.primes[factors.count++] = p;
      n /= p;
    }
  }
  if (n > 1 && factors.count < kMaxPrimes) factors.primes[factors.count++] = n;
  return factors;
}

constexpr int64_t kChunk = 1024;

}  // namespace

const char* objective_name(Objective objective) {
  switch (objective) {
    case Objective::Energy: return "energy";
    case Objective::Latency: return "latency";
    case Objective::Edp: return "edp";
  }
  return "?";
}

Objective parse_objective(const std::string& name) {
  for (Objective objective : {Objective::Energy, Objective::Latency, Objective::Edp}) {
    if (name == objective_name(objective)) return objective;
  }
  fail_bad_input("--objective: unknown objective '", name, "' (energy, latency or edp)");
}

double objective_cost(Objective objective, const EvalResult& result) {
  switch (objective) {
    case Objective::Energy: return result.energy_pj;
    case Objective::Latency: return result.total_cycles;
    case Objective::Edp: return result.energy_pj * result.total_cycles;
  }
  return 0;
}

namespace {

// The prime factors of every dimension, found once per search rather than per candidate.
using LayerPrimes = std::array<Factors, kDimCount>;

LayerPrimes layer_primes(const Layer& layer) {
  LayerPrimes primes;
  for (Dim dim : kAllDims) primes[static_cast<int>(dim)] = prime_factors(layer.size(dim));
  return primes;
}

using SlotFactors = std::array<DimArray, 8 + 2>;  // [memory level, DRAM, array rows, array columns][dim]

// Whether a level's tiles, of the given extent, fit its capacity.
bool level_fits(const Layer& layer, const MemoryLevel& spec, const DimArray& extent) {
  double bytes = 0;
  for (DataSpace space : kAllDataSpaces) {
    const int s = static_cast<int>(space);
    if (!spec.holds[s]) continue;
    const double operand = static_cast<double>(tile_elements(layer, space, extent)) * spec.word_bits / 8;
    if (spec.partition_bytes[s] > 0 && operand > static_cast<double>(spec.partition_bytes[s])) return false;
    bytes += operand;
  }
  return bytes <= static_cast<double>(spec.size_bytes);
}

void fill_candidate(const ArchSpec& arch, const Layer& layer, const LayerPrimes& layer_primes, uint64_t seed,
                    int64_t index, Mapping& mapping) {
  Random random{seed * 0x2545f4914f6cdd1dull + static_cast<uint64_t>(index)};
  random.next();
  const int levels = static_cast<int>(arch.levels.size()) + 1;  // DRAM last
  const int rows_slot = levels, cols_slot = levels + 1;
  SlotFactors factor;
  for (int slot = 0; slot < levels + 2; ++slot) factor[slot].fill(1);
  int64_t rows = 1, cols = 1;
  for (Dim dim : kAllDims) {
    const int d = static_cast<int>(dim);
    const Factors& primes = layer_primes[d];
    for (int i = 0; i < primes.count; ++i) {
      const int64_t p = primes.primes[i];
      int slot = random.below(levels + 2);
      // A factor the array cannot take goes to a memory level instead.
      if (slot == rows_slot && rows * p > arch.pe_rows) slot = random.below(levels);
      if (slot == cols_slot && cols * p > arch.pe_cols) slot = random.below(levels);
      if (slot == rows_slot) rows *= p;
      if (slot == cols_slot) cols *= p;
      factor[slot][d] *= p;
    }
  }
  // A level that overflows passes a factor up to the next one, so that most candidates
  // fit; only the array's own factors can still overflow a shared level.
  DimArray below;  // iterations of each dimension under the level being checked
  below.fill(1);
  for (int level = 0; level + 1 < levels; ++level) {
    if (level == arch.array_level()) {
      for (int d = 0; d < kDimCount; ++d) below[d] *= factor[rows_slot][d] * factor[cols_slot][d];
    }
    for (;;) {
      DimArray extent;
      for (int d = 0; d < kDimCount; ++d) extent[d] = below[d] * factor[level][d];
      if (level_fits(layer, arch.levels[level], extent)) break;
      std::array<int, kDimCount> movable;
      int count = 0;
      for (int d = 0; d < kDimCount; ++d) {
        if (factor[level][d] > 1) movable[count++] = d;
      }
      if (count == 0) break;
      const int d = movable[random.below(count)];
      factor[level + 1][d] *= factor[level][d];
      factor[level][d] = 1;
    }
    for (int d = 0; d < kDimCount; ++d) below[d] *= factor[level][d];
  }
  mapping.temporal.resize(levels);
  for (int level = 0; level < levels; ++level) {
    std::vector<Loop>& loops = mapping.temporal[level];
    loops.clear();
    for (Dim dim : kAllDims) {
      if (factor[level][static_cast<int>(dim)] > 1) loops.push_back({dim, factor[level][static_cast<int>(dim)]});
    }
    for (int i = static_cast<int>(loops.size()) - 1; i > 0; --i) std::swap(loops[i], loops[random.below(i + 1)]);
  }
  for (auto [slot, loops] :
       {std::pair{rows_slot, &mapping.spatial_rows}, std::pair{cols_slot, &mapping.spatial_cols}}) {
    loops->clear();
    for (Dim dim : kAllDims) {
      if (factor[slot][static_cast<int>(dim)] > 1) loops->push_back({dim, factor[slot][static_cast<int>(dim)]});
    }
  }
  mapping.dataflow = "searched";
}

}  // namespace

void candidate_mapping(const ArchSpec& arch, const Layer& layer, uint64_t seed, int64_t index, Mapping& mapping) {
  fill_candidate(arch, layer, layer_primes(layer), seed, index, mapping);
}

MapperResult search_mapping(const ArchSpec& arch, const Layer& layer, const MapperOptions& options) {
  check_input(options.max_evaluations >= 1, "the mapper needs at least one evaluation");
  check_input(arch.levels.size() + 1 <= 8, arch.path, ": memory: the mapper handles at most 7 levels");
  const auto start = std::chrono::steady_clock::now();
  const int64_t chunks = (options.max_evaluations + kChunk - 1) / kChunk;
  std::atomic<bool> out_of_time{false};
  const int threads = std::max(1, options.threads);
  std::vector<MapperResult> bests(threads);
  const LayerPrimes primes = layer_primes(layer);

  std::vector<Mapping> candidates(threads);  // per thread, reused: no allocation once warm
  std::vector<EvalResult> results(threads);
  parallel_for(chunks, threads, [&](int64_t chunk) {
    if (out_of_time.load(std::memory_order_relaxed)) return;
    const int worker = parallel_worker();
    MapperResult& best = bests[worker];
    Mapping& candidate = candidates[worker];
    EvalResult& result = results[worker];
    const int64_t end = std::min(options.max_evaluations, (chunk + 1) * kChunk);
    for (int64_t index = chunk * kChunk; index < end; ++index) {
      fill_candidate(arch, layer, primes, options.seed, index, candidate);
      evaluate_into(arch, layer, candidate, result);
      ++best.evaluations;
      if (!result.ok) continue;
      ++best.valid;
      const double cost = objective_cost(options.objective, result);
      if (!best.found || cost < best.cost || (cost == best.cost && index < best.index)) {
        best.found = true;
        best.cost = cost;
        best.index = index;
        best.mapping = candidate;
        best.result = result;
      }
    }
    if (options.max_seconds > 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > options.max_seconds) {
      out_of_time = true;
    }
  });

  MapperResult merged;
  for (MapperResult& best : bests) {
    merged.evaluations += best.evaluations;
    merged.valid += best.valid;
    if (best.found &&
        (!merged.found || best.cost < merged.cost || (best.cost == merged.cost && best.index < merged.index))) {
      const int64_t evaluations = merged.evaluations, valid = merged.valid;
      merged = std::move(best);
      merged.evaluations = evaluations;
      merged.valid = valid;
    }
  }
  return merged;
}

}  // namespace vigil::accel
