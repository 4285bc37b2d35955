# SPDX-License-Identifier: Apache-2.0
"""vigil.InferenceSession: what it declares, what it computes (against the vigil command
bit for bit and against the shipped model's measured accuracy), and how it refuses bad
feeds with vigil's one-line errors instead of crashing."""

import json
import os
import subprocess
import threading
import time

import numpy as np
import pytest

import vigil


def test_declares_inputs_and_outputs(cnn_path):
    session = vigil.InferenceSession(cnn_path)
    (image,) = session.get_inputs()
    assert image.type == "tensor(float)"
    assert image.dtype == np.float32
    assert image.shape[1:] == [1, 28, 28]
    (logits,) = session.get_outputs()
    assert logits.type == "tensor(float)"
    assert logits.shape[-1] == 10
    assert image.name in repr(image)


def test_outputs_equal_the_vigil_command_bit_for_bit(cnn_path, vigil_binary, tmp_path):
    rng = np.random.default_rng(7)
    images = rng.random((3, 1, 28, 28), dtype=np.float32)
    session = vigil.InferenceSession(cnn_path, threads=2)
    name = session.get_inputs()[0].name
    (logits,) = session.run(None, {name: images})
    np.save(tmp_path / "images.npy", images)
    subprocess.run([vigil_binary, "run", cnn_path, "--threads", "2", "--input", f"{name}={tmp_path / 'images.npy'}",
                    "--output", str(tmp_path)], check=True, capture_output=True)
    output_name = session.get_outputs()[0].name.replace("/", "_").replace(":", "_")
    expected = np.load(tmp_path / f"{output_name}.npy")
    assert logits.dtype == np.float32 and logits.shape == (3, 10)
    np.testing.assert_array_equal(logits, expected)


def test_fashion_mnist_accuracy_is_the_measured_one(cnn_path, fashion_mnist_test):
    images, labels = fashion_mnist_test
    session = vigil.InferenceSession(cnn_path, threads=2)
    name = session.get_inputs()[0].name
    predicted = np.concatenate([session.run(None, {name: images[i:i + 500]})[0].argmax(axis=1)
                                for i in range(0, len(images), 500)])
    measured = json.load(open(cnn_path.replace(".onnx", ".json")))["accuracy"]
    assert abs((predicted == labels).mean() - measured) < 0.002


def test_output_names_select_and_order(resnet_path):
    session = vigil.InferenceSession(resnet_path)
    name = session.get_inputs()[0].name
    output = session.get_outputs()[0].name
    image = np.full((1, 1, 28, 28), 0.5, dtype=np.float32)
    everything = session.run(None, {name: image})
    (selected,) = session.run([output], {name: image})
    np.testing.assert_array_equal(everything[0], selected)


def test_non_contiguous_and_foreign_byte_order_inputs(cnn_path):
    session = vigil.InferenceSession(cnn_path)
    name = session.get_inputs()[0].name
    rng = np.random.default_rng(3)
    images = rng.random((2, 1, 28, 28), dtype=np.float32)
    (expected,) = session.run(None, {name: images})
    transposed = np.ascontiguousarray(images.transpose(3, 1, 2, 0)).transpose(3, 1, 2, 0)
    assert not transposed.flags.c_contiguous
    np.testing.assert_array_equal(session.run(None, {name: transposed})[0], expected)
    big_endian = images.astype(">f4")
    np.testing.assert_array_equal(session.run(None, {name: big_endian})[0], expected)


def test_results_are_the_callers_own(cnn_path):
    session = vigil.InferenceSession(cnn_path)
    name = session.get_inputs()[0].name
    (first,) = session.run(None, {name: np.zeros((1, 1, 28, 28), np.float32)})
    kept = first.copy()
    session.run(None, {name: np.ones((1, 1, 28, 28), np.float32)})
    np.testing.assert_array_equal(first, kept)
    first[:] = 0  # writable, and writing it changes nothing in the session


