# SPDX-License-Identifier: Apache-2.0
"""Fault injection the way PyTorchFI does it, as the baseline for `vigil inject`.

The ONNX graph is run node by node in PyTorch eager mode (torch.nn.functional), and
every injection runs the whole inference again with one bit of one node output flipped,
as a PyTorchFI forward hook does. Two uses:

  throughput: injections per second, one inference per injection (batch 1) and
  PyTorchFI's batched mode (every image of a batch carries its own fault):
      /usr/bin/python3 bench/inject_torch.py MODEL --throughput 2000 --threads 2

  validation: replays the injections of a `vigil inject --site outputs --no-optimize
  --csv FILE` campaign (same node, element and bit) and compares each faulty output with
  vigil's (top-1 class and the largest change of a logit):
      /usr/bin/python3 bench/inject_torch.py MODEL --validate FILE --dataset DIR

Needs Debian's python3-torch, python3-onnx and python3-numpy.
"""

import argparse
import csv
import gzip
import json
import math
import os
import struct
import sys
import time

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn.functional as F


def attributes(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


class OnnxInTorch:
    """The graph as a list of torch functions, one per node, over named values."""

    def __init__(self, path):
        model = onnx.load(path)
        self.graph = model.graph
        self.values = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in self.graph.initializer}
        self.input = self.graph.input[0].name
        self.output = self.graph.output[0].name
        self.nodes = [(node, self.function(node)) for node in self.graph.node]

    def function(self, node):
        a = attributes(node)
        op = node.op_type
        if op == "Constant":
            value = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
            return lambda *_: value
        if op in ("Sub", "Div", "Add", "Mul"):
            return {"Sub": torch.sub, "Div": torch.div, "Add": torch.add, "Mul": torch.mul}[op]
        if op == "Relu":
            return F.relu
        if op == "Conv":
            pads = a.get("pads", [0, 0, 0, 0])
            assert pads[0] == pads[2] and pads[1] == pads[3], "asymmetric padding"
            return lambda x, w, b=None: F.conv2d(x, w, b, a.get("strides", [1, 1]), pads[:2], a.get("dilations", [1, 1]),
                                                 a.get("group", 1))
        if op == "MaxPool":
            pads = a.get("pads", [0, 0, 0, 0])
            return lambda x: F.max_pool2d(x, a["kernel_shape"], a.get("strides", a["kernel_shape"]), pads[:2])
        if op == "GlobalAveragePool":
            return lambda x: x.mean(dim=(2, 3), keepdim=True)
        if op == "Flatten":
            return lambda x: torch.flatten(x, a.get("axis", 1))
        if op == "Gemm":
            assert a.get("transA", 0) == 0
            return lambda x, w, b=None: F.linear(x, w if a.get("transB", 0) else w.t(), b)
        raise SystemExit(f"{op} is not supported by this script")

    def run(self, image, fault=None):
        """fault: (node name, flat element, bit) on the node's first output, per batch row
        a list of them (None for a row without one)."""
        env = dict(self.values)
        env[self.input] = image
        for node, fn in self.nodes:
            out = fn(*[env[name] for name in node.input if name])
            if fault is not None:
                out = corrupt(node.name, out, fault)
            env[node.output[0]] = out
        return env[self.output]

    def output_sizes(self, image):
        """Elements of each node's first output per batch row (Constants excluded)."""
        sizes = {}
        env = dict(self.values)
        env[self.input] = image
        for node, fn in self.nodes:
            out = fn(*[env[name] for name in node.input if name])
            env[node.output[0]] = out
            if node.op_type != "Constant":
                sizes[node.name] = out[0].numel() if out.dim() > 0 and out.shape[0] == image.shape[0] else out.numel()
        return sizes


def corrupt(name, out, faults):
    hit = [(row, f) for row, f in enumerate(faults) if f is not None and f[0] == name]
    if not hit:
        return out
    out = out.clone()
    bits = out.numpy().reshape(out.shape[0], -1).view(np.uint32)
    for row, (_, element, bit) in hit:
        bits[row, element] ^= np.uint32(1 << bit)
    return out


