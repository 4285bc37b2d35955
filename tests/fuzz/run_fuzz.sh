#!/usr/bin/env bash
# Builds the loader fuzz target with clang (libFuzzer, AddressSanitizer, UBSan) in its own
# build folder and fuzzes it for a minute, seeded with the malformed-input cases and a
# few backend-suite models. Labelled `slow`: outside CI.
#   run_fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DVIGIL_FUZZ=ON -DVIGIL_SANITIZE=ON -DVIGIL_BUILD_TESTS=OFF >/dev/null
ninja -C build-fuzz fuzz_model_loader
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
cp tests/bad_input/cases/*.onnx "$corpus/"
data="${VIGIL_ONNX_TESTDATA:-/usr/share/libonnx-testdata/data}"
for case in test_conv_with_strides_padding test_if test_loop11 test_gemm_default_matrix_bias test_resize_upsample_scales_linear; do
  [[ -f "$data/node/$case/model.onnx" ]] && cp "$data/node/$case/model.onnx" "$corpus/$case.onnx"
done
./build-fuzz/fuzz_model_loader "$corpus" -artifact_prefix=build-fuzz/ -max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1
