#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `vigil dse`: the Eyeriss sweep on AlexNet prints every point and marks a non-empty
# Pareto front; --csv has one row per point, --json the keys and the front, --html one
# self-contained page (no script, no URL) with both charts; the search gives the same
# JSON on 1 and 2 threads; a bad sweep field, flag, dataflow, layer list or output
# folder ends with one line, exit code 2 and no output file.
#   dse_command_test.sh VIGIL_BINARY
set -u
vigil="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
specs="$root/src/accel/specs"
source "$(dirname "$0")/cli_test_lib.sh"

check() {  # check DESCRIPTION CONDITION...
  local what="$1"
  shift
  if "$@"; then pass; else fail "$what"; fi
}

ok "$vigil" dse "$specs/alexnet_eyeriss.yaml" --sweep "$specs/eyeriss_dse.yaml" \
  --csv "$scratch/dse.csv" --json "$scratch/dse.json" --html "$scratch/dse.html"
cp "$scratch/stdout" "$scratch/table.txt"
check "the summary line counts 81 points" grep -q "81 points, 54 fit" "$scratch/table.txt"
# One table row per point (after the summary and the header), front rows end in '*'.
check "the table has 81 rows" test "$(grep -cE '^ +[0-9]+ ' "$scratch/table.txt")" -eq 81
front=$(grep -cE '\*$' "$scratch/table.txt")
check "the table marks a front" test "$front" -ge 2
check "8-row points do not fit CONV1" test "$(grep -c "does not fit: .*layer 'CONV1'" "$scratch/table.txt")" -eq 27
check "the summary counts the marked front" grep -q "$front on the Pareto front" "$scratch/table.txt"

check "dse.csv has a header and 81 rows" test "$(wc -l <"$scratch/dse.csv")" -eq 82
check "dse.csv header" grep -qx \
  'point,pe_array.rows,pe_array.cols,memory.glb.size_bytes,dram.bandwidth_gb_per_s,fits,energy_mj,total_latency_ms,processing_latency_ms,area_mm2,pareto,reason' \
  <(head -1 "$scratch/dse.csv")
check "dse.csv marks the front" test "$(grep -c ',true,[^,]*$' "$scratch/dse.csv")" -eq "$front"
check "dse.csv quotes reasons" test "$(grep -c ',false,,,.*,false,"' "$scratch/dse.csv")" -eq 27

for key in workload sweep arch dataflow area_model parameters points front fits energy_mj total_latency_ms \
  processing_latency_ms area_mm2 pareto reason layers mapping; do
  check "dse.json has \"$key\"" grep -q "\"$key\"" "$scratch/dse.json"
done
check "dse.json: one energy per fitting point" test "$(grep -c '"energy_mj"' "$scratch/dse.json")" -ge 54
check "dse.json: the front lists the marked points" test \
  "$(grep -c '"pareto": true' "$scratch/dse.json")" -eq "$front"

check "dse.html has no script" bash -c "! grep -qi '<script' '$scratch/dse.html'"
check "dse.html has no URL" bash -c "! grep -qiE 'https?:' '$scratch/dse.html'"
check "dse.html has two charts" test "$(grep -c '<svg ' "$scratch/dse.html")" -eq 2
check "dse.html draws every fitting point twice" test "$(grep -c '<circle ' "$scratch/dse.html")" -eq 108
check "dse.html highlights the front in both charts" test \
  "$(grep -c '<circle class="front"' "$scratch/dse.html")" -eq $((2 * front))
check "dse.html draws the fronts" test "$(grep -c '<polyline class="front"' "$scratch/dse.html")" -eq 2
check "dse.html tables every point" test "$(grep -c "^<tr" "$scratch/dse.html")" -eq 81

# Table III's own parameters kept: the base point (39) is `vigil predict`'s total.
ok "$vigil" dse "$specs/alexnet_eyeriss.yaml" --sweep "$specs/eyeriss_dse.yaml" --keep-layer-params
check "--keep-layer-params: 24 points fit" grep -q "81 points, 24 fit" "$scratch/stdout"
base=$(grep -E '^ +39 ' "$scratch/stdout" | awk '{print $7}')
ok "$vigil" predict "$specs/alexnet_eyeriss.yaml" --arch "$specs/eyeriss.yaml"
check "point 39 ($base ms) is predict's total latency" grep -qE "^ +total .* $base " "$scratch/stdout"

# The mapper's search: the same points and front on 1 and 2 threads.
printf 'arch: %s\nparameters:\n  pe_array.cols: [8, 14]\n  dram.bandwidth_gb_per_s: [0.48, 1.92]\n' \
  "$specs/eyeriss.yaml" >"$scratch/small.yaml"
for threads in 1 2; do
  ok "$vigil" dse "$specs/alexnet_eyeriss.yaml" --sweep "$scratch/small.yaml" --dataflow search \
    --evaluations 1000 --threads "$threads" --json "$scratch/search$threads.json"