def read_idx_images(folder, count):
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            data = (gzip.open if name.endswith(".gz") else open)(path, "rb").read()
            _, n, rows, cols = struct.unpack(">IIII", data[:16])
            pixels = np.frombuffer(data, np.uint8, count * rows * cols, 16)
            return pixels.reshape(count, 1, rows, cols).astype(np.float32) / 255.0
    raise SystemExit(f"no t10k images in {folder}")


def throughput(net, image, injections, batch, seed):
    sizes = net.output_sizes(image[:1])
    names = list(sizes)
    weights = np.array([sizes[n] for n in names], dtype=np.float64)
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(names), size=injections, p=weights / weights.sum())
    faults = [(names[p], int(rng.integers(sizes[names[p]])), int(rng.integers(32))) for p in picks]
    images = image[:1].expand(batch, *image.shape[1:]).contiguous()
    golden = net.run(images)
    start = time.perf_counter()
    critical = 0
    for first in range(0, injections, batch):
        chunk = faults[first:first + batch]
        chunk += [None] * (batch - len(chunk))
        with torch.no_grad():
            out = net.run(images, chunk)
        critical += int((out.argmax(1) != golden.argmax(1)).sum())
    seconds = time.perf_counter() - start
    return injections / seconds, critical


def validate(net, csv_path, dataset, tolerance):
    """Replays vigil's injections; counts where the two engines agree."""
    rows = [r for r in csv.DictReader(open(csv_path)) if r["site"] == "outputs" and r["fault"] == "flip"]
    images = torch.from_numpy(read_idx_images(dataset, max(int(r["input"]) for r in rows) + 1))
    counts = {"injections": len(rows), "both_finite": 0, "same_top1": 0, "same_change": 0, "both_not_finite": 0,
              "vigil_not_finite_torch_finite": 0, "torch_not_finite_vigil_finite": 0}
    worst = 0.0
    for r in rows:
        image = images[int(r["input"])][None]
        with torch.no_grad():
            golden = net.run(image)
            faulty = net.run(image, [(r["node"], int(r["element"]), int(r["bit"]))])
        change = (faulty - golden).abs().max().item()
        vigil_change = float(r["output_change"]) if r["output_change"] not in ("", "nan") else math.nan
        if not math.isfinite(change) or not math.isfinite(vigil_change):
            key = ("both_not_finite" if not math.isfinite(change) and not math.isfinite(vigil_change) else
                   "vigil_not_finite_torch_finite" if math.isfinite(change) else "torch_not_finite_vigil_finite")
            counts[key] += 1
            continue
        counts["both_finite"] += 1
        counts["same_top1"] += int(r["top1"]) == int(faulty.argmax(1)[0])
        # The changes agree within the tolerance of the logits' scale (or of the change
        # itself, when a flip made it huge).
        scale = max(1.0, golden.abs().max().item(), change)
        counts["same_change"] += abs(change - vigil_change) <= tolerance * scale
        worst = max(worst, abs(change - vigil_change) / scale)
    counts["worst_relative_difference"] = worst
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--throughput", type=int, default=0, help="injections to time")
    parser.add_argument("--batch", type=int, default=1, help="injections per forward pass (PyTorchFI's batch mode)")
    parser.add_argument("--validate", help="CSV of a vigil inject campaign to replay")
    parser.add_argument("--dataset", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="write the result as JSON to this file")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_grad_enabled(False)
    net = OnnxInTorch(args.model)
    result = {"model": os.path.basename(args.model), "threads": args.threads, "torch": torch.__version__}
    if args.validate:
        result.update(validate(net, args.validate, args.dataset, args.tolerance))
    if args.throughput:
        shape = [d.dim_value or 1 for d in net.graph.input[0].type.tensor_type.shape.dim]
        image = torch.from_numpy(np.random.default_rng(args.seed).random(shape, dtype=np.float32))
        rate, critical = throughput(net, image, args.throughput, args.batch, args.seed)
        result.update({"injections": args.throughput, "batch": args.batch, "injections_per_second": rate,
                       "critical": critical})
    print(json.dumps(result, indent=2))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=2)


if __name__ == "__main__":
    sys.exit(main())
