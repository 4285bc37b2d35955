#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The QDQ model `vigil quantize` writes for Fashion-MNIST, run in ONNX Runtime
# (onnxruntime-node from bench/node_modules, driven by bench/ort_run.js): it must load,
# and its predictions on 1000 test images must agree with vigil's on at least 99% of
# them (the engines round differently inside the int8 layers; the argmax rarely moves).
# Exit 77 (skipped) without node, onnxruntime-node or Debian's python3-numpy.
#   quantize_ort_test.sh VIGIL_BINARY
set -u
vigil="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
data=/usr/share/datasets/fashion-mnist
source "$(dirname "$0")/cli_test_lib.sh"
if ! command -v node >/dev/null || [[ ! -d $root/bench/node_modules/onnxruntime-node ]] || [[ ! -d $data ]] ||
   ! /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  echo "quantize_ort: skipped (needs node, bench/node_modules/onnxruntime-node, $data and python3-numpy)"
  exit 77
fi
"$vigil" quantize "$root/models/fashion_mnist_cnn.onnx" --calib "$data" --calib-limit 200 --out "$scratch/q.onnx" \
  >/dev/null 2>"$scratch/stderr" || fail "quantize"
/usr/bin/python3 - "$data" "$scratch/x.npy" <<'PY'
import gzip, sys, numpy as np
raw = gzip.open(sys.argv[1] + "/t10k-images-idx3-ubyte.gz").read()[16:]
images = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 1, 28, 28)[:1000]
np.save(sys.argv[2], images.astype(np.float32) / 255)
PY
mkdir -p "$scratch/ort" "$scratch/vigil"
node "$root/bench/ort_run.js" "$scratch/q.onnx" --input "image=$scratch/x.npy" --output "$scratch/ort" \
  >/dev/null 2>"$scratch/stderr" && pass || fail "ONNX Runtime does not run the quantized model"
"$vigil" run "$scratch/q.onnx" --input "image=$scratch/x.npy" --output "$scratch/vigil" >/dev/null 2>"$scratch/stderr" ||
  fail "vigil run"
if /usr/bin/python3 - "$scratch/ort/logits.npy" "$scratch/vigil/logits.npy" <<'PY'
import sys, numpy as np
ort, vigil = np.load(sys.argv[1]), np.load(sys.argv[2])
agreement = (ort.argmax(1) == vigil.argmax(1)).mean()
print(f"argmax agreement {agreement:.4f}, max |difference| {np.abs(ort - vigil).max():.4f}")
sys.exit(0 if agreement >= 0.99 else 1)
PY
then pass; else fail "vigil and ONNX Runtime disagree on the quantized model"; fi
finish quantize_ort
