# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures of the Python module's tests (ctest runs them with pytest, with
PYTHONPATH at <build>/python and VIGIL_BINARY naming the vigil command)."""

import gzip
import os
import pathlib

import numpy as np
import pytest

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]
FASHION_MNIST = pathlib.Path("/usr/share/datasets/fashion-mnist")


@pytest.fixture(scope="session")
def cnn_path():
    return str(SOURCE_DIR / "models" / "fashion_mnist_cnn.onnx")


@pytest.fixture(scope="session")
def resnet_path():
    return str(SOURCE_DIR / "models" / "fashion_mnist_resnet.onnx")


@pytest.fixture(scope="session")
def vigil_binary():
    binary = os.environ.get("VIGIL_BINARY")
    if not binary:
        pytest.skip("VIGIL_BINARY is not set (ctest sets it)")
    return binary


def read_idx(path):
    """An IDX file (gzip) as a numpy array of its dimensions."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


@pytest.fixture(scope="session")
def fashion_mnist_test():
    """The 10,000 test images as float32 [N, 1, 28, 28] in [0, 1], and their labels."""
    images = read_idx(FASHION_MNIST / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(FASHION_MNIST / "t10k-labels-idx1-ubyte.gz")
    return (images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28), labels.astype(np.int64)
