#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the fuzz targets with clang (libFuzzer, AddressSanitizer, UBSan) in their own
# build folder and fuzzes each for SECONDS: the ONNX loader seeded with the
# malformed-input cases and a few backend-suite models; the accelerator model's YAML
# loaders seeded with the shipped specs, layer lists and a mapping file (the first byte
# says which loader reads the rest); the .npy and IDX readers seeded with the test cases;
# and the operators, one-node models built from each operator's ONNX schema with extreme
# shapes, values and attributes. Labelled `slow`: outside CI.
#   run_fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DVIGIL_FUZZ=ON -DVIGIL_SANITIZE=ON -DVIGIL_BUILD_TESTS=OFF >/dev/null
ninja -C build-fuzz fuzz_model_loader fuzz_accel_yaml fuzz_data_readers fuzz_operators
corpus="$(mktemp -d)"
accel_corpus="$(mktemp -d)"
data_corpus="$(mktemp -d)"
operator_corpus="$(mktemp -d)"
trap 'rm -rf "$corpus" "$accel_corpus" "$data_corpus" "$operator_corpus"' EXIT
# fuzz TARGET CORPUS [LIBFUZZER FLAGS...]
fuzz() { "./build-fuzz/$1" "$2" -artifact_prefix=build-fuzz/ -max_total_time="$seconds" -rss_limit_mb=4096 \
  -timeout=30 -print_final_stats=1 "${@:3}"; }
cp tests/bad_input/cases/*.onnx "$corpus/"
data="${VIGIL_ONNX_TESTDATA:-/usr/share/libonnx-testdata/data}"
for case in test_conv_with_strides_padding test_if test_loop11 test_gemm_default_matrix_bias test_resize_upsample_scales_linear; do
  [[ -f "$data/node/$case/model.onnx" ]] && cp "$data/node/$case/model.onnx" "$corpus/$case.onnx"
done
fuzz fuzz_model_loader "$corpus"
specs=src/accel/specs
for spec in eyeriss edge pim systolic; do { printf '\0'; cat "$specs/$spec.yaml"; } >"$accel_corpus/arch_$spec"; done
{ printf '\1'; cat "$specs/alexnet_eyeriss.yaml"; } >"$accel_corpus/layers_alexnet"
{ printf '\2'; printf 'mappings:\n  CONV1: {dram: [N4, P8, C3], glb: [K3], weights_spad: [Q55], psum_spad: [K16],\n          ifmap_spad: [S11], rows: [R11], cols: [P7, K2]}\n'; } >"$accel_corpus/mapping_conv1"
fuzz fuzz_accel_yaml "$accel_corpus"
for npy in tests/bad_input/cases/*.npy; do { printf '\0\0'; cat "$npy"; } >"$data_corpus/$(basename "$npy")"; done
printf '\1\3\0\0\x08\x03\0\0\0\x02\0\0\0\x02\0\0\0\x02\1\2\3\4\5\6\7\x08' >"$data_corpus/idx_images"
fuzz fuzz_data_readers "$data_corpus"
# Its inputs are choices, not a file format: long ones from the start. A crash inside the
# onnx library's shape inference happens in vigil's isolated child process, which
# libFuzzer's handler then reports as a crash-* file while the run goes on: only the
# run's own exit status counts.
fuzz fuzz_operators "$operator_corpus" -max_len=512 -len_control=0
