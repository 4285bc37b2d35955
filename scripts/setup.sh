#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages vigil needs, only those missing; as root or through sudo.
#   bash scripts/setup.sh            build, test and run (what the README commands need),
#                                    the Python module included
#   bash scripts/setup.sh --models   also what regenerating models, the ONNX Runtime
#                                    comparison and the slow tests need (python3-torch,
#                                    node and npm packages, chromium for the HTML report)
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config libonnx-dev libprotobuf-dev protobuf-compiler libcli11-dev
          nlohmann-json3-dev libyaml-cpp-dev zlib1g-dev libgtest-dev libgmock-dev libbenchmark-dev
          libonnx-testdata dataset-fashion-mnist python3 libopenmpi-dev openmpi-bin
          python3-dev pybind11-dev python3-numpy python3-pytest)
if [[ "${1:-}" == "--models" ]]; then
  packages+=(python3-torch python3-torchvision python3-onnx chromium)
  # Node.js and npm from Debian, unless the machine already has them from elsewhere.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if (( ${#missing[@]} )); then
  echo "setup: installing ${missing[*]}"
  sudo=()
  if (( EUID != 0 )); then sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--models" && ! -d "$(dirname "$0")/../bench/node_modules/onnxruntime-node" ]]; then
  echo "setup: installing onnxruntime-node into bench/node_modules"
  (cd "$(dirname "$0")/../bench" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --silent)
fi