def test_threads_run_sessions_at_once_with_the_same_results(cnn_path):
    reference = vigil.InferenceSession(cnn_path)
    name = reference.get_inputs()[0].name
    rng = np.random.default_rng(11)
    images = [rng.random((4, 1, 28, 28), dtype=np.float32) for _ in range(4)]
    expected = [reference.run(None, {name: batch})[0] for batch in images]
    shared = vigil.InferenceSession(cnn_path)
    failures = []

    def work(session, which):
        try:
            for _ in range(50):
                np.testing.assert_array_equal(session.run(None, {name: images[which]})[0], expected[which])
        except Exception as error:  # reported by the main thread
            failures.append(error)

    # Two threads with sessions of their own, two sharing one on different inputs.
    workers = [threading.Thread(target=work, args=(vigil.InferenceSession(cnn_path), i)) for i in range(2)]
    workers += [threading.Thread(target=work, args=(shared, i)) for i in range(2, 4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not failures, failures


def test_the_gil_is_released_while_a_session_runs(resnet_path):
    session = vigil.InferenceSession(resnet_path)
    name = session.get_inputs()[0].name
    batch = np.zeros((1024, 1, 28, 28), np.float32)  # a run of a few hundred milliseconds
    session.run(None, {name: batch})  # plans for this shape
    start = time.perf_counter()
    session.run(None, {name: batch})
    one_run = time.perf_counter() - start
    worker = threading.Thread(target=session.run, args=(None, {name: batch}))
    stamps = [time.perf_counter()]
    worker.start()
    while worker.is_alive():  # Python work, which needs the GIL
        stamps.append(time.perf_counter())
    stamps.append(time.perf_counter())
    worker.join()
    # Held through the run, the GIL would stop this loop for about one run.
    assert max(np.diff(stamps)) < 0.5 * one_run, (max(np.diff(stamps)), one_run)


@pytest.mark.parametrize("feeds, message", [
    ({"wrong": np.zeros((1, 1, 28, 28), np.float32)}, "has no input 'wrong'"),
    ({}, "no value for input"),
    (None, "feeds must be a dict"),
    ({"IMAGE": None}, "must be a numpy array, not NoneType"),
    ({"IMAGE": [[0.0]]}, "must be a numpy array, not list"),
    ({"IMAGE": np.zeros((1, 1, 28, 28), np.float64)}, "float64"),
    ({"IMAGE": np.zeros((1, 1, 28, 28), np.complex64)}, "numpy dtype complex64 is not one vigil runs"),
    ({"IMAGE": np.zeros((1, 28, 28), np.float32)}, "got float32[1, 28, 28]"),
    ({"IMAGE": np.zeros((1, 1, 27, 28), np.float32)}, "27"),
])
def test_bad_feeds_raise_bad_input_naming_the_input(cnn_path, feeds, message):
    session = vigil.InferenceSession(cnn_path)
    name = session.get_inputs()[0].name
    if feeds is not None:
        feeds = {name if key == "IMAGE" else key: value for key, value in feeds.items()}
    with pytest.raises(vigil.BadInput) as raised:
        session.run(None, feeds)
    assert message in str(raised.value)
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, vigil.Error)


def test_bad_output_names(cnn_path):
    session = vigil.InferenceSession(cnn_path)
    feeds = {session.get_inputs()[0].name: np.zeros((1, 1, 28, 28), np.float32)}
    with pytest.raises(vigil.BadInput, match="has no output 'nothing'"):
        session.run(["nothing"], feeds)
    with pytest.raises(vigil.BadInput, match="list of output names"):
        session.run("logits", feeds)


def test_session_errors_carry_the_command_line_message(vigil_binary, tmp_path):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    command = subprocess.run([vigil_binary, "info", str(broken)], capture_output=True, text=True)
    assert command.returncode == 2
    line = command.stderr.strip()
    with pytest.raises(vigil.BadInput) as raised:
        vigil.InferenceSession(broken)
    assert line == "vigil: error: " + str(raised.value)
    with pytest.raises(vigil.BadInput, match="no such file|cannot open|does not exist"):
        vigil.InferenceSession(tmp_path / "missing.onnx")


@pytest.mark.parametrize("arguments, message", [
    ({"threads": 0}, "threads 0 is not at least 1"),
    ({"abft": "sometimes"}, "abft 'sometimes' is none of"),
    ({"abft_mode": "correct"}, "needs an abft scheme other than off"),
    ({"isa": "avx9000"}, "isa"),
])
def test_bad_session_options(cnn_path, arguments, message):
    with pytest.raises(vigil.BadInput, match=message):
        vigil.InferenceSession(cnn_path, **arguments)


def test_abft_session_gives_the_plain_results(cnn_path):
    images = np.random.default_rng(5).random((2, 1, 28, 28), dtype=np.float32)
    plain = vigil.InferenceSession(cnn_path)
    checked = vigil.InferenceSession(cnn_path, abft="fused", abft_mode="correct")
    name = plain.get_inputs()[0].name
    np.testing.assert_array_equal(plain.run(None, {name: images})[0], checked.run(None, {name: images})[0])


def test_isa_limits_the_kernels(cnn_path):
    before = vigil.active_isa()
    try:
        session = vigil.InferenceSession(cnn_path, isa="scalar")
        assert vigil.active_isa() == "scalar"
        name = session.get_inputs()[0].name
        images = np.random.default_rng(9).random((1, 1, 28, 28), dtype=np.float32)
        scalar = session.run(None, {name: images})[0]
    finally:
        vigil.InferenceSession(cnn_path, isa="native")
    assert vigil.active_isa() == before
    best = vigil.InferenceSession(cnn_path).run(None, {name: images})[0]
    np.testing.assert_allclose(scalar, best, rtol=1e-4, atol=1e-4)


def test_onnx_runtime_arguments(cnn_path):
    options = vigil.SessionOptions()
    options.intra_op_num_threads = 2
    options.graph_optimization_level = vigil.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = vigil.InferenceSession(cnn_path, options, providers=["CPUExecutionProvider"])
    assert session.get_providers() == ["CPUExecutionProvider"]
    images = np.random.default_rng(4).random((2, 1, 28, 28), dtype=np.float32)
    name = session.get_inputs()[0].name
    unoptimized = session.run(None, {name: images}, None)[0]
    optimized = vigil.InferenceSession(cnn_path).run(None, {name: images})[0]
    np.testing.assert_allclose(unoptimized, optimized, rtol=1e-4, atol=1e-5)
    with pytest.raises(vigil.BadInput, match="provider 'CUDAExecutionProvider': vigil runs on the CPU only"):
        vigil.InferenceSession(cnn_path, providers=[("CUDAExecutionProvider", {}), "CPUExecutionProvider"])
