#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# No injection ends a `vigil inject` campaign:
# - a model whose Loop trip count is a node output: flips of the count's high bits make the
#   inference run for days; each such injection becomes a DUE "time-out" after --timeout,
#   and the campaign goes on to the end (flips of the low bits finish and are classified);
# - the worker process killed by SIGSEGV midway: with one worker, the injection it was
#   running becomes a DUE "crash (Segmentation fault)" and every other record equals the
#   uninterrupted run's; with two, both interrupted injections run again alone, finish,
#   and the records equal the uninterrupted run's exactly.
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

# crash THREADS: the campaign with its worker process killed by SIGSEGV once 300 records are in.
model="$root/models/fashion_mnist_cnn.onnx"
crash() {
  local threads="$1" journal="$scratch/crash$1.jsonl"
  local campaign=("$vigil" inject "$model" --dataset "$data" --images 10 --injections 6000 --seed 5 --no-reuse
    --threads "$threads")
  ok "${campaign[@]}" --csv "$scratch/reference$threads.csv"
  "${campaign[@]}" --journal "$journal" --csv "$scratch/crashed$threads.csv" >"$scratch/stdout" 2>"$scratch/stderr" &
  local pid=$! worker=""
  for _ in $(seq 1 600); do
    [[ -f $journal && $(wc -l <"$journal") -gt 300 ]] && break
    sleep 0.02
  done
  worker=$(pgrep -P "$pid" | head -1)
  [[ -n $worker ]] && kill -SEGV "$worker"
  wait "$pid" && pass || fail "threads $threads: the campaign ended with exit $? after its worker crashed"
  local lines
  lines=$(wc -l <"$journal")
  [[ $lines -eq 6001 ]] && pass || fail "threads $threads: the journal holds $lines lines, not 6001"
  local crashes
  crashes=$(grep -c '"due":"crash (Segmentation fault)"' "$journal")
  local differing
  differing=$(diff "$scratch/reference$threads.csv" "$scratch/crashed$threads.csv" | grep -c '^>')
  if [[ $threads -eq 1 ]]; then
    [[ $crashes -eq 1 && $differing -eq 1 ]] && pass ||
      fail "one worker: $crashes crash records, $differing rows differing from the uninterrupted run (want 1 and 1)"
  else
    [[ $crashes -eq 0 && $differing -eq 0 ]] && pass ||
      fail "two workers: $crashes crash records, $differing rows differing (want 0 and 0: both run again alone)"
  fi
}
crash 1
crash 2

finish inject_isolation
