#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Malformed models, data files and flags: for each, vigil must exit with code 2, print
# exactly one line on stderr that starts with "vigil: error:" and names the culprit,
# and leave no output file behind. Run under AddressSanitizer and UBSan in CI, where a
# crash or a memory error turns into extra stderr lines and a wrong exit code.
#   check_bad_inputs.sh VIGIL_BINARY
set -u
vigil="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cases="$(cd "$(dirname "$0")/cases" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0

# expect NAME_IN_MESSAGE COMMAND...: runs the command with --output into a fresh folder.
expect() {
  local needle="$1"
  shift
  local out="$scratch/out.$((passed + failed))"
  mkdir -p "$out"
  "$@" >"$scratch/stdout" 2>"$scratch/stderr"
  local code=$?
  local lines
  lines=$(wc -l <"$scratch/stderr")
  local produced
  produced=$(find "$out" -type f | wc -l)
  if [[ $code -eq 2 && $lines -eq 1 ]] && grep -q "^vigil: error: .*$needle" "$scratch/stderr" && [[ $produced -eq 0 ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $* -> exit $code, $lines stderr lines, $produced output files; wanted exit 2 and one line naming '$needle':"
    sed 's/^/    /' "$scratch/stderr" | head -20
  fi
}

# expect_ok WHAT COMMAND...: a hostile-looking but valid case that must succeed quietly.
expect_ok() {
  local what="$1"
  shift
  "$@" >"$scratch/stdout" 2>"$scratch/stderr"
  local code=$?
  if [[ $code -eq 0 && ! -s "$scratch/stderr" ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL ($what): $* -> exit $code, wanted exit 0 and a quiet stderr:"
    sed 's/^/    /' "$scratch/stderr" | head -20
  fi
}

for model in empty truncated random_bytes missing_tensor cycle unknown_operator opset_too_new \
             initializer_wrong_size external_data_missing; do
  # info describes a model it cannot run (an unknown operator), so it is checked on the others.
  [[ $model == unknown_operator ]] || expect "$model.onnx" "$vigil" info "$cases/$model.onnx"
  expect "$model.onnx" "$vigil" run "$cases/$model.onnx"
  expect "$model.onnx" "$vigil" run "$cases/$model.onnx" --random-inputs --output "$scratch/out.$((passed + failed))"
done
expect "FooBar" "$vigil" run "$cases/unknown_operator.onnx" --random-inputs
expect "com.example" "$vigil" run "$cases/unknown_operator.onnx" --random-inputs
expect "no such file" "$vigil" run "$cases/not_there.onnx"
expect "no such file" "$vigil" info "$cases/not_there.onnx"
expect "is a directory" "$vigil" run "$cases"
good="$cases/good_relu.onnx"
expect "input 'x'" "$vigil" run "$good" --input "x=$cases/x_wrong_shape.npy" --output "$scratch/o1"
expect "input 'x'" "$vigil" run "$good" --input "x=$cases/x_wrong_type.npy"
expect "x_corrupt.npy" "$vigil" run "$good" --input "x=$cases/x_corrupt.npy"
expect "x_missing.npy" "$vigil" run "$good" --input "x=$cases/x_missing.npy"
expect "no input named 'z'" "$vigil" run "$good" --input "z=$cases/x_good.npy"
expect "NAME=FILE" "$vigil" run "$good" --input "x"
expect "no value for input 'x'" "$vigil" run "$good"
expect "bogus" "$vigil" run "$good" --bogus
expect "threads" "$vigil" run "$good" --random-inputs --threads 0
expect "subcommand" "$vigil" frobnicate
expect "--isa" "$vigil" run "$good" --random-inputs --isa sse9
# Every numeric flag is bounded, and a seed is a whole number below 2^64.
expect "--seed" "$vigil" run "$good" --random-inputs --seed -1
expect "--seed" "$vigil" run "$good" --random-inputs --seed 18446744073709551616
expect "--seed" "$vigil" bench "$good" --seed 1.5
expect "--limit" "$vigil" eval "$good" --dataset "$cases" --limit -5
expect "--threads" "$vigil" predict "$good" --threads 100000
expect "--evaluations" "$vigil" predict "$good" --evaluations 0
expect "--seed" "$vigil" predict "$good" --seed -1
expect "--batch" "$vigil" predict "$good" --batch 0
expect "--repeat" "$vigil" run "$good" --random-inputs --repeat 0
# ABFT's flags: a scheme or mode it does not know, a mode without a scheme.
expect "--abft" "$vigil" run "$good" --random-inputs --abft sometimes
expect "--abft-mode" "$vigil" run "$good" --random-inputs --abft fused --abft-mode repair
expect "--abft-mode correct: ABFT is off" "$vigil" run "$good" --random-inputs --abft-mode correct
expect "--abft-mode" "$vigil" bench "$good" --abft-mode detect
expect "--abft" "$vigil" eval "$good" --dataset "$cases" --abft always
expect "--runs" "$vigil" abft "$good" --runs 0
expect "--html $scratch/none/a.html: no folder" "$vigil" abft "$good" --html "$scratch/none/a.html" --json "$scratch/abft.json"
expect "no such file" "$vigil" abft "$cases/not_there.onnx"
expect "--site: 'registers'" "$vigil" inject "$good" --site registers --json "$scratch/inject.json"
expect "--bits 40:40" "$vigil" inject "$good" --bits 40 --json "$scratch/inject.json"
expect "--bits '3:1'" "$vigil" inject "$good" --bits 3:1 --json "$scratch/inject.json"
expect "--margin 1.5" "$vigil" inject "$good" --margin 1.5 --json "$scratch/inject.json"
expect "--confidence" "$vigil" inject "$good" --confidence 1 --json "$scratch/inject.json"
expect "--fault: 'melt'" "$vigil" inject "$good" --fault flip,melt --json "$scratch/inject.json"
expect "--values: 'hot'" "$vigil" inject "$good" --fault row --values hot --json "$scratch/inject.json"
expect "--values applies to spatial patterns" "$vigil" inject "$good" --values nan --json "$scratch/inject.json"
expect "spatial patterns corrupt node outputs" "$vigil" inject "$good" --fault block --site inputs --json "$scratch/inject.json"
expect "--html $scratch/none/r.html: no folder" "$vigil" inject "$good" --html "$scratch/none/r.html" --json "$scratch/inject.json"
expect "--node '('" "$vigil" inject "$good" --node "(" --json "$scratch/inject.json"
expect "no fault site matches --site outputs --op LSTM" "$vigil" inject "$good" --op LSTM --json "$scratch/inject.json"
expect "accumulators are those of int8 GEMMs" "$vigil" inject "$good" --site accumulators --json "$scratch/inject.json"
expect "--flip-bits" "$vigil" inject "$good" --flip-bits 0 --json "$scratch/inject.json"
expect "--ber needs --dataset" "$vigil" inject "$good" --ber 1e-7:1e-2 --json "$scratch/inject.json"
expect "the low rate comes first" "$vigil" inject "$good" --ber 1e-2:1e-7 --dataset "$cases" --json "$scratch/inject.json"
expect "--ber 'often'" "$vigil" inject "$good" --ber often --dataset "$cases" --json "$scratch/inject.json"
[[ ! -e $scratch/inject.json ]] || { echo "FAIL: a refused campaign wrote its JSON"; failed=$((failed + 1)); }
expect "--percentile" "$vigil" quantize "$good" --calib "$cases" --out "$scratch/q.onnx" --percentile 120
expect "--weight-clip" "$vigil" quantize "$good" --calib "$cases" --out "$scratch/q.onnx" --weight-clip 2
expect "VIGIL_ISA" env VIGIL_ISA=sse9 "$vigil" run "$good" --random-inputs
expect "truncated.onnx" "$vigil" eval "$cases/truncated.onnx" --dataset "$cases"
expect "t10k-images" "$vigil" eval "$good" --dataset "$cases"
expect "random_bytes.onnx" "$vigil" eval "$good" --dataset "$cases/random_bytes.onnx"
# A label beyond the model's classes is refused, not counted as a wrong answer.
python3 - "$scratch/labels" <<'PYTHON'
import os, struct, sys
folder = sys.argv[1]
os.makedirs(folder, exist_ok=True)
with open(os.path.join(folder, "t10k-images-idx3-ubyte"), "wb") as f:
    f.write(struct.pack(">IIII", 0x803, 2, 28, 28) + bytes(2 * 28 * 28))
with open(os.path.join(folder, "t10k-labels-idx1-ubyte"), "wb") as f:
    f.write(struct.pack(">II", 0x801, 2) + bytes([3, 12]))
PYTHON
expect "label 12 of image 1 is outside the model's 10 classes" "$vigil" eval \
  "$(dirname "$0")/../../models/fashion_mnist_cnn.onnx" --dataset "$scratch/labels"
# Calibration data that is NaN, infinite or near float's limit is refused, its file named,
# rather than written into a model no integer kernel can run.
for value in nan inf 3e38; do
  python3 - "$scratch/calib_$value" "$value" <<'PYTHON'
import os, struct, sys
folder, value = sys.argv[1], float(sys.argv[2])
os.makedirs(folder, exist_ok=True)
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 28, 28), }"
header += " " * (127 - len(header)) + "\n"
data = [0.5] * 784
data[5] = value
with open(os.path.join(folder, "x.npy"), "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + struct.pack("<784f", *data))
PYTHON
  expect "x.npy: value #5" "$vigil" quantize "$(dirname "$0")/../../models/fashion_mnist_cnn.onnx" \
    --calib "$scratch/calib_$value" --out "$scratch/out.$((passed + failed))/q.onnx"
done
quantize() { "$vigil" quantize "$@" --out "$scratch/out.$((passed + failed))/q.onnx"; }
expect "--method" quantize "$good" --calib "$cases/x_good.npy" --method kl
expect "--percentile" quantize "$good" --calib "$cases/x_good.npy" --method percentile --percentile 101
expect "--exclude" quantize "$good" --calib "$cases/x_good.npy" --exclude no_such_node
expect "x_corrupt.npy" quantize "$good" --calib "$cases/x_corrupt.npy"
expect "x_wrong_shape.npy" quantize "$good" --calib "$cases/x_wrong_shape.npy"
expect "x_wrong_type.npy" quantize "$good" --calib "$cases/x_wrong_type.npy"
expect "truncated.onnx" quantize "$cases/truncated.onnx" --calib "$cases/x_good.npy"

# Sizes: element or byte counts beyond 64 bits, at load (info) and at run time, end in one
# error naming the node; an allocation beyond --max-memory too.
for case in huge_constant_of_shape:fill huge_expand:widen huge_tile:repeat huge_range:count huge_one_hot:hot; do
  expect "node '${case#*:}'" "$vigil" run "$cases/${case%%:*}.onnx" --random-inputs
done
expect "node 'reshape'" "$vigil" run "$cases/runtime_reshape.onnx" --input "x=$cases/x4.npy" \
  --input "s=$cases/shape_wraps.npy" --output "$scratch/out.$((passed + failed))"
expect "memory budget of 1 MiB (--max-memory)" "$vigil" --max-memory 1M run \
  "$(dirname "$0")/../../models/fashion_mnist_cnn.onnx" --random-inputs
expect "--max-memory" "$vigil" run "$good" --random-inputs --max-memory 12Q
expect "VIGIL_MAX_MEMORY" env VIGIL_MAX_MEMORY=lots "$vigil" run "$good" --random-inputs
# Endless or exploding inputs: a device, shape inference that would never end (it is cut
# off after 10 s; vigil then names the operator it lacks), aliases that expand a YAML file.
expect "/dev/zero: is a device" "$vigil" run /dev/zero
expect "/dev/zero: is a device" "$vigil" run "$good" --input x=/dev/zero
expect "f0" "$vigil" run "$cases/exponential_functions.onnx" --random-inputs
python3 - "$scratch/aliases.yaml" <<'PYTHON'
import sys
text = "name: w\nlayers:\n  - &a {name: C, N: 1, G: 1, K: 8, C: 8, R: 3, S: 3, P: 8, Q: 8, stride: 1}\n"
open(sys.argv[1], "w").write(text + "  - *a\n" * 100000)
PYTHON
expect "aliases.yaml: its aliases expand" "$vigil" predict "$scratch/aliases.yaml" \
  --arch "$(dirname "$0")/../../src/accel/specs/eyeriss.yaml"
# A gzipped IDX file whose header claims 200000 images: --limit reads only what it needs
# (within a 64 MiB budget); without it, the 157 MB the header announces exceed the budget.
python3 - "$scratch/bomb" <<'PYTHON'
import gzip, os, struct, sys
folder = sys.argv[1]
os.makedirs(folder, exist_ok=True)
with gzip.open(os.path.join(folder, "t10k-images-idx3-ubyte.gz"), "wb") as f:
    f.write(struct.pack(">IIII", 0x803, 200000, 28, 28) + bytes(200000 * 28 * 28))
with gzip.open(os.path.join(folder, "t10k-labels-idx1-ubyte.gz"), "wb") as f:
    f.write(struct.pack(">II", 0x801, 200000) + bytes(200000))
PYTHON
fashion="$(dirname "$0")/../../models/fashion_mnist_cnn.onnx"
expect_ok "gzipped IDX with --limit" "$vigil" --max-memory 64M eval "$fashion" --dataset "$scratch/bomb" --limit 10
expect "memory budget of 64 MiB" "$vigil" --max-memory 64M eval "$fashion" --dataset "$scratch/bomb"
# Files are never clobbered: a device is written in place, an output may not replace an
# input or another output, and when one output fails none is left.
expect_ok "--json /dev/null" "$vigil" run "$good" --random-inputs --json /dev/null
[[ -c /dev/null ]] || { echo "FAIL: /dev/null is no longer a device"; failed=$((failed + 1)); }
cp "$good" "$scratch/model.onnx"
expect "model.onnx: is also an input" "$vigil" run "$scratch/model.onnx" --random-inputs --json "$scratch/model.onnx"
expect "model.onnx: is also an input" quantize "$scratch/model.onnx" --calib "$cases/x_good.npy" \
  --json "$scratch/model.onnx"
expect "q.onnx: two outputs" "$vigil" quantize "$good" --calib "$cases/x_good.npy" \
  --out "$scratch/out.$((passed + failed))/q.onnx" --json "$scratch/out.$((passed + failed))/q.onnx"
expect "a_b.npy: two outputs" "$vigil" run "$cases/colliding_outputs.onnx" --random-inputs \
  --output "$scratch/out.$((passed + failed))"
mkdir -p "$scratch/out.$((passed + failed))/z.npy"
expect "z.npy: is a folder" "$vigil" run "$cases/two_outputs.onnx" --random-inputs \
  --output "$scratch/out.$((passed + failed))"
leftovers=$(find "$scratch" -name "*.tmp.*" | wc -l)
[[ $leftovers -eq 0 ]] || { echo "FAIL: $leftovers temporary files left behind"; failed=$((failed + 1)); }
# External data: a symbolic link out of the model's folder is refused; from another
# working directory the model still loads.
mkdir -p "$scratch/linked"
cp "$cases/external/model.onnx" "$scratch/linked/"
head -c 64 /dev/zero >"$scratch/elsewhere.bin"
ln -s ../elsewhere.bin "$scratch/linked/weights.bin"
expect "outside the model's folder" "$vigil" run "$scratch/linked/model.onnx" --random-inputs
expect_ok "external data from another folder" bash -c "cd / && '$vigil' run '$cases/external/model.onnx' --random-inputs"
# Valid models: names that are not UTF-8 in JSON, If nested 50 deep, an initializer that
# is also an input replaced from a file (and refused with the wrong shape).
expect_ok "non-UTF-8 names" "$vigil" run "$cases/non_utf8_name.onnx" --random-inputs --json "$scratch/names.json"
python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$scratch/names.json" ||
  { echo "FAIL: names.json is not valid JSON"; failed=$((failed + 1)); }
expect_ok "If 50 deep" "$vigil" run "$cases/nested_ifs.onnx" --random-inputs
expect_ok "initializer as input" "$vigil" run "$cases/overridable_bias.onnx" --input "x=$cases/x_good.npy" \
  --input "b=$cases/b_twos.npy"
grep -q "min 3  max 3" "$scratch/stdout" || { echo "FAIL: the replaced initializer was not used"; failed=$((failed + 1)); }
expect "input 'b' (an initializer)" "$vigil" run "$cases/overridable_bias.onnx" --input "x=$cases/x_good.npy" \
  --input "b=$cases/x_wrong_shape.npy"

echo "bad input: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
