# SPDX-License-Identifier: Apache-2.0
"""The same models through the Python module and through ONNX Runtime (npm
onnxruntime-node via bench/ort_run.js), on the same seeded inputs: every output within
1e-4 of the largest |ONNX Runtime output| in fp32, 2e-2 for int8 models (integer
arithmetic that rounds one value differently moves it by a quantization step).
The shipped Fashion-MNIST models always; the benchmark models (bench/export_models.py,
bench/speed_table.py write them) where bench/models holds them. Needs
`scripts/setup.sh --models`; labelled slow."""

import pathlib
import shutil
import subprocess

import numpy as np
import pytest

import vigil

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]
BENCH = SOURCE_DIR / "bench"
MODELS = [SOURCE_DIR / "models" / "fashion_mnist_cnn.onnx", SOURCE_DIR / "models" / "fashion_mnist_resnet.onnx"]
MODELS += [BENCH / "models" / f"{name}.onnx" for name in (
    "resnet18", "mobilenet_v2", "transformer_encoder", "resnet18_int8", "mobilenet_v2_int8",
    "transformer_encoder_int8")]


def ort_outputs(model, feeds, folder):
    arguments = ["node", str(BENCH / "ort_run.js"), str(model), "--output", str(folder)]
    for name, value in feeds.items():
        path = folder / f"input_{len(arguments)}.npy"
        np.save(path, value)
        arguments += ["--input", f"{name}={path}"]
    subprocess.run(arguments, check=True, capture_output=True, timeout=600)
    return folder


@pytest.mark.parametrize("model", MODELS, ids=[model.stem for model in MODELS])
def test_python_module_agrees_with_onnx_runtime(model, tmp_path):
    if shutil.which("node") is None or not (BENCH / "node_modules" / "onnxruntime-node").is_dir():
        pytest.skip("ONNX Runtime's Node binding is not installed (scripts/setup.sh --models)")
    if not model.exists():
        pytest.skip(f"{model.name} is not exported (bench/export_models.py, bench/speed_table.py)")
    session = vigil.InferenceSession(model, threads=2)
    rng = np.random.default_rng(2024)
    feeds = {}
    for arg in session.get_inputs():
        shape = [dim if isinstance(dim, int) else 1 for dim in arg.shape]
        feeds[arg.name] = rng.random(shape, dtype=np.float32).astype(arg.dtype)
    ours = session.run(None, feeds)
    folder = ort_outputs(model, feeds, tmp_path)
    tolerance = 2e-2 if model.stem.endswith("_int8") else 1e-4
    for arg, value in zip(session.get_outputs(), ours):
        theirs = np.load(folder / (arg.name.replace("/", "_").replace(":", "_") + ".npy"))
        assert value.shape == theirs.shape and value.dtype == theirs.dtype
        scale = max(float(np.abs(theirs).max()), 1e-30)
        assert float(np.abs(value.astype(np.float64) - theirs).max()) <= tolerance * scale, arg.name
