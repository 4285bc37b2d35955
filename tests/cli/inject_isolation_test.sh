#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# No injection ends a `vigil inject` campaign:
# - a model whose Loop trip count is a node output: flips of the count's high bits make the
#   inference run for days; each such injection becomes a DUE "time-out" after --timeout,
#   and the campaign goes on to the end (flips of the low bits finish and are classified);
# - the worker process killed by SIGSEGV midway: with one worker, the injection it was
#   running becomes a DUE "crash (Segmentation fault)" and every other record equals the
#   uninterrupted run's; with two, the interrupted injections run again alone and finish.
#   The campaign always completes, and each crash record replaces exactly one row.
#   inject_isolation_test.sh VIGIL_BINARY
set -u
vigil="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
data=/usr/share/datasets/fashion-mnist
source "$(dirname "$0")/cli_test_lib.sh"
if [[ ! -d $data ]]; then
  echo "inject_isolation: skipped, no $data (dataset-fashion-mnist)"
  exit 77
fi
loop="$root/tests/cli/models/loop_trip_count.onnx"  # tests/cli/models/make_models.py

# The graph passes would fold the count: --no-optimize keeps its node.
# Flips of bits 40 to 62 of the trip count: 2^40 iterations or more, each a time-out.
ok "$vigil" inject "$loop" --no-optimize --node trip_count --bits 40:62 --injections 3 --timeout 0.5 --threads 2 \
  --json "$scratch/hang.json" --journal "$scratch/hang.jsonl"
[[ $(grep -c '"due":"time-out"' "$scratch/hang.jsonl") -eq 3 ]] && pass || fail "3 hangs, not 3 time-outs in the journal"
python3 -c "import json, sys; r = json.load(open(sys.argv[1])); assert r['outcomes']['due']['count'] == 3" \
  "$scratch/hang.json" && pass || fail "the report does not count 3 DUEs"
# Bits 0 to 3: 5 to 13 iterations, classified as usual and never a time-out.
ok "$vigil" inject "$loop" --no-optimize --node trip_count --bits 0:3 --injections 8 --threads 2 --journal "$scratch/low.jsonl"
grep -q '"due"' "$scratch/low.jsonl" && fail "a flip of a low bit of the trip count was a DUE" || pass

# crashed_run THREADS JOURNAL: the campaign with its worker process killed by SIGSEGV once 300
# records are in; sets `crashes` (crash records) and `differing` (rows unlike the reference).
model="$root/models/fashion_mnist_cnn.onnx"
crashed_run() {
  local threads="$1" journal="$2"
  local campaign=("$vigil" inject "$model" --dataset "$data" --images 10 --injections 6000 --seed 5 --no-reuse
    --threads "$threads")
  [[ -f "$scratch/reference$threads.csv" ]] || ok "${campaign[@]}" --csv "$scratch/reference$threads.csv"
  rm -f "$journal"
  "${campaign[@]}" --journal "$journal" --csv "$scratch/crashed.csv" >"$scratch/stdout" 2>"$scratch/stderr" &
  local pid=$!
  for _ in $(seq 1 600); do
    [[ -f $journal && $(wc -l <"$journal") -gt 300 ]] && break
    sleep 0.02
  done
  local worker
  worker=$(pgrep -P "$pid" | head -1)
  [[ -n $worker ]] && kill -SEGV "$worker"
  wait "$pid" && pass || fail "threads $threads: the campaign ended with exit $? after its worker crashed"
  local lines
  lines=$(wc -l <"$journal")
  [[ $lines -eq 6001 ]] && pass || fail "threads $threads: the journal holds $lines lines, not 6001"
  crashes=$(grep -c '"due":"crash (Segmentation fault)"' "$journal")
  differing=$(diff "$scratch/reference$threads.csv" "$scratch/crashed.csv" | grep -c '^>')
  # Each crash record stands in for one injection's row; nothing else changes.
  [[ $crashes -eq $differing ]] && pass ||
    fail "threads $threads: $crashes crash records but $differing rows differing from the uninterrupted run"
}

# One worker: the injection it was running becomes the crash record. The signal may land
# between two injections (no record then, none needed): up to 5 tries to land inside one.
for _ in 1 2 3 4 5; do
  crashed_run 1 "$scratch/crash1.jsonl"
  [[ $crashes -eq 1 ]] && break
done
[[ $crashes -eq 1 ]] && pass || fail "one worker: no try recorded its crashed injection"
# Two workers: two injections were running, each runs again alone and finishes (or, when
# one worker was between injections, the other's is the crash record).
crashed_run 2 "$scratch/crash2.jsonl"
[[ $crashes -le 1 ]] && pass || fail "two workers: $crashes crash records, for injections that run again alone"

finish inject_isolation
