#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Slow test: resnet18, resnet50, mobilenet_v2 and a transformer encoder (exported with
# Debian's torch, random weights) must give the same outputs in vigil as in ONNX Runtime
# (npm onnxruntime-node): max abs difference at most 1e-4 of the output's max magnitude,
# on the best kernel path this CPU has and forced onto the AVX2 and scalar paths; and the
# int8 forms of the models (bench/speed_table.py writes them) within 2e-2 of the magnitude.
#   run_ort_agreement.sh VIGIL_BINARY
set -euo pipefail
vigil="$(realpath "$1")"
cd "$(dirname "$0")/../.."
bash scripts/setup.sh --models
/usr/bin/python3 bench/export_models.py bench/models
for isa in "" avx2 scalar; do
  echo "kernel path: ${isa:-best available}"
  VIGIL_ISA="$isa" /usr/bin/python3 tests/models/compare_with_ort.py --vigil "$vigil" --models-dir bench/models \
    --bench-dir bench --threads 2
done
echo "int8 (static QDQ CNNs, dynamic transformer), best kernel path"
/usr/bin/python3 tests/models/compare_with_ort.py --vigil "$vigil" --models-dir bench/models --bench-dir bench \
  --threads 2 --precision int8
