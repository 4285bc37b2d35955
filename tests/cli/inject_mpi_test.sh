#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `mpirun -n 2 vigil inject`: two ranks share a campaign on the Fashion-MNIST model and
# rank 0 reports it; its records (the per-injection CSV) equal those of the same campaign
# run alone, byte for byte, with and without a journal per rank, and for weight faults.
#   inject_mpi_test.sh VIGIL_BINARY
set -u
vigil="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
model="$root/models/fashion_mnist_cnn.onnx"
data=/usr/share/datasets/fashion-mnist
source "$(dirname "$0")/cli_test_lib.sh"
if [[ ! -d $data ]] || ! command -v mpirun >/dev/null; then
  echo "inject_mpi: skipped, no $data or no mpirun (openmpi-bin)"
  exit 77
fi
# Open MPI refuses root unless told; two ranks on a 2-core machine need no more slots.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

for site in outputs weights; do
  campaign=(inject "$model" --dataset "$data" --images 30 --injections 3000 --seed 21 --site "$site")
  ok "$vigil" "${campaign[@]}" --csv "$scratch/alone.csv"
  ok mpirun -n 2 "$vigil" "${campaign[@]}" --csv "$scratch/ranks.csv" --json "$scratch/ranks.json" \
    --journal "$scratch/journal"
  if cmp -s "$scratch/alone.csv" "$scratch/ranks.csv"; then pass; else fail "$site: 2 ranks gave other records"; fi
  grep -q '"processes": 2' "$scratch/ranks.json" && pass || fail "$site: the report does not say 2 processes"
  [[ -s $scratch/journal.rank0of2 && -s $scratch/journal.rank1of2 ]] && pass || fail "$site: no journal per rank"
  lines=$(($(wc -l <"$scratch/journal.rank0of2") + $(wc -l <"$scratch/journal.rank1of2")))
  [[ $lines -eq 3002 ]] && pass || fail "$site: the rank journals hold $lines lines, not 3000 records and 2 headers"
  # Run again: every injection comes from the journals.
  ok mpirun -n 2 "$vigil" "${campaign[@]}" --csv "$scratch/resumed.csv" --journal "$scratch/journal"
  grep -q "(3000 resumed from the journal)" "$scratch/stdout" && pass || fail "$site: the rerun did not resume"
  cmp -s "$scratch/alone.csv" "$scratch/resumed.csv" && pass || fail "$site: resumed records differ"
  rm -f "$scratch"/journal.*
done

finish inject_mpi
