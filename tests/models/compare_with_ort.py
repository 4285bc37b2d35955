# SPDX-License-Identifier: Apache-2.0
"""Compare vigil's outputs with ONNX Runtime's on the benchmark models.

For each model (resnet18, resnet50, mobilenet_v2, transformer_encoder) this
exports the ONNX file if it is missing (bench/export_models.py), draws a
seeded random input, runs it through `vigil run` and through ONNX Runtime
(bench/ort_run.js), and checks every output:

    max |vigil - ort| <= 1e-4 * max |ort|

With --precision int8 both engines run the same int8 model instead (MODEL_int8.onnx,
written as bench/speed_table.py writes it: static QDQ for the CNNs, dynamic for the
transformer); integer arithmetic that rounds differently at one place moves a result by a
quantization step, so the bound is 2e-2 * max |ort| there.

Run with Debian's interpreter (export needs its torch and onnx):
    /usr/bin/python3 tests/models/compare_with_ort.py --vigil build/vigil \\
        --models-dir bench/models --bench-dir bench [--model NAME]... [--threads N]

--self-check runs ONNX Runtime with its graph optimisations disabled in place
of vigil; it tests this harness (export, inputs, both runners, comparison)
where vigil cannot run the models yet. Exit status: 0 when every model
passes, 1 otherwise.
"""

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
import zlib

import numpy as np
import onnx

RELATIVE_TOLERANCE = {"fp32": 1e-4, "int8": 2e-2}
RUN_TIMEOUT_S = 900

ONNX_TO_NUMPY = {
    onnx.TensorProto.FLOAT: np.float32,
    onnx.TensorProto.DOUBLE: np.float64,
    onnx.TensorProto.FLOAT16: np.float16,
    onnx.TensorProto.INT64: np.int64,
    onnx.TensorProto.INT32: np.int32,
    onnx.TensorProto.INT8: np.int8,
    onnx.TensorProto.UINT8: np.uint8,
    onnx.TensorProto.BOOL: np.bool_,
}


