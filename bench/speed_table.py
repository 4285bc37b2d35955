#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The speed table of vigil against ONNX Runtime on the four benchmark models, fp32 or int8.

Builds nothing: it runs an existing vigil binary. Exports the models that are missing
(export_models.py); for int8 it writes the quantized models that are missing:
the CNNs as static QDQ in ONNX Runtime's quantizer layout (ort_qdq_quantize.py: U8S8,
per-channel weights), the transformer encoder with `vigil quantize --dynamic` (ONNX
Runtime's dynamic layout). Then it runs `vigil bench MODEL --peer ort` on each model at each
thread count (vigil and ONNX Runtime timed in alternating blocks in one invocation, on the
same file) and prints a markdown table of the medians with the ratio ORT / vigil (above 1:
vigil is faster), then the speed-up of the largest thread count over one thread. With
`--precision fp32 int8` it also prints vigil's int8 speed-up over its fp32 per cell.

    /usr/bin/python3 bench/speed_table.py [--precision fp32|int8 ...] [--vigil build/vigil]
        [--models-dir bench/models] [--model NAME]... [--threads 1 2] [--runs 20]
        [--warmup 3] [--json FILE]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(BENCH_DIR)
MODELS = ["resnet18", "resnet50", "mobilenet_v2", "transformer_encoder"]
DYNAMIC = {"transformer_encoder"}  # quantized dynamically; the others statically (QDQ)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--precision", nargs="+", choices=["fp32", "int8"], default=["fp32"])
    parser.add_argument("--vigil", default=os.path.join(REPO_DIR, "build", "vigil"), help="the vigil binary")
    parser.add_argument("--models-dir", default=os.path.join(BENCH_DIR, "models"))
    parser.add_argument("--model", action="append", choices=MODELS, help="only these models (repeat)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per engine")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs per engine first")
    parser.add_argument("--json", help="also write every `vigil bench` report, in one JSON list, here")
    return parser.parse_args()


def model_file(args, model, precision):
    """The model's file for `precision`, written first if missing."""
    path = os.path.join(args.models_dir, model + ".onnx")
    if precision == "fp32":
        return path
    int8_path = os.path.join(args.models_dir, model + "_int8.onnx")
    if not os.path.exists(int8_path):
        if model in DYNAMIC:
            command = [args.vigil, "quantize", path, "--dynamic", "--out", int8_path]
        else:
            command = [sys.executable, os.path.join(BENCH_DIR, "ort_qdq_quantize.py"), path, int8_path,
                       "--vigil", args.vigil]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return int8_path


def bench(args, model_path, threads):
    """One `vigil bench --peer ort` run: its JSON report."""
    with tempfile.TemporaryDirectory() as scratch:
        report = os.path.join(scratch, "bench.json")
        command = [args.vigil, "bench", model_path, "--peer", "ort", "--threads", str(threads),
                   "--runs", str(args.runs), "--warmup", str(args.warmup), "--json", report]
        result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            sys.exit(f"speed_table: {' '.join(command)} failed: {result.stderr.strip()}")
        with open(report) as file:
            return json.load(file)


def print_table(args, reports, precision, models):
    rows = [r for r in reports if r["precision"] == precision]
    first = rows[0]
    print(f"\n{precision}: vigil {first['isa']} against {first['peer']['name']}, "
          f"medians of {args.runs} runs after {args.warmup} warm-up runs, batch 1\n")
    print("| model | threads | vigil median ms | ORT median ms | ratio ORT/vigil |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['model_name']} | {r['threads']} | {r['median_ms']:.2f} | {r['peer']['median_ms']:.2f} "
              f"| {r['ratio_vs_peer']:.2f} |")
    low, high = min(args.threads), max(args.threads)
    if low != high:
        print(f"\n| model | vigil speed-up {high}t/{low}t | ORT speed-up {high}t/{low}t |")
        print("|---|---:|---:|")
        for model in models:
            at = {r["threads"]: r for r in rows if r["model_name"] == model}
            print(f"| {model} | {at[low]['median_ms'] / at[high]['median_ms']:.2f} "
                  f"| {at[low]['peer']['median_ms'] / at[high]['peer']['median_ms']:.2f} |")


def main():
    args = parse_args()
    if not os.access(args.vigil, os.X_OK):
        sys.exit(f"speed_table: no vigil binary at {args.vigil} (build it, or give --vigil)")
    models = args.model or MODELS
    missing = [m for m in models if not os.path.exists(os.path.join(args.models_dir, m + ".onnx"))]
    if missing:
        export = [sys.executable, os.path.join(BENCH_DIR, "export_models.py"), args.models_dir]
        for model in missing:
            export += ["--model", model]
        subprocess.run(export, check=True)

    reports = []
    for model in models:
        for precision in args.precision:
            path = model_file(args, model, precision)
            for threads in args.threads:
                report = bench(args, path, threads)
                report["model_name"] = model
                report["precision"] = precision
                reports.append(report)
                print(f"{model} {precision} at {threads} thread(s): vigil {report['median_ms']:.2f} ms, "
                      f"ORT {report['peer']['median_ms']:.2f} ms", file=sys.stderr)

    for precision in args.precision:
        print_table(args, reports, precision, models)
    if set(args.precision) == {"fp32", "int8"}:
        print("\n| model | threads | vigil fp32 ms | vigil int8 ms | int8 speed-up |")
        print("|---|---:|---:|---:|---:|")
        for model in models:
            for threads in args.threads:
                at = {r["precision"]: r for r in reports if r["model_name"] == model and r["threads"] == threads}
                print(f"| {model} | {threads} | {at['fp32']['median_ms']:.2f} | {at['int8']['median_ms']:.2f} "
                      f"| {at['fp32']['median_ms'] / at['int8']['median_ms']:.2f} |")

    if args.json:
        with open(args.json, "w") as file:
            json.dump(reports, file, indent=2)


if __name__ == "__main__":
    main()
