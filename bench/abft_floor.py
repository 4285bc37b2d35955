#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The least a checksum can cost on each benchmark model, against what the fused check costs.

Builds nothing: it runs an existing vigil binary. For each model it runs `vigil abft MODEL
--json` (every layer timed without ABFT and under each scheme, in turns) and reads each
checked product's shape from the ONNX file. A check of C = W X (W the weights, w_out x k,
whose checksum e^T W is encoded when they are packed; X the activations, k x n) must read
every value of X once to predict the sums of C, and every value of C once to add them up.
In fp32 that is two multiply-adds per value of X (the prediction and its rounding bound
over absolute values) and one add per value of C: 2 / w_out + 1 / k of the product's
multiply-adds, 2 / n more where a product of two activations (attention) encodes one of
them on the fly; for Winograd, each transform point's product, k the input channels. The
floor of a layer is that fraction of its time without ABFT (the check's arithmetic at the
product's own efficiency); the model's floor is their sum over the model's time. int8
products get no floor: on the small depths of MobileNet their time goes to requantization
more than to their dot products, so a share of instructions does not bound a share of
time. Depthwise convolutions are not products: int8 checks them by a weighted sum of their
padded input (docs/abft.md), fp32 `fused` does not check them; their measured cost is listed on
its own.

    /usr/bin/python3 bench/abft_floor.py [--vigil build/vigil] [--models-dir bench/models]
        [--model NAME]... [--precision fp32 int8] [--threads 1] [--runs 15]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import onnx
from onnx import shape_inference

import speed_table


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vigil", default=os.path.join(speed_table.REPO_DIR, "build", "vigil"))
    parser.add_argument("--models-dir", default=os.path.join(speed_table.BENCH_DIR, "models"))
    parser.add_argument("--model", action="append", choices=speed_table.MODELS, help="only these models (repeat)")
    parser.add_argument("--precision", nargs="+", choices=["fp32", "int8"], default=["fp32", "int8"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=15)
    return parser.parse_args()


class Shapes:
    """The static shapes of a model's values and the constant (or dequantized constant) ones."""

    def __init__(self, path):
        model = shape_inference.infer_shapes(onnx.load(path))
        graph = model.graph
        self.nodes = {node.name: node for node in graph.node}
        self.values = {}
        for value in list(graph.value_info) + list(graph.input) + list(graph.output):
            self.values[value.name] = [d.dim_value for d in value.type.tensor_type.shape.dim]
        self.constants = {init.name: list(init.dims) for init in graph.initializer}
        self.producers = {out: node for node in graph.node for out in node.output}

    def constant(self, name):
        """The dims of a constant, looking through DequantizeLinear, Transpose-free QDQ weights."""
        if name in self.constants:
            return self.constants[name]
        producer = self.producers.get(name)
        if producer is not None and producer.op_type == "DequantizeLinear":
            return self.constants.get(producer.input[0])
        return None

    def shape(self, name):
        return self.constant(name) or self.values.get(name)


def product_shape(shapes, layer):
    """(w_out, n, k, on_the_fly) of a checked layer, or None where it is not a product."""
    node = shapes.nodes.get(layer["name"])
    if node is None or layer["algorithm"].startswith("depthwise"):
        return None
    if node.op_type in ("Conv", "ConvInteger"):
        weights, output = shapes.constant(node.input[1]), shapes.values.get(node.output[0])
        if weights is None or output is None:
            return None
        groups = next((a.i for a in node.attribute if a.name == "group"), 1)
        k = weights[1] if layer["algorithm"].startswith("winograd") else weights[1] * weights[2] * weights[3]
        return weights[0] // groups, output[2] * output[3], k, False
    if node.op_type in ("MatMul", "MatMulInteger", "Gemm"):
        a, b = shapes.shape(node.input[0]), shapes.shape(node.input[1])
        if a is None or b is None:
            return None
        trans_b = any(attr.name == "transB" and attr.i for attr in node.attribute)
        k = a[-1]
        rows = 1
        for d in a[:-1]:
            rows *= d
        if shapes.constant(node.input[1]) is not None:
            return (b[0] if trans_b else b[-1]), rows, k, False
        # Two activations: batched (heads) products, rows of one head.
        return a[-2], b[-1], k, True
    return None


def floor_fraction(w_out, n, k, on_the_fly):
    return 2.0 / w_out + 1.0 / k + (2.0 / n if on_the_fly else 0.0)


def main():
    args = parse_args()
    rows = []
    for precision in args.precision:
        for model in args.model or speed_table.MODELS:
            path = speed_table.model_file(args, model, precision)
            with tempfile.TemporaryDirectory() as scratch:
                report = os.path.join(scratch, "abft.json")
                command = [args.vigil, "abft", path, "--threads", str(args.threads), "--runs", str(args.runs),
                           "--json", report]
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
                with open(report) as f:
                    abft = json.load(f)
            shapes = Shapes(path)
            floor_ms = product_ms = product_cost_ms = depthwise_ms = depthwise_cost_ms = 0.0
            for layer in abft["layers"]:
                if not layer.get("fused_checked"):
                    continue
                cost = layer["fused_ms"] - layer["off_ms"]
                shape = product_shape(shapes, layer)
                if shape is None:
                    depthwise_ms += layer["off_ms"]
                    depthwise_cost_ms += cost
                    continue
                floor_ms += floor_fraction(*shape) * layer["off_ms"]
                product_ms += layer["off_ms"]
                product_cost_ms += cost
            off = abft["off_ms"]
            floor = f"{100 * floor_ms / off:.1f}%" if precision == "fp32" else "-"
            rows.append((precision, model, off, 100 * (abft["fused_ms"] - off) / off, 100 * product_ms / off,
                         100 * product_cost_ms / off, floor, 100 * depthwise_ms / off, 100 * depthwise_cost_ms / off))
            print(f"{precision} {model}: done", file=sys.stderr)
    print(f"`vigil abft MODEL --threads {args.threads} --runs {args.runs}`; shares of the model's time without ABFT:\n")
    print("| precision | model | off ms | fused, whole model | products' time | products' check | products' floor "
          "| other checked layers' time | their check |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]:.2f} | {r[3]:+.1f}% | {r[4]:.0f}% | {r[5]:+.1f}% | {r[6]} | "
              f"{r[7]:.0f}% | {r[8]:+.1f}% |")


if __name__ == "__main__":
    main()