def load_bench_module(bench_dir, module):
    path = os.path.join(bench_dir, module + ".py")
    spec = importlib.util.spec_from_file_location(module, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def output_file_name(name):
    """The file name both runners give an output: '/' and ':' become '_'."""
    return name.replace("/", "_").replace(":", "_") + ".npy"


def graph_inputs(model):
    """(name, numpy dtype, shape) of the inputs that are not initializers;
    symbolic or unknown dimensions become 1."""
    initializers = {init.name for init in model.graph.initializer}
    inputs = []
    for value in model.graph.input:
        if value.name in initializers:
            continue
        tensor_type = value.type.tensor_type
        if tensor_type.elem_type not in ONNX_TO_NUMPY:
            raise ValueError(f"input {value.name}: element type {tensor_type.elem_type} not handled")
        shape = [dim.dim_value if dim.HasField("dim_value") else 1 for dim in tensor_type.shape.dim]
        inputs.append((value.name, ONNX_TO_NUMPY[tensor_type.elem_type], shape))
    return inputs


def random_input(rng, dtype, shape):
    if np.issubdtype(dtype, np.floating):
        return rng.standard_normal(shape).astype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    return rng.integers(0, 10, size=shape).astype(dtype)


def run_command(command):
    """Runs a runner; returns (error text or None, seconds)."""
    start = time.monotonic()
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return f"timed out after {RUN_TIMEOUT_S} s", time.monotonic() - start
    except OSError as error:
        return f"could not start: {error}", 0.0
    seconds = time.monotonic() - start
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        return f"exit status {result.returncode}: {lines[-1] if lines else ''}", seconds
    return None, seconds


def compare_outputs(output_names, candidate_dir, reference_dir, tolerance):
    """Returns (max abs diff, bound, problem or None) over all outputs."""
    worst_diff, bound = 0.0, 0.0
    for name in output_names:
        file_name = output_file_name(name)
        paths = [os.path.join(d, file_name) for d in (candidate_dir, reference_dir)]
        missing = [p for p in paths if not os.path.exists(p)]
        if missing:
            return worst_diff, bound, f"output {name}: {missing[0]} was not written"
        candidate, reference = (np.load(p) for p in paths)
        if candidate.shape != reference.shape or candidate.dtype != reference.dtype:
            return worst_diff, bound, (f"output {name}: {candidate.dtype}{list(candidate.shape)}, "
                                       f"ONNX Runtime gave {reference.dtype}{list(reference.shape)}")
        candidate = candidate.astype(np.float64)
        reference = reference.astype(np.float64)
        if not np.array_equal(np.isfinite(candidate), np.isfinite(reference)):
            return worst_diff, bound, f"output {name}: non-finite values differ"
        finite = np.isfinite(reference)
        if reference[finite].size == 0:
            continue
        diff = float(np.max(np.abs(candidate[finite] - reference[finite])))
        worst_diff = max(worst_diff, diff)
        output_bound = tolerance * float(np.max(np.abs(reference[finite])))
        bound = max(bound, output_bound)
        if diff > output_bound:
            return worst_diff, bound, f"output {name}: max abs diff {diff:.3g} > bound {output_bound:.3g}"
    return worst_diff, bound, None


def check_model(name, args, exporter, work_dir):
    """Returns (passed, report line)."""
    model_path = os.path.join(args.models_dir, name + ".onnx")
    if not os.path.exists(model_path):
        print(f"{name}: exporting to {model_path}", flush=True)
        exporter.export_model(name, model_path)
    if args.precision == "int8":
        model_path = load_bench_module(args.bench_dir, "speed_table").model_file(args, name, "int8")
    model = onnx.load(model_path, load_external_data=False)
    output_names = [value.name for value in model.graph.output]

    rng = np.random.default_rng(zlib.crc32(name.encode()))
    input_args = []
    for input_name, dtype, shape in graph_inputs(model):
        path = os.path.join(work_dir, output_file_name(input_name))
        np.save(path, random_input(rng, dtype, shape))
        input_args += ["--input", f"{input_name}={path}"]
    thread_args = ["--threads", str(args.threads)] if args.threads else []

    ort_runner = ["node", os.path.join(args.bench_dir, "ort_run.js"), model_path]
    reference_dir = os.path.join(work_dir, "ort")
    if args.self_check:
        candidate_label = "ort-unoptimised"
        candidate = ort_runner + ["--optimization", "disabled"]
    else:
        candidate_label = "vigil"
        candidate = [args.vigil, "run", model_path]
    candidate_dir = os.path.join(work_dir, "candidate")

    error, candidate_s = run_command(candidate + input_args + ["--output", candidate_dir] + thread_args)
    if error:
        return False, f"{name}: FAIL ({candidate_label} {error})"
    error, reference_s = run_command(ort_runner + input_args + ["--output", reference_dir] + thread_args)
    if error:
        return False, f"{name}: FAIL (ONNX Runtime {error})"

    diff, bound, problem = compare_outputs(output_names, candidate_dir, reference_dir,
                                           RELATIVE_TOLERANCE[args.precision])
    verdict = "FAIL" if problem else "PASS"
    line = (f"{name} {args.precision}: max abs diff {diff:.3g}, bound {bound:.3g}, {verdict} "
            f"({candidate_label} {candidate_s:.1f} s, ort {reference_s:.1f} s)")
    if problem:
        line += f": {problem}"
    return problem is None, line


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vigil", help="path to the vigil binary")
    parser.add_argument("--models-dir", required=True, help="where the .onnx files are (or go)")
    parser.add_argument("--bench-dir", default="bench", help="the bench/ folder (export_models.py, ort_run.js)")
    parser.add_argument("--model", action="append", help="check only this model (repeatable)")
    parser.add_argument("--threads", type=int, default=0, help="threads for both runners")
    parser.add_argument("--precision", choices=["fp32", "int8"], default="fp32",
                        help="int8: both engines run the model's int8 form")
    parser.add_argument("--self-check", action="store_true",
                        help="compare ONNX Runtime unoptimised in place of vigil")
    args = parser.parse_args()
    if not args.self_check and not args.vigil:
        parser.error("--vigil is required (or --self-check)")
    if not os.path.exists(os.path.join(args.bench_dir, "node_modules", "onnxruntime-node")):
        parser.error(f"onnxruntime-node is not installed in {args.bench_dir} "
                     "(cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm install)")

    if args.precision == "int8" and not args.vigil:
        parser.error("--precision int8 needs --vigil (it writes the int8 models)")
    exporter = load_bench_module(args.bench_dir, "export_models")
    names = args.model or list(exporter.MODELS)
    unknown = [n for n in names if n not in exporter.MODELS]
    if unknown:
        parser.error(f"unknown model {unknown[0]} (known: {', '.join(exporter.MODELS)})")

    os.makedirs(args.models_dir, exist_ok=True)
    passed = failed = 0
    for name in names:
        with tempfile.TemporaryDirectory(prefix=f"vigil-compare-{name}-") as work_dir:
            ok, line = check_model(name, args, exporter, work_dir)
        print(line, flush=True)
        passed += ok
        failed += not ok
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
