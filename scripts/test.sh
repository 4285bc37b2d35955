#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Sets up, builds and runs vigil's whole CI test suite: unit, conformance (the ONNX
# backend suite) and model tests in a release build, then the malformed-input tests in
# a build with AddressSanitizer and UBSan. Tests labelled `slow` are left out; run them
# with: ctest --test-dir build -L slow
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs="$(nproc)"

bash scripts/build.sh build
ctest --test-dir build --output-on-failure -j "$jobs" -LE "slow|bad_input"

VIGIL_BUILD_TARGETS="vigil_cli" bash scripts/build.sh build-sanitize -DVIGIL_SANITIZE=ON -DVIGIL_BUILD_TESTS=ON
ctest --test-dir build-sanitize --output-on-failure -L bad_input
