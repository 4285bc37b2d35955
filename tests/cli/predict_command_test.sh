#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `vigil predict`: the Eyeriss AlexNet table, its JSON keys and HTML report, an ONNX model through
# every template, the mapper's search giving the same result on 1 and 2 threads, and one
# line with exit code 2 and no JSON file for a bad spec field, an unknown dataflow or
# objective, a bad layer list, a mapping file naming an unknown dimension, a mapping
# that cannot fit or a missing file; a mapping file with Table III's CONV1 loops, and the
# same as MAESTRO-style directives; the systolic template on the TPU-like spec.
#   predict_command_test.sh VIGIL_BINARY
set -u
vigil="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
specs="$root/src/accel/specs"
source "$(dirname "$0")/cli_test_lib.sh"

ok "$vigil" predict "$specs/alexnet_eyeriss.yaml" --arch "$specs/eyeriss.yaml" --json "$scratch/alexnet.json"
for key in processing_latency_ms total_latency_ms energy_mj power_mw active_pes dram_bytes; do
  # Five layers and the total each carry the key.
  if [[ $(grep -c "\"$key\"" "$scratch/alexnet.json") -eq 6 ]]; then pass; else fail "alexnet.json: $key not 6 times"; fi
done
if grep -q "CONV2 .* 135 " "$scratch/stdout"; then pass; else fail "CONV2 does not show 135 active PEs"; fi
ok "$vigil" predict "$specs/alexnet_eyeriss.yaml" --arch "$specs/eyeriss.yaml" --html "$scratch/alexnet.html"
if [[ $(grep -c '<g class="layer">' "$scratch/alexnet.html") -eq 5 ]]; then pass; else fail "alexnet.html: not 5 layer bars"; fi
for part in MACs ifmap_spad psum_spad weights_spad glb dram network static; do
  if grep -q "<td>$part</td>" "$scratch/alexnet.html"; then pass; else fail "alexnet.html: no energy row for $part"; fi
done
ok "$vigil" predict "$root/models/fashion_mnist_cnn.onnx" --arch "$specs/eyeriss.yaml" --batch 4
for dataflow in weight_stationary output_stationary input_stationary; do
  ok "$vigil" predict "$root/models/fashion_mnist_cnn.onnx" --arch "$specs/eyeriss.yaml" --dataflow "$dataflow"
done
ok "$vigil" predict "$root/models/fashion_mnist_cnn.onnx" --arch "$specs/systolic.yaml" --dataflow systolic \
  --json "$scratch/systolic.json"
if grep -q '"dataflow": "systolic"' "$scratch/systolic.json"; then pass; else fail "systolic.json: not the systolic dataflow"; fi
# The mapper gives the same mappings on 1 and 2 threads.
ok "$vigil" predict "$specs/alexnet_eyeriss.yaml" --arch "$specs/eyeriss.yaml" --dataflow search --evaluations 20000 \
  --threads 1 --json "$scratch/search1.json"
ok "$vigil" predict "$specs/alexnet_eyeriss.yaml" --arch "$specs/eyeriss.yaml" --dataflow search --evaluations 20000 \
  --threads 2 --json "$scratch/search2.json"
if cmp -s "$scratch/search1.json" "$scratch/search2.json"; then pass; else fail "search differs between 1 and 2 threads"; fi

sed 's/clock_mhz: 200/clock_mhz: fast/' "$specs/eyeriss.yaml" >"$scratch/bad_clock.yaml"
bad "bad_clock.yaml: clock_mhz: must be a number, got 'fast'" \
  "$vigil" predict "$specs/alexnet_eyeriss.yaml" --arch "$scratch/bad_clock.yaml" --json "$scratch/out.json"
sed 's/holds: \[inputs, outputs\]/holds: [inputs, psums]/' "$specs/eyeriss.yaml" >"$scratch/bad_holds.yaml"
bad "bad_holds.yaml: memory[3].holds: unknown operand 'psums'" \
  "$vigil" predict "$specs/alexnet_eyeriss.yaml" --arch "$scratch/bad_holds.yaml" --json "$scratch/out.json"
bad "--objective: unknown objective 'speed'" \
  "$vigil" predict "$specs/alexnet_eyeriss.yaml" --arch "$specs/eyeriss.yaml" --dataflow search --objective speed --json "$scratch/out.json"
bad "--dataflow: unknown dataflow 'diagonal'" \
  "$vigil" predict "$specs/alexnet_eyeriss.yaml" --arch "$specs/eyeriss.yaml" --dataflow diagonal --json "$scratch/out.json"
printf 'layers:\n  - {K: 4, C: 4, P: 1, Q: 1, W: 2}\n' >"$scratch/bad_layers.yaml"
bad "bad_layers.yaml: layers[0].W: unknown field" \
  "$vigil" predict "$scratch/bad_layers.yaml" --arch "$specs/eyeriss.yaml" --json "$scratch/out.json"