done
check "search differs between 1 and 2 threads" cmp -s "$scratch/search1.json" "$scratch/search2.json"

# A mapping file holds at every point whose array and buffer it fits (12 x 14 and up, 108 KiB and up).
printf 'mappings:\n  CONV1: {dram: [N4, P8, C3], glb: [K3], weights_spad: [Q55], psum_spad: [K16], ifmap_spad: [S11], rows: [R11], cols: [P7, K2]}\n' \
  >"$scratch/conv1_map.yaml"
printf 'layers:\n  - {name: CONV1, N: 4, K: 96, C: 3, R: 11, S: 11, P: 55, Q: 55, stride: 4}\n' >"$scratch/conv1.yaml"
ok "$vigil" dse "$scratch/conv1.yaml" --sweep "$specs/eyeriss_dse.yaml" --dataflow "$scratch/conv1_map.yaml"
check "the mapping file fits 24 points" grep -q "81 points, 24 fit" "$scratch/stdout"

outputs=(--csv "$scratch/out.csv" --json "$scratch/out.json" --html "$scratch/out.html")
sed "s|arch: eyeriss.yaml|arch: $specs/eyeriss.yaml|" "$specs/eyeriss_dse.yaml" >"$scratch/sweep.yaml"
sed 's/pe_array.rows:/pe_array.height:/' "$scratch/sweep.yaml" >"$scratch/bad_field.yaml"
bad "bad_field.yaml: parameters.pe_array.height: unknown field" \
  "$vigil" dse "$specs/alexnet_eyeriss.yaml" --sweep "$scratch/bad_field.yaml" "${outputs[@]}"
sed 's/memory.glb/memory.gbl/' "$scratch/sweep.yaml" >"$scratch/bad_level.yaml"
bad "bad_level.yaml: parameters.memory.gbl.size_bytes: no memory level 'gbl'" \
  "$vigil" dse "$specs/alexnet_eyeriss.yaml" --sweep "$scratch/bad_level.yaml" "${outputs[@]}"
sed 's/\[8, 14, 28\]/[8, 14.5, 28]/' "$scratch/sweep.yaml" >"$scratch/bad_value.yaml"
bad "bad_value.yaml: parameters.pe_array.cols[1]: must be an integer" \
  "$vigil" dse "$specs/alexnet_eyeriss.yaml" --sweep "$scratch/bad_value.yaml" "${outputs[@]}"
printf 'arch: missing_arch.yaml\nparameters: {pe_array.rows: [8]}\n' >"$scratch/no_arch.yaml"
bad "missing_arch.yaml" "$vigil" dse "$specs/alexnet_eyeriss.yaml" --sweep "$scratch/no_arch.yaml" "${outputs[@]}"
bad "--dataflow: unknown dataflow 'diagonal'" \
  "$vigil" dse "$specs/alexnet_eyeriss.yaml" --sweep "$specs/eyeriss_dse.yaml" --dataflow diagonal "${outputs[@]}"
bad "--objective: unknown objective 'speed'" \
  "$vigil" dse "$specs/alexnet_eyeriss.yaml" --sweep "$specs/eyeriss_dse.yaml" --objective speed "${outputs[@]}"
bad "--evaluations: Value 0 not in range 1 to 1000000000" \
  "$vigil" dse "$specs/alexnet_eyeriss.yaml" --sweep "$specs/eyeriss_dse.yaml" --evaluations 0 "${outputs[@]}"
printf 'layers:\n  - {K: 4, C: 4, P: 1, Q: 1, W: 2}\n' >"$scratch/bad_layers.yaml"
bad "bad_layers.yaml: layers[0].W: unknown field" \
  "$vigil" dse "$scratch/bad_layers.yaml" --sweep "$specs/eyeriss_dse.yaml" "${outputs[@]}"
bad "--html $scratch/no/such/folder/r.html: no folder" \
  "$vigil" dse "$specs/alexnet_eyeriss.yaml" --sweep "$specs/eyeriss_dse.yaml" --csv "$scratch/out.csv" \
  --json "$scratch/out.json" --html "$scratch/no/such/folder/r.html"
sed 's/glb: \[K3\]/glb: [X3]/' "$scratch/conv1_map.yaml" >"$scratch/bad_map.yaml"
bad "bad_map.yaml: mappings.CONV1.glb[0]: unknown dimension 'X'" \
  "$vigil" dse "$scratch/conv1.yaml" --sweep "$specs/eyeriss_dse.yaml" --dataflow "$scratch/bad_map.yaml" "${outputs[@]}"
bad "missing.yaml" "$vigil" dse "$scratch/missing.yaml" --sweep "$specs/eyeriss_dse.yaml" "${outputs[@]}"

finish dse_command_test
