#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `vigil bench`: the figures and the JSON report on a small model, the forced kernel path,
# and one line with exit code 2 and no JSON file for bad flags, a missing node or a missing
# onnxruntime-node. The ONNX Runtime peer itself is run when bench/node_modules has it
# (after `scripts/setup.sh --models`). Timings are never checked, only their order.
#   bench_command_test.sh VIGIL_BINARY
set -u
vigil="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
model="$root/models/fashion_mnist_cnn.onnx"
source "$(dirname "$0")/cli_test_lib.sh"

# ok JSON_FILE COMMAND...: exit 0 and a report whose latencies are ordered min <= median <= p90.
ok() {
  local json="$1"
  shift
  "$@" >"$scratch/stdout" 2>"$scratch/stderr"
  local code=$?
  if [[ $code -ne 0 ]]; then
    fail "$* -> exit $code"
    return 1
  fi
  if ! awk '/"(min|median|p90)_ms"/ && !done[$1]++ { gsub(/[",]/, ""); v[$1] = $2 }
            END { exit !(v["min_ms:"] > 0 && v["min_ms:"] <= v["median_ms:"] && v["median_ms:"] <= v["p90_ms:"]) }' \
       "$json"; then
    fail "$* -> min/median/p90 missing or out of order in $json"
    return 1
  fi
  pass
}

# bad NAME_IN_MESSAGE COMMAND...: exit 2, one stderr line naming the culprit, no JSON file
# (at $BAD_JSON when set).
bad() {
  local needle="$1"
  shift
  local json="${BAD_JSON:-$scratch/bad.json}"
  rm -f "$json"
  "$@" --json "$json" >"$scratch/stdout" 2>"$scratch/stderr"
  local code=$?
  local lines
  lines=$(wc -l <"$scratch/stderr")
  if [[ $code -eq 2 && $lines -eq 1 && ! -e "$json" ]] && grep -q "^vigil: error: .*$needle" "$scratch/stderr"; then
    pass
  else
    fail "$* -> exit $code, $lines stderr lines; wanted exit 2 and one line naming '$needle', no JSON"
  fi
}

if ok "$scratch/one.json" "$vigil" bench "$model" --warmup 1 --runs 5 --json "$scratch/one.json"; then
  grep -q '"runs": 5' "$scratch/one.json" && grep -q "median" "$scratch/stdout" || fail "runs or stdout"
fi
if ok "$scratch/scalar.json" "$vigil" bench "$model" --threads 2 --isa scalar --warmup 0 --runs 3 \
     --json "$scratch/scalar.json"; then
  grep -q '"isa": "scalar"' "$scratch/scalar.json" || fail "--isa scalar not reported"
fi

bad "runs" "$vigil" bench "$model" --runs 0
bad "threads" "$vigil" bench "$model" --threads 0
bad "--isa: mmx" "$vigil" bench "$model" --isa mmx
bad "--peer 'tf'" "$vigil" bench "$model" --peer tf
bad "no_such.onnx" "$vigil" bench "$scratch/no_such.onnx"
bad "--input" "$vigil" bench "$model" --input nope=x.npy
BAD_JSON="$scratch/no/such/folder/out.json" bad "no folder" "$vigil" bench "$model" --runs 1
bad "node" env PATH=/nonexistent "$vigil" bench "$model" --peer ort
mkdir -p "$scratch/bench_without_modules" && cp "$root/bench/ort_run.js" "$scratch/bench_without_modules/"
bad "onnxruntime-node is missing" env VIGIL_BENCH_DIR="$scratch/bench_without_modules" "$vigil" bench "$model" --peer ort

# Stand-in peers: one that fails to load, one that dies on its first request.
if command -v node >/dev/null; then
  for peer in fails_to_load dies_on_request; do
    mkdir -p "$scratch/$peer/node_modules/onnxruntime-node"
    echo '{"version": "0.0.0"}' >"$scratch/$peer/node_modules/onnxruntime-node/package.json"
  done
  echo 'process.stderr.write("ort_run: cannot load the model\n"); process.exit(2);' >"$scratch/fails_to_load/ort_run.js"
  echo 'console.log("ready"); process.stdin.once("data", () => { process.stderr.write("ort_run: crashed\n"); process.exit(3); });' \
    >"$scratch/dies_on_request/ort_run.js"
  mkdir -p "$scratch/tmp" # where the inputs for the peer go: it must be empty afterwards
  bad "did not load the model: ort_run: cannot load the model" env TMPDIR="$scratch/tmp" \
    VIGIL_BENCH_DIR="$scratch/fails_to_load" "$vigil" bench "$model" --peer ort --runs 2
  bad "gave no timings: ort_run: crashed" env TMPDIR="$scratch/tmp" \
    VIGIL_BENCH_DIR="$scratch/dies_on_request" "$vigil" bench "$model" --peer ort --runs 2
  leftovers=$(find "$scratch/tmp" -mindepth 1 | wc -l)
  [[ $leftovers -eq 0 ]] && pass || fail "temporary files left behind: $leftovers"
fi

if command -v node >/dev/null && [[ -d "$root/bench/node_modules/onnxruntime-node" ]]; then
  if ok "$scratch/peer.json" env VIGIL_BENCH_DIR="$root/bench" "$vigil" bench "$model" --peer ort --warmup 1 --runs 4 \
       --json "$scratch/peer.json"; then
    grep -q '"ratio_vs_peer"' "$scratch/peer.json" && grep -q '"peer"' "$scratch/peer.json" || fail "no peer figures"
  fi
else
  echo "skipped the ONNX Runtime peer run: no node or no bench/node_modules/onnxruntime-node"
fi

finish bench_command