# A 14-row filter cannot be laid over 12 PE rows.
printf 'layers:\n  - {name: tall, K: 4, C: 4, R: 14, S: 3, P: 8, Q: 8}\n' >"$scratch/tall.yaml"
bad "layer 'tall': the row_stationary mapping does not fit" \
  "$vigil" predict "$scratch/tall.yaml" --arch "$specs/eyeriss.yaml" --json "$scratch/out.json"
bad "--html $scratch/no/such/folder/r.html: no folder" \
  "$vigil" predict "$specs/alexnet_eyeriss.yaml" --arch "$specs/eyeriss.yaml" --html "$scratch/no/such/folder/r.html"
printf 'mappings:\n  CONV1: {dram: [N4, P8, C3], glb: [K3], weights_spad: [Q55], psum_spad: [K16], ifmap_spad: [S11], rows: [R11], cols: [P7, K2]}\n' \
  >"$scratch/conv1_map.yaml"
printf 'layers:\n  - {name: CONV1, N: 4, K: 96, C: 3, R: 11, S: 11, P: 55, Q: 55, stride: 4}\n' >"$scratch/conv1.yaml"
ok "$vigil" predict "$scratch/conv1.yaml" --arch "$specs/eyeriss.yaml" --dataflow "$scratch/conv1_map.yaml"
if grep -q "CONV1 .* 154 " "$scratch/stdout"; then pass; else fail "the CONV1 mapping file does not give 154 PEs"; fi
sed 's/glb: \[K3\]/glb: [X3]/' "$scratch/conv1_map.yaml" >"$scratch/bad_map.yaml"
bad "bad_map.yaml: mappings.CONV1.glb[0]: unknown dimension 'X'" \
  "$vigil" predict "$scratch/conv1.yaml" --arch "$specs/eyeriss.yaml" --dataflow "$scratch/bad_map.yaml" --json "$scratch/out.json"
# A key that is not a name (a tagged null, found by the YAML fuzzer) is bad input, not a crash.
sed 's/glb: \[K3\]/!glb: [K3]/' "$scratch/conv1_map.yaml" >"$scratch/null_key_map.yaml"
bad "null_key_map.yaml: mappings.CONV1: a key must be a name" \
  "$vigil" predict "$scratch/conv1.yaml" --arch "$specs/eyeriss.yaml" --dataflow "$scratch/null_key_map.yaml" --json "$scratch/out.json"
sed 's/glb: \[K3\]/glb: [K3, P8]/; s/P8, C3/C3/' "$scratch/conv1_map.yaml" >"$scratch/full_map.yaml"
bad "full_map.yaml: mappings.CONV1: does not fit layer 'CONV1'" \
  "$vigil" predict "$scratch/conv1.yaml" --arch "$specs/eyeriss.yaml" --dataflow "$scratch/full_map.yaml" --json "$scratch/out.json"
printf 'mappings:\n  CONV1:\n%s\n' "$(printf '    - %s\n' 'TemporalMap(1,1) N' 'TemporalMap(7,7) P' \
  'TemporalMap(1,1) C' 'Level(glb)' 'TemporalMap(32,32) K' 'SpatialMap(1,1) R' 'Cluster(14)' 'SpatialMap(1,1) P' \
  'Cluster(2)' 'SpatialMap(16,16) K' 'Level(weights_spad)' 'TemporalMap(1,1) Q' 'Level(psum_spad)' \
  'TemporalMap(1,1) K' 'Level(ifmap_spad)' 'TemporalMap(1,1) S')" >"$scratch/conv1_directives.yaml"
ok "$vigil" predict "$scratch/conv1.yaml" --arch "$specs/eyeriss.yaml" --dataflow "$scratch/conv1_directives.yaml"
if grep -q "CONV1 .* 154 " "$scratch/stdout"; then pass; else fail "the CONV1 directives do not give 154 PEs"; fi
sed 's/TemporalMap(1,1) N/TemporalMap(1,1) Z/' "$scratch/conv1_directives.yaml" >"$scratch/bad_directives.yaml"
bad "bad_directives.yaml: mappings.CONV1[0]: unknown dimension 'Z'" \
  "$vigil" predict "$scratch/conv1.yaml" --arch "$specs/eyeriss.yaml" --dataflow "$scratch/bad_directives.yaml" --json "$scratch/out.json"
sed '/TemporalMap(1,1) N/d' "$scratch/conv1_directives.yaml" >"$scratch/partial_directives.yaml"
bad "partial_directives.yaml: mappings.CONV1: the directives do not map N" \
  "$vigil" predict "$scratch/conv1.yaml" --arch "$specs/eyeriss.yaml" --dataflow "$scratch/partial_directives.yaml" --json "$scratch/out.json"
bad "missing.yaml" "$vigil" predict "$scratch/missing.yaml" --arch "$specs/eyeriss.yaml" --json "$scratch/out.json"

finish predict_command_test
