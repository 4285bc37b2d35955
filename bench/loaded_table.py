#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""vigil against ONNX Runtime on a shared machine: latency with busy loops beside both engines.

Builds nothing: it runs an existing vigil binary. For each model and each load (0, 1, 2 and 3
single-threaded busy loops, started before and stopped after the invocation), it runs
`vigil bench MODEL --threads T --peer ort` (vigil and ONNX Runtime timed in alternating
blocks in one invocation, so both engines meet the same load) and prints a markdown table
of median and p90 latency for both, with the ratios ORT / vigil (above 1: vigil is faster).
The model files are speed_table.py's (fp32 from export_models.py; int8 written when missing).

    /usr/bin/python3 bench/loaded_table.py [--precision fp32|int8] [--vigil build/vigil]
        [--models-dir bench/models] [--model NAME]... [--loads 0 1 2 3] [--threads 2] [--runs 40]
        [--warmup 10] [--json FILE]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

from speed_table import model_file

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(BENCH_DIR)
MODELS = ["resnet18", "resnet50", "mobilenet_v2", "transformer_encoder"]
BUSY_LOOP = ["sh", "-c", "while :; do :; done"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--precision", choices=["fp32", "int8"], default="fp32")
    parser.add_argument("--vigil", default=os.path.join(REPO_DIR, "build", "vigil"), help="the vigil binary")
    parser.add_argument("--models-dir", default=os.path.join(BENCH_DIR, "models"))
    parser.add_argument("--model", action="append", choices=MODELS, help="only these models (repeat)")
    parser.add_argument("--loads", type=int, nargs="+", default=[0, 1, 2, 3], help="busy loops beside the engines")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=40, help="timed runs per engine")
    parser.add_argument("--warmup", type=int, default=10, help="untimed runs per engine first")
    parser.add_argument("--json", help="also write every `vigil bench` report, in one JSON list, here")
    return parser.parse_args()


def bench_under_load(args, model_path, loads):
    """`vigil bench --peer ort` with `loads` busy loops running beside it; its JSON report."""
    loops = [subprocess.Popen(BUSY_LOOP) for _ in range(loads)]
    try:
        with tempfile.TemporaryDirectory() as scratch:
            report_path = os.path.join(scratch, "bench.json")
            subprocess.run([args.vigil, "bench", model_path, "--threads", str(args.threads), "--warmup",
                            str(args.warmup), "--runs", str(args.runs), "--peer", "ort", "--json", report_path],
                           check=True, stdout=subprocess.DEVNULL)
            with open(report_path) as report:
                return json.load(report)
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def main():
    args = parse_args()
    models = args.model or MODELS
    reports = []
    print(f"{args.precision}, {args.threads} threads, {args.runs} timed runs per engine; median / p90 ms; "
          "ratio = ORT / vigil\n")
    print("| model | busy loops | vigil median / p90 | ORT median / p90 | ratio median | ratio p90 |")
    print("|---|---:|---:|---:|---:|---:|")
    for model in models:
        path = model_file(args, model, args.precision)
        if not os.path.exists(path):
            sys.exit(f"loaded_table: {path} is missing (bench/export_models.py writes it)")
        for loads in args.loads:
            report = bench_under_load(args, path, loads)
            report["busy_loops"] = loads
            reports.append(report)
            peer = report["peer"]
            print(f"| {model} | {loads} | {report['median_ms']:.2f} / {report['p90_ms']:.2f} | "
                  f"{peer['median_ms']:.2f} / {peer['p90_ms']:.2f} | {peer['median_ms'] / report['median_ms']:.2f} | "
                  f"{peer['p90_ms'] / report['p90_ms']:.2f} |", flush=True)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(reports, out, indent=1)


if __name__ == "__main__":
    main()
