#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configures and builds vigil with CMake and Ninja.
#   bash scripts/build.sh [BUILD_DIR] [extra CMake arguments...]   (default BUILD_DIR: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build}"
shift || true
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
ninja -C "$build_dir" "${VIGIL_BUILD_TARGETS:-all}"
