# SPDX-License-Identifier: Apache-2.0
"""The shipped low-bit Fashion-MNIST CNNs (models/train_lowbit.py): vigil's accuracy on
the 10,000 test images equals the accuracy PyTorch measured at training within 0.3%,
with the graph passes on, and within 1% of the QONNX operators run as written (passes
off) on 2,000 images; the layers of 2 and more bits run on integer kernels, and those the
bit-serial path does not suit are named in a warning."""

import json
import subprocess

import numpy as np
import pytest

import vigil
from conftest import SOURCE_DIR

MODELS = ["fashion_mnist_cnn_w4a4", "fashion_mnist_cnn_w2a2", "fashion_mnist_cnn_w1a1"]


def predictions(path, images, **options):
    session = vigil.InferenceSession(str(path), threads=2, **options)
    name = session.get_inputs()[0].name
    return np.concatenate([session.run(None, {name: images[i:i + 500]})[0].argmax(1)
                           for i in range(0, len(images), 500)])


@pytest.mark.parametrize("name", MODELS)
def test_accuracy_is_the_trained_one(name, fashion_mnist_test):
    images, labels = fashion_mnist_test
    recorded = json.loads((SOURCE_DIR / "models" / f"{name}.json").read_text())["accuracy"]
    accuracy = float((predictions(SOURCE_DIR / "models" / f"{name}.onnx", images) == labels).mean())
    assert abs(accuracy - recorded) <= 0.003, (accuracy, recorded)


@pytest.mark.parametrize("name", MODELS)
def test_passes_keep_the_accuracy(name, fashion_mnist_test):
    # Not every prediction: the integer operators round a float bias onto the grid of
    # their int32 sums (input scale x weight scale), which at 2-bit activations moves some
    # values across a rounding boundary of the next Quant (docs/lowbit.md).
    images, labels = fashion_mnist_test[0][:2000], fashion_mnist_test[1][:2000]
    path = SOURCE_DIR / "models" / f"{name}.onnx"
    optimized = (predictions(path, images) == labels).mean()
    as_written = (predictions(path, images, optimize=False) == labels).mean()
    assert abs(optimized - as_written) <= 0.01, (optimized, as_written)


@pytest.mark.parametrize("name", ["fashion_mnist_cnn_w4a4", "fashion_mnist_cnn_w2a2"])
def test_layers_run_on_integer_kernels(name):
    layers = vigil.profile(str(SOURCE_DIR / "models" / f"{name}.onnx"), threads=1, runs=1)["layers"]
    for layer in layers:
        if layer["macs"] > 0:
            assert layer["op_type"] in ("vigil.QConv", "vigil.QGemm"), layer["name"]


def test_low_bit_layers_off_the_bit_serial_path_are_named(vigil_binary):
    # The ternary layers read 32 channels, half of each 64-bit word: they stay on the int8
    # kernel, and `vigil bench` says so, layer by layer, in one line each.
    result = subprocess.run([vigil_binary, "bench", str(SOURCE_DIR / "models" / "fashion_mnist_cnn_w2a2.onnx"),
                             "--runs", "2", "--warmup", "1"], capture_output=True, text=True, check=True)
    warnings = [line for line in result.stderr.splitlines() if "low-bit weights run on the int8 kernel" in line]
    assert len(warnings) == 2, result.stderr
    assert "'conv2'" in warnings[0] and "'conv3'" in warnings[1], warnings
    assert "32 input channels fill 32 of the 64 bits" in warnings[0], warnings
