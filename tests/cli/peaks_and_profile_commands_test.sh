#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `vigil peaks` and `vigil profile`: the first measures and caches the roofline, the second
# reads the cache and gives the same figures; the profile of the Fashion-MNIST model has
# its layers in the JSON report and one mark per layer in the HTML report; bad flags give
# one line with exit code 2 and no output file. Figures are checked for sanity, never speed.
#   peaks_and_profile_commands_test.sh VIGIL_BINARY
set -u
vigil="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
model="$root/models/fashion_mnist_cnn.onnx"
source "$(dirname "$0")/cli_test_lib.sh"
export XDG_CACHE_HOME="$scratch/cache"

# json_value FILE EXPRESSION: a value of the JSON file, e.g. json_value x.json '["cores"]'.
json_value() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))$2)" "$1"; }

# ok COMMAND...: exit 0.
ok() {
  "$@" >"$scratch/stdout" 2>"$scratch/stderr"
  local code=$?
  if [[ $code -ne 0 ]]; then
    fail "$* -> exit $code"
    return 1
  fi
  pass
}

# bad NAME_IN_MESSAGE OUTPUT_FILE COMMAND...: exit 2, one stderr line naming the culprit,
# no OUTPUT_FILE.
bad() {
  local needle="$1" output="$2"
  shift 2
  "$@" >"$scratch/stdout" 2>"$scratch/stderr"
  local code=$?
  local lines
  lines=$(wc -l <"$scratch/stderr")
  if [[ $code -eq 2 && $lines -eq 1 && ! -e "$output" ]] && grep -q "^vigil: error: .*$needle" "$scratch/stderr"; then
    pass
  else
    fail "$* -> exit $code, $lines stderr lines; wanted exit 2 and one line naming '$needle', no $output"
  fi
}

# Measured, then cached: the same figures, all of them positive where the CPU has the path.
if ok "$vigil" peaks --json "$scratch/measured.json"; then
  grep -q "measured now, cached in $XDG_CACHE_HOME/vigil/machine_peaks.json" "$scratch/stdout" || fail "no cache line"
  [[ -f "$XDG_CACHE_HOME/vigil/machine_peaks.json" ]] || fail "no cache file"
  for figure in fp32_avx2_gflops int8_gops read_gbs triad_gbs; do
    for where in one_core all_cores; do
      python3 -c "import sys; sys.exit(not float(sys.argv[1]) > 0)" \
        "$(json_value "$scratch/measured.json" "[\"$figure\"][\"$where\"]")" || fail "$figure $where not positive"
    done
  done
  [[ "$(json_value "$scratch/measured.json" '["from_cache"]')" == "False" ]] || fail "first run from the cache"
fi
if ok "$vigil" peaks --json "$scratch/cached.json"; then
  grep -q "from the cache" "$scratch/stdout" || fail "second run not from the cache"
  [[ "$(json_value "$scratch/cached.json" '["fp32_avx2_gflops"]')" == "$(json_value "$scratch/measured.json" '["fp32_avx2_gflops"]')" ]] ||
    fail "the cache changed the figures"
fi

# The profile reads the cached roofline; the JSON and HTML reports agree on the layers.
if ok "$vigil" profile "$model" --runs 3 --json "$scratch/profile.json" --html "$scratch/profile.html"; then
  grep -q "the roofline was cached" "$scratch/stdout" || fail "profile did not use the cached roofline"
  grep -q "utilization" "$scratch/stdout" || fail "no model metrics"
  layers=$(json_value "$scratch/profile.json" '["layers"].__len__()')
  marks=$(grep -o 'class="layer-mark"' "$scratch/profile.html" | wc -l)
  [[ $layers -gt 0 && $layers -eq $marks ]] || fail "$layers layers in the JSON, $marks marks in the HTML"
  [[ "$(json_value "$scratch/profile.json" '["macs"]')" == 11466496 ]] || fail "MACs of the model"
fi

bad "threads" "$scratch/bad.json" "$vigil" peaks --threads 0 --json "$scratch/bad.json"
bad "no folder" "$scratch/no/such/peaks.json" "$vigil" peaks --json "$scratch/no/such/peaks.json"
bad "runs" "$scratch/bad.json" "$vigil" profile "$model" --runs 0 --json "$scratch/bad.json"
bad "threads" "$scratch/bad.json" "$vigil" profile "$model" --threads 0 --json "$scratch/bad.json"
bad "no_such.onnx" "$scratch/bad.json" "$vigil" profile "$scratch/no_such.onnx" --json "$scratch/bad.json"
bad "--input" "$scratch/bad.json" "$vigil" profile "$model" --input nope=x.npy --json "$scratch/bad.json"
bad "--html .*no folder" "$scratch/bad.json" "$vigil" profile "$model" --json "$scratch/bad.json" \
  --html "$scratch/no/such/report.html"

finish peaks_and_profile_commands
