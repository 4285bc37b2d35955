# SPDX-License-Identifier: Apache-2.0
"""Throughput of fault-injection campaigns: vigil inject against its baselines.

For the shipped Fashion-MNIST CNN (on test images) and ResNet-50 (bench/models, a random
input), all with 2 threads, single bit flips in node outputs:
  - vigil inject, replaying each faulty inference from the faulted step (the default);
  - vigil inject --no-reuse, running every faulty inference in full;
  - PyTorchFI-style full re-execution in PyTorch eager mode, one inference per injection
    and batched (every image of a batch carries its own fault), bench/inject_torch.py.
Each figure is the median over --repeats runs; vigil's rate is given with and without
its set-up (loading, packing and tracing in every worker).

    /usr/bin/python3 bench/inject_table.py [--vigil build/vigil] [--repeats 3] [--json FILE]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATASET = "/usr/share/datasets/fashion-mnist"

# model, vigil inputs, injections (replay, whole), torch injections (single, batched), torch batch
CASES = [
    ("models/fashion_mnist_cnn.onnx", ["--dataset", DATASET, "--images", "100"], 20000, 5000, 1000, 8192, 64),
    ("bench/models/resnet50.onnx", [], 1000, 200, 30, 64, 8),
]


def vigil_rate(vigil, model, inputs, injections, reuse):
    with tempfile.TemporaryDirectory() as scratch:
        report = os.path.join(scratch, "report.json")
        command = [vigil, "inject", os.path.join(ROOT, model), *inputs, "--injections", str(injections), "--threads",
                   "2", "--json", report] + ([] if reuse else ["--no-reuse"])
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        data = json.load(open(report))
    return data["injections_per_second"], data["injections_per_second_after_setup"], data["mean_steps_run"], data["steps"]


def torch_rate(model, injections, batch):
    with tempfile.TemporaryDirectory() as scratch:
        report = os.path.join(scratch, "report.json")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench/inject_torch.py"), os.path.join(ROOT, model),
                        "--throughput", str(injections), "--batch", str(batch), "--threads", "2", "--json", report],
                       check=True, stdout=subprocess.DEVNULL)
        return json.load(open(report))["injections_per_second"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vigil", default=os.path.join(ROOT, "build/vigil"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()
    rows = []
    print("| model | vigil replay | (after set-up) | steps run | vigil --no-reuse | PyTorch, batch 1 | PyTorch, "
          "batched | replay / no-reuse | replay / PyTorch batch 1 | replay / PyTorch batched |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for model, inputs, replay_n, whole_n, torch_n, torch_batched_n, batch in CASES:
        replay, whole, single, batched = [], [], [], []
        for _ in range(args.repeats):
            replay.append(vigil_rate(args.vigil, model, inputs, replay_n, True))
            whole.append(vigil_rate(args.vigil, model, inputs, whole_n, False)[0])
            single.append(torch_rate(model, torch_n, 1))
            batched.append(torch_rate(model, torch_batched_n, batch))
        row = {"model": os.path.basename(model),
               "vigil_replay": statistics.median(r[0] for r in replay),
               "vigil_replay_after_setup": statistics.median(r[1] for r in replay),
               "mean_steps_run": replay[0][2], "steps": replay[0][3],
               "vigil_no_reuse": statistics.median(whole),
               "torch_batch_1": statistics.median(single),
               "torch_batched": statistics.median(batched), "torch_batch": batch}
        rows.append(row)
        print(f"| {row['model']} | {row['vigil_replay']:.0f}/s | {row['vigil_replay_after_setup']:.0f}/s | "
              f"{row['mean_steps_run']:.1f} of {row['steps']} | {row['vigil_no_reuse']:.0f}/s | "
              f"{row['torch_batch_1']:.1f}/s | {row['torch_batched']:.1f}/s (batch {batch}) | "
              f"{row['vigil_replay'] / row['vigil_no_reuse']:.2f}x | {row['vigil_replay'] / row['torch_batch_1']:.1f}x | "
              f"{row['vigil_replay'] / row['torch_batched']:.1f}x |", flush=True)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"repeats": args.repeats, "threads": 2, "rows": rows}, out, indent=2)


if __name__ == "__main__":
    main()
