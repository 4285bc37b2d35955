#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the loader fuzz targets with clang (libFuzzer, AddressSanitizer, UBSan) in their
# own build folder and fuzzes each for a minute: the ONNX loader seeded with the
# malformed-input cases and a few backend-suite models, the accelerator model's YAML
# loaders seeded with the shipped specs, layer lists and a mapping file (the first byte
# says which loader reads the rest). Labelled `slow`: outside CI.
#   run_fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DVIGIL_FUZZ=ON -DVIGIL_SANITIZE=ON -DVIGIL_BUILD_TESTS=OFF >/dev/null
ninja -C build-fuzz fuzz_model_loader fuzz_accel_yaml
corpus="$(mktemp -d)"
accel_corpus="$(mktemp -d)"
trap 'rm -rf "$corpus" "$accel_corpus"' EXIT
cp tests/bad_input/cases/*.onnx "$corpus/"
data="${VIGIL_ONNX_TESTDATA:-/usr/share/libonnx-testdata/data}"
for case in test_conv_with_strides_padding test_if test_loop11 test_gemm_default_matrix_bias test_resize_upsample_scales_linear; do
  [[ -f "$data/node/$case/model.onnx" ]] && cp "$data/node/$case/model.onnx" "$corpus/$case.onnx"
done
./build-fuzz/fuzz_model_loader "$corpus" -artifact_prefix=build-fuzz/ -max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1
specs=src/accel/specs
for spec in eyeriss edge pim systolic; do { printf '\0'; cat "$specs/$spec.yaml"; } >"$accel_corpus/arch_$spec"; done
{ printf '\1'; cat "$specs/alexnet_eyeriss.yaml"; } >"$accel_corpus/layers_alexnet"
{ printf '\2'; printf 'mappings:\n  CONV1: {dram: [N4, P8, C3], glb: [K3], weights_spad: [Q55], psum_spad: [K16],\n          ifmap_spad: [S11], rows: [R11], cols: [P7, K2]}\n'; } >"$accel_corpus/mapping_conv1"
./build-fuzz/fuzz_accel_yaml "$accel_corpus" -artifact_prefix=build-fuzz/ -max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1
