#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# vigil's main job on the shipped default: sets up, builds, and evaluates the shipped
# Fashion-MNIST CNN on the 10,000 Fashion-MNIST test images (accuracy and throughput).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VIGIL_BUILD_TARGETS=vigil_cli bash scripts/build.sh build
./build/vigil eval models/fashion_mnist_cnn.onnx --dataset /usr/share/datasets/fashion-mnist --threads "$(nproc)" "$@"
