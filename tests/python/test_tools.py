# SPDX-License-Identifier: Apache-2.0
"""The tools as functions: each runs the vigil command's code in this process and returns
its --json document as a dict; a bad flag raises the command's error line; --isa and
--max-memory do not outlive the call."""

import json
import os
import pathlib
import subprocess

import numpy as np
import pytest

import vigil


def test_info_describes_the_model(cnn_path):
    described = vigil.info(cnn_path)
    session = vigil.InferenceSession(cnn_path)
    assert [item["name"] for item in described["inputs"]] == [arg.name for arg in session.get_inputs()]


def test_quantize_writes_a_model_that_runs(cnn_path, tmp_path, fashion_mnist_test):
    out = tmp_path / "cnn_int8.onnx"
    report = vigil.quantize(cnn_path, out=out, calib="/usr/share/datasets/fashion-mnist", calib_limit=200)
    assert out.exists() and isinstance(report, dict) and report
    images, labels = fashion_mnist_test
    session = vigil.InferenceSession(out)
    name = session.get_inputs()[0].name
    (logits,) = session.run(None, {name: images[:1000]})
    assert (logits.argmax(axis=1) == labels[:1000]).mean() > 0.85


def test_profile_returns_every_layer(cnn_path):
    report = vigil.profile(cnn_path, runs=3)
    assert report["threads"] == 1 and report["runs"] == 3
    assert report["layers"] and all(layer["ms"] >= 0 for layer in report["layers"])
    assert report["macs"] > 0


def test_predict_and_abft(cnn_path):
    arch = str(pathlib.Path(__file__).resolve().parents[2] / "src" / "accel" / "specs" / "eyeriss.yaml")
    predicted = vigil.predict(cnn_path, arch=arch)
    assert predicted["arch"] == "eyeriss" and predicted["total"] and predicted["layers"]
    checks = vigil.abft(cnn_path, runs=3)
    assert checks and isinstance(checks, dict)


def test_bad_flags_raise_the_command_line_error(cnn_path, vigil_binary):
    command = subprocess.run([vigil_binary, "profile", cnn_path, "--runs", "0"], capture_output=True, text=True)
    assert command.returncode == 2
    with pytest.raises(vigil.BadInput) as raised:
        vigil.profile(cnn_path, runs=0)
    assert command.stderr.strip() == "vigil: error: " + str(raised.value)
    with pytest.raises(vigil.BadInput, match="no-such-flag"):
        vigil.profile(cnn_path, no_such_flag=True)
    with pytest.raises(TypeError):
        vigil.profile(cnn_path, json="x.json")


def test_isa_and_max_memory_do_not_outlive_the_call(cnn_path):
    before = vigil.active_isa()
    vigil.profile(cnn_path, runs=1, isa="scalar")
    assert vigil.active_isa() == before
    with pytest.raises(vigil.BadInput, match="budget|memory"):
        vigil.profile(cnn_path, runs=1, max_memory="1K")
    session = vigil.InferenceSession(cnn_path)
    name = session.get_inputs()[0].name
    session.run(None, {name: np.zeros((1, 1, 28, 28), np.float32)})


def test_run_command_prints_as_the_command_does(cnn_path, capfd):
    exit_code, message = vigil.run_command(["info", cnn_path])
    assert (exit_code, message) == (0, "")
    assert os.path.basename(cnn_path) in capfd.readouterr().out


def test_inject_gives_the_commands_campaign(cnn_path, vigil_binary, tmp_path):
    flags = {"dataset": "/usr/share/datasets/fashion-mnist", "images": 4, "injections": 200, "seed": 5}
    campaign = vigil.inject(cnn_path, **flags)
    subprocess.run([vigil_binary, "inject", cnn_path, "--dataset", flags["dataset"], "--images", "4", "--injections",
                    "200", "--seed", "5", "--json", str(tmp_path / "inject.json")], check=True, capture_output=True)
    expected = json.loads((tmp_path / "inject.json").read_text())
    timings = {"seconds", "setup_seconds", "injections_per_second", "injections_per_second_after_setup"}
    assert {key: value for key, value in campaign.items() if key not in timings} == \
        {key: value for key, value in expected.items() if key not in timings}
    assert campaign["injections"] == 200


def test_peaks_reports_the_roofline():
    measured = vigil.peaks()
    assert measured["cores"] >= 1
    assert measured["int8_gops"]["one_core"] > 0 and measured["triad_gbs"]["all_cores"] > 0
