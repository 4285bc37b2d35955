#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `vigil quantize`: a static and a dynamic run on the Fashion-MNIST model (output model and
# JSON report written), the loud warning of --calib random, and one line with exit code 2
# and neither model nor JSON file for each bad flag, file or node name.
#   quantize_command_test.sh VIGIL_BINARY
set -u
vigil="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
model="$root/models/fashion_mnist_cnn.onnx"
data=/usr/share/datasets/fashion-mnist
source "$(dirname "$0")/cli_test_lib.sh"
if [[ ! -d $data ]]; then
  echo "quantize_command: skipped, no $data (dataset-fashion-mnist)"
  exit 77
fi

# ok OUT COMMAND...: exit 0 and the model written.
ok() {
  local out="$1"
  shift
  "$@" >"$scratch/stdout" 2>"$scratch/stderr"
  local code=$?
  if [[ $code -ne 0 || ! -s $out ]]; then
    fail "$* -> exit $code, output $(ls "$out" 2>/dev/null || echo missing)"
    return 1
  fi
  pass
}

# bad NAME_IN_MESSAGE ARGS...: exit 2, one stderr line naming the culprit, no model, no JSON.
bad() {
  local needle="$1"
  shift
  rm -f "$scratch/bad.onnx" "$scratch/bad.json"
  "$vigil" quantize "$@" --out "$scratch/bad.onnx" --json "$scratch/bad.json" >"$scratch/stdout" 2>"$scratch/stderr"
  local code=$?
  local lines
  lines=$(wc -l <"$scratch/stderr")
  if [[ $code -eq 2 && $lines -eq 1 && ! -e "$scratch/bad.onnx" && ! -e "$scratch/bad.json" ]] &&
     grep -q "^vigil: error: .*$needle" "$scratch/stderr"; then
    pass
  else
    fail "quantize $* -> exit $code, $lines stderr lines; wanted exit 2 and one line naming '$needle', no files"
  fi
}

if ok "$scratch/q.onnx" "$vigil" quantize "$model" --calib "$data" --calib-limit 50 --method percentile \
     --out "$scratch/q.onnx" --json "$scratch/q.json"; then
  grep -q '"method": "percentile"' "$scratch/q.json" && grep -q '"calibration_samples": 50' "$scratch/q.json" ||
    fail "JSON report lacks the method or the sample count"
  grep -q "12 nodes quantized, 8 activations" "$scratch/stdout" || fail "summary line: $(tail -1 "$scratch/stdout")"
  [[ ! -s $scratch/stderr ]] || fail "stderr not empty when it is not a terminal"
  ok "$scratch/q.onnx" "$vigil" run "$scratch/q.onnx" --random-inputs
fi
if ok "$scratch/qonnx.onnx" "$vigil" quantize "$model" --calib "$data" --calib-limit 20 --format qonnx \
     --out "$scratch/qonnx.onnx"; then
  grep -q "qonnx.custom_op.general" "$scratch/qonnx.onnx" || fail "--format qonnx wrote no QONNX Quant node"
fi
if ok "$scratch/low.onnx" "$vigil" quantize "$model" --calib "$data" --calib-limit 20 --format qonnx --bits 2/2 \
     --json "$scratch/low.json" --out "$scratch/low.onnx"; then
  grep -q "low-bit layer" "$scratch/stdout" || fail "--bits 2/2 names no low-bit layer"
  grep -q '"activation_bits": 2' "$scratch/low.json" || fail "--bits 2/2: the JSON report lacks the widths"
  ok "$scratch/low.onnx" "$vigil" run "$scratch/low.onnx" --random-inputs
fi
ok "$scratch/d.onnx" "$vigil" quantize "$model" --dynamic --out "$scratch/d.onnx" &&
  grep -q "dynamic quantization of 5 MatMul/Gemm/Conv nodes" "$scratch/stdout" || fail "dynamic summary"
if ok "$scratch/r.onnx" "$vigil" quantize "$model" --calib random --calib-limit 2 --out "$scratch/r.onnx"; then
  grep -q "warning: --calib random" "$scratch/stderr" || fail "--calib random without its warning"
fi

bad "--method" "$model" --calib "$data" --method kl
bad "--percentile" "$model" --calib "$data" --method percentile --percentile 0
bad "--weight-clip" "$model" --calib "$data" --weight-clip 1.5
bad "--exclude: the model has no node named 'conv9'" "$model" --calib "$data" --calib-limit 10 --exclude conv9
bad "--calib" "$model"
bad "--calib $scratch/none: no such file" "$model" --calib "$scratch/none"
bad "--calib: $model: not an IDX file" "$model" --calib "$model"
bad "--activation-type" "$model" --calib "$data" --activation-type int4
bad "--format" "$model" --calib "$data" --format qnn
bad "--format qonnx" "$model" --dynamic --format qonnx
bad "--bits: widths below 8 bits are written as QONNX" "$model" --calib "$data" --bits 4/4
bad "--bits: '9/2' is not W/A with widths from 1 to 8 bits" "$model" --calib "$data" --format qonnx --bits 9/2
bad "--layer-bits: 'conv9' is not a quantized Conv" "$model" --calib "$data" --format qonnx --layer-bits conv9=2/2
bad "no_model.onnx" "$scratch/no_model.onnx" --calib "$data"
finish quantize_command
