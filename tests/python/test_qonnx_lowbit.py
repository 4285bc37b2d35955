# SPDX-License-Identifier: Apache-2.0
"""QONNX models with weights and activations of 8, 4 and 2 bits (qonnx_models.py): vigil's
outputs equal the exact result of the QONNX definition, with the graph passes on and off,
on every kernel path the CPU has, and every convolution and fully connected layer runs
on an integer kernel."""

import numpy as np
import onnx
import pytest

import vigil
from qonnx_models import lowbit_cnn, run_reference

WIDTHS = [(8, 8, False), (4, 4, False), (2, 2, False), (2, 2, True), (4, 2, False), (1, 1, False), (1, 2, False),
          (2, 1, False)]


# Every kernel path: the scalar reference, AVX2 with and without AVX-VNNI, AVX-512 with and
# without VNNI and VBMI. Those this CPU lacks are skipped.
ISAS = ["scalar", "avx2,-avxvnni", "avx2", "avx512,-avx512vnni,-avx512vbmi", "avx512,-avx512vbmi", "native"]


def session_or_none(path, **options):
    try:
        return vigil.InferenceSession(path, **options)
    except vigil.BadInput as error:
        if "this CPU cannot run" in str(error):
            return None
        raise


@pytest.fixture(scope="module")
def images(fashion_mnist_test):
    return fashion_mnist_test[0][:32]


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda w: f"w{w[0]}a{w[1]}{'_narrow' if w[2] else ''}")
def model(request, tmp_path_factory):
    weight_bits, activation_bits, narrow = request.param
    model = lowbit_cnn(weight_bits, activation_bits, seed=weight_bits * 10 + activation_bits, narrow_weights=narrow)
    onnx.checker.check_model(model)
    path = tmp_path_factory.mktemp("qonnx") / f"{model.graph.name}.onnx"
    onnx.save(model, str(path))
    return model, str(path)


@pytest.mark.parametrize("optimize", [True, False])
def test_outputs_are_the_exact_qonnx_result(model, images, optimize):
    proto, path = model
    (expected,) = run_reference(proto, {"image": images})
    for isa in ISAS:
        for threads in (1, 2):
            session = session_or_none(path, threads=threads, optimize=optimize, isa=isa)
            if session is None:
                continue
            (logits,) = session.run(None, {"image": images})
            np.testing.assert_array_equal(logits, expected.astype(np.float32), err_msg=f"{isa}, {threads} threads")


def test_layers_run_on_integer_kernels(model):
    _, path = model
    layers = vigil.profile(path, threads=1, runs=1)["layers"]
    for layer in layers:
        if layer["macs"] > 0:
            assert layer["op_type"] in ("vigil.QConv", "vigil.QGemm"), layer["name"]
            assert "reference" not in layer["algorithm"], layer["name"]
        assert layer["op_type"] not in ("DequantizeLinear", "Quant"), layer["name"]



# 64-channel models with a 512-wide hidden fully connected layer: the middle convolutions
# and the hidden layer suit the bit-serial path.
BIT_SERIAL_WIDTHS = [(1, 1), (1, 2), (2, 1), (2, 2), (2, 4)]


@pytest.fixture(scope="module", params=BIT_SERIAL_WIDTHS, ids=lambda w: f"w{w[0]}a{w[1]}")
def wide_model(request, tmp_path_factory):
    weight_bits, activation_bits = request.param
    model = lowbit_cnn(weight_bits, activation_bits, seed=weight_bits * 7 + activation_bits, width=64, hidden=512)
    path = tmp_path_factory.mktemp("qonnx") / f"{model.graph.name}.onnx"
    onnx.save(model, str(path))
    return model, str(path), weight_bits * activation_bits


def test_bit_serial_layers_are_exact_on_every_path(wide_model, images):
    """The middle convolutions and the hidden fully connected layer run bit-serial where
    weight planes x activation planes is at most 4 (with AVX-512 VPOPCNTDQ, and on the
    scalar path), on the int8 GEMM otherwise and under ABFT; the outputs equal the QONNX
    definition on every path, for one image (the product's single row) and for several."""
    proto, path, plane_pairs = wide_model
    few = images[:8]
    (single,) = run_reference(proto, {"image": images[:1]})
    for isa in ("scalar", "native"):
        (logits,) = vigil.InferenceSession(path, isa=isa).run(None, {"image": images[:1]})
        np.testing.assert_array_equal(logits, single.astype(np.float32), err_msg=isa)
    (expected,) = run_reference(proto, {"image": few})
    for isa in ISAS:
        for threads in (1, 2):
            session = session_or_none(path, threads=threads, isa=isa)
            if session is None:
                continue
            (logits,) = session.run(None, {"image": few})
            np.testing.assert_array_equal(logits, expected.astype(np.float32), err_msg=f"{isa}, {threads} threads")
    checked = vigil.InferenceSession(path, abft="fused", abft_mode="correct")
    np.testing.assert_array_equal(checked.run(None, {"image": few})[0], expected.astype(np.float32))
    flags = open("/proc/cpuinfo").read()
    for isa in ("native", "scalar"):
        if isa == "native" and "avx512_vpopcntdq" not in flags:
            continue
        layers = vigil.profile(path, threads=1, runs=1, isa=isa)["layers"]
        for layer in layers:
            if layer["name"] in ("conv2", "conv3", "hidden"):
                bit_serial = layer["algorithm"].startswith("bitserial")
                assert bit_serial == (plane_pairs <= 4), f"{isa} {layer}"
                # Placed against the 1-bit peak shared by its plane pairs.
                assert layer["data_type"] == ("bit-serial" if bit_serial else "int8"), layer
                assert layer["plane_pairs"] == (plane_pairs if bit_serial else 0), layer


def test_a_session_planned_under_a_smaller_budget_stays_exact(images, tmp_path):
    """The bit-serial buffers are sized for the activation planes the CPU's budget allowed
    when the session planned; a later session that widens the active instruction sets (they
    are the process's) must not let the first one write more planes than it holds."""
    flags = open("/proc/cpuinfo").read()
    if "avx512_vpopcntdq" not in flags or "avx_vnni" not in flags:
        pytest.skip("needs AVX-512 VPOPCNTDQ and AVX-VNNI")
    proto = lowbit_cnn(1, 2, seed=5, width=64)
    path = str(tmp_path / "w1a2.onnx")
    onnx.save(proto, path)
    (expected,) = run_reference(proto, {"image": images[:2]})
    narrow = vigil.InferenceSession(path, isa="avx2")  # AVX-VNNI int8: one plane pair
    np.testing.assert_array_equal(narrow.run(None, {"image": images[:2]})[0], expected.astype(np.float32))
    vigil.InferenceSession(path, isa="native")  # VPOPCNTDQ: four plane pairs from now on
    np.testing.assert_array_equal(narrow.run(None, {"image": images[:2]})[0], expected.astype(np.float32))
