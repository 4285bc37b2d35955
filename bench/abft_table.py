#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The tables of ABFT's cost and clean-run record on the four benchmark models, fp32 and int8.

Builds nothing: it runs an existing vigil binary, on the files speed_table.py uses (it writes
the missing ones the same way). For each precision, model, thread count and scheme it runs
`vigil bench MODEL --abft SCHEME`, which times vigil with and without ABFT in alternating
blocks of one invocation, and prints the markdown table of the medians and the overhead.
With `--clean-runs N` it then runs `vigil run MODEL --random-inputs --repeat N --abft SCHEME`
(N inferences, each on fresh seeded random inputs) and prints how many checks ran and how
many failed: a failure on a clean run is a false positive.

    /usr/bin/python3 bench/abft_table.py [--precision fp32 int8] [--vigil build/vigil]
        [--models-dir bench/models] [--model NAME]... [--threads 1 2] [--scheme fused separate full auto]
        [--runs 30] [--warmup 3] [--clean-runs 1000] [--json FILE]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import speed_table

SCHEMES = ["fused", "separate", "full", "auto"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--precision", nargs="+", choices=["fp32", "int8"], default=["fp32", "int8"])
    parser.add_argument("--vigil", default=os.path.join(speed_table.REPO_DIR, "build", "vigil"))
    parser.add_argument("--models-dir", default=os.path.join(speed_table.BENCH_DIR, "models"))
    parser.add_argument("--model", action="append", choices=speed_table.MODELS, help="only these models (repeat)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--scheme", nargs="+", choices=SCHEMES, default=SCHEMES)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per engine")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs per engine first")
    parser.add_argument("--clean-runs", type=int, default=0, help="inferences on random inputs per model and scheme")
    parser.add_argument("--json", help="also write every report, in one JSON list, here")
    return parser.parse_args()


def vigil_json(args, command):
    """Runs a vigil command with --json and returns its report, or the error of a detection
    (exit code 3: on a clean run, a false positive) as {"detected": message}."""
    with tempfile.TemporaryDirectory() as scratch:
        report = os.path.join(scratch, "report.json")
        result = subprocess.run([args.vigil] + command + ["--json", report], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        if result.returncode == 3:
            return {"detected": result.stderr.strip()}
        if result.returncode != 0:
            sys.exit(f"abft_table: vigil {' '.join(command)} failed: {result.stderr.strip()}")
        with open(report) as file:
            return json.load(file)


def main():
    args = parse_args()
    if not os.path.exists(args.vigil):
        sys.exit(f"abft_table: no vigil binary at {args.vigil} (build it first)")
    subprocess.run([sys.executable, os.path.join(speed_table.BENCH_DIR, "export_models.py"), args.models_dir],
                   check=True, stdout=subprocess.DEVNULL)
    models = args.model or speed_table.MODELS
    reports = []
    # Each scheme's cell: its own invocation's medians without and with ABFT, and the overhead.
    print("| precision | model | threads | " + " | ".join(f"{s}: off / on ms | {s} overhead" for s in args.scheme) + " |")
    print("|---|---|---:|" + "---:|---:|" * len(args.scheme))
    for precision in args.precision:
        for model in models:
            path = speed_table.model_file(args, model, precision)
            for threads in args.threads:
                cells = []
                for scheme in args.scheme:
                    report = vigil_json(args, ["bench", path, "--abft", scheme, "--threads", str(threads), "--runs",
                                               str(args.runs), "--warmup", str(args.warmup)])
                    report.update({"precision": precision, "scheme": scheme, "kind": "bench"})
                    reports.append(report)
                    off_ms = report["abft"]["unchecked"]["median_ms"]
                    cells.append(f"{off_ms:.2f} / {report['median_ms']:.2f} | {100 * report['abft']['overhead']:+.1f}%")
                print(f"| {precision} | {model} | {threads} | " + " | ".join(cells) + " |", flush=True)
    if args.clean_runs > 0:
        print()
        print("| precision | model | scheme | inferences | steps checked | products checked | lines compared | "
              "detections |")
        print("|---|---|---|---:|---:|---:|---:|---:|")
        for precision in args.precision:
            for model in models:
                path = speed_table.model_file(args, model, precision)
                for scheme in args.scheme:
                    report = vigil_json(args, ["run", path, "--random-inputs", "--repeat", str(args.clean_runs),
                                               "--abft", scheme, "--threads", str(max(args.threads))])
                    report.update({"precision": precision, "scheme": scheme, "kind": "clean_runs"})
                    reports.append(report)
                    if "detected" in report:
                        print(f"| {precision} | {model} | {scheme} | {args.clean_runs} | | | | stopped: "
                              f"{report['detected']} |", flush=True)
                        continue
                    abft = report["abft"]
                    duplicated = abft.get("duplicated_steps", 0)
                    covered = f"{abft['checked_steps']}" + (f" + {duplicated} duplicated" if duplicated else "")
                    print(f"| {precision} | {model} | {scheme} | {args.clean_runs} | {covered} of "
                          f"{abft['steps']} | {abft['products']} | {abft['lines']} | {abft['detections']} |",
                          flush=True)
    if args.json:
        with open(args.json, "w") as file:
            json.dump(reports, file, indent=1)


if __name__ == "__main__":
    main()
