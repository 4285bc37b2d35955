#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `vigil inject` on the Fashion-MNIST model: a campaign killed by SIGKILL and one stopped by
# SIGINT each resume from their journals to exactly the records of an uninterrupted run
# (the per-injection CSV compared byte for byte); the JSON report adds up; a journal of
# another campaign is refused with one line and exit 2, and left untouched.
#   inject_command_test.sh VIGIL_BINARY
set -u
vigil="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
model="$root/models/fashion_mnist_cnn.onnx"
data=/usr/share/datasets/fashion-mnist
source "$(dirname "$0")/cli_test_lib.sh"
if [[ ! -d $data ]]; then
  echo "inject_command: skipped, no $data (dataset-fashion-mnist)"
  exit 77
fi

campaign=("$vigil" inject "$model" --dataset "$data" --images 20 --injections 20000 --seed 11 --no-reuse
  --threads 2)

ok "${campaign[@]}" --csv "$scratch/reference.csv" --json "$scratch/reference.json"
python3 - "$scratch/reference.json" <<'PY' && pass || fail "the JSON report does not add up"
import json, sys
report = json.load(open(sys.argv[1]))
outcomes = report["outcomes"]
names = ["masked", "sdc_tolerable", "sdc_critical", "due", "detected", "corrected"]
assert report["injections"] == 20000 == sum(outcomes[n]["count"] for n in names)
assert sum(row["injections"] for row in report["by_layer"]) == 20000
assert sum(row["injections"] for row in report["by_bit"]) == 20000
assert all(outcomes[n]["low"] <= outcomes[n]["rate"] <= outcomes[n]["high"] for n in names)
PY

# interrupt SIGNAL: starts the campaign with a journal, sends SIGNAL once 200 records are
# in, then runs it again to the end and compares its records with the reference.
interrupt() {
  local signal="$1" journal="$scratch/journal.$1"
  rm -f "$journal"
  # With job control on, a background job keeps SIGINT (a script's jobs otherwise ignore it).
  set -m
  "${campaign[@]}" --journal "$journal" >/dev/null 2>&1 &
  local pid=$!
  set +m
  for _ in $(seq 1 600); do
    [[ -f $journal && $(wc -l <"$journal") -gt 200 ]] && break
    sleep 0.05
  done
  kill "-$signal" "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  local lines
  lines=$(wc -l <"$journal")
  if [[ $lines -le 200 || $lines -gt 20000 ]]; then
    fail "SIG$signal: the journal holds $lines lines; the campaign was not interrupted midway"
    return
  fi
  ok "${campaign[@]}" --journal "$journal" --csv "$scratch/resumed.csv"
  grep -q "resumed from the journal" "$scratch/stdout" && ! grep -q "^20000 injections (0 resumed" "$scratch/stdout" ||
    fail "SIG$signal: the second run did not resume"
  if cmp -s "$scratch/reference.csv" "$scratch/resumed.csv"; then pass; else fail "SIG$signal: resumed records differ"; fi
  [[ $(wc -l <"$journal") -eq 20001 ]] && pass || fail "SIG$signal: journal has $(wc -l <"$journal") lines, not 20001"
}
interrupt KILL
interrupt INT

# Another campaign (another seed) with the same journal: refused, the journal untouched.
before=$(md5sum <"$scratch/journal.KILL")
bad "belongs to another campaign" "$vigil" inject "$model" --dataset "$data" --images 20 --injections 100 --seed 12 \
  --journal "$scratch/journal.KILL" --json "$scratch/out.json"
[[ $(md5sum <"$scratch/journal.KILL") == "$before" ]] && pass || fail "the refused journal was changed"

finish inject_command
