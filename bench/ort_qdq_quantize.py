# SPDX-License-Identifier: Apache-2.0
"""Write a static int8 QDQ model in the layout ONNX Runtime's quantizer writes.

ONNX Runtime's Python quantizer (quantize_static with QuantFormat.QDQ, QUInt8
activations, QInt8 weights, per_channel=True: its documented "U8S8" default) is
not packaged for Debian, so this script writes that format itself, from the
documentation, as an independent check on `vigil quantize`:

- every quantized activation tensor gets QuantizeLinear -> DequantizeLinear
  right after its producer, and all its consumers read the DequantizeLinear;
  uint8, asymmetric, range [min(min, 0), max(max, 0)] over the calibration runs;
- Conv, Gemm and MatMul weights are int8 initializers, symmetric per output
  channel (scale = max|w| / 127), behind a DequantizeLinear with axis; biases
  are int32 with scale x_scale * w_scale, behind a DequantizeLinear;
- a Relu or Clip whose input only it reads is removed, and its producer's
  output takes the activation's range (ONNX Runtime's QDQ activation fusion);
- MaxPool, Reshape, Flatten, Transpose, Squeeze and Unsqueeze outputs share
  their input's scale and zero point;
- graph inputs and outputs stay float.

The activation ranges come from running the float model with `vigil run
--no-optimize` on calibration inputs with every intermediate tensor as an
output. The calibration inputs are seeded normal noise (the benchmark models
have random weights, and speed does not depend on the ranges): these models
are for speed and format checks, not for accuracy.

    /usr/bin/python3 bench/ort_qdq_quantize.py MODEL.onnx OUT.onnx --vigil build/vigil [--runs 4]
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

QUANTIZED_OPS = {"Conv", "Gemm", "MatMul", "Add", "Mul", "MaxPool", "AveragePool", "GlobalAveragePool",
                 "Concat", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze"}
SHARED_PARAMETER_OPS = {"MaxPool", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze"}
REMOVABLE_ACTIVATIONS = {"Relu", "Clip"}


def measure_ranges(model, vigil, runs, seed):
    """min and max of every float intermediate tensor over `runs` seeded inputs."""
    inferred = onnx.shape_inference.infer_shapes(model)
    calibrating = onnx.ModelProto()
    calibrating.CopyFrom(inferred)
    outputs = {o.name for o in calibrating.graph.output}
    for info in inferred.graph.value_info:
        if info.type.tensor_type.elem_type == TensorProto.FLOAT and info.name not in outputs:
            calibrating.graph.output.append(info)
    graph_input = model.graph.input[0]
    shape = [d.dim_value or 1 for d in graph_input.type.tensor_type.shape.dim]
    ranges = {}
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as folder:
        model_path = os.path.join(folder, "calibrating.onnx")
        onnx.save(calibrating, model_path)
        for run in range(runs):
            input_path = os.path.join(folder, "input.npy")
            np.save(input_path, rng.standard_normal(shape).astype(np.float32))
            out_dir = os.path.join(folder, "out%d" % run)
            subprocess.run([vigil, "run", model_path, "--no-optimize", "--input",
                            "%s=%s" % (graph_input.name, input_path), "--output", out_dir],
                           check=True, stdout=subprocess.DEVNULL)
            for output in calibrating.graph.output:
                file = os.path.join(out_dir, output.name.replace("/", "_") + ".npy")
                if not os.path.exists(file):
                    file = os.path.join(out_dir, output.name + ".npy")
                values = np.load(file)
                low, high = float(values.min()), float(values.max())
                old = ranges.get(output.name, (low, high))
                ranges[output.name] = (min(old[0], low), max(old[1], high))
    ranges[graph_input.name] = (-4.0, 4.0)  # the standard normal input
    return ranges


def uint8_parameters(low, high):
    low, high = min(low, 0.0), max(high, 0.0)
    scale = (high - low) / 255.0 if high > low else 1.0
    zero_point = int(round(-low / scale))
    return np.float32(scale), np.uint8(min(max(zero_point, 0), 255))


def quantize(model, ranges):
    graph = model.graph
    initializers = {i.name: i for i in graph.initializer}
    producers = {o: n for n in graph.node for o in n.output}
    readers = {}
    for node in graph.node:
        for name in node.input:
            readers.setdefault(name, []).append(node)
    graph_outputs = {o.name for o in graph.output}

    # ONNX Runtime's activation fusion: drop a Relu/Clip that alone reads a quantized
    # producer's output; the producer's output takes the activation's name and range.
    removed = set()
    for node in list(graph.node):
        if node.op_type not in REMOVABLE_ACTIVATIONS:
            continue
        source = node.input[0]
        producer = producers.get(source)
        if producer is None or producer.op_type not in ("Conv", "Gemm", "MatMul", "Add"):
            continue
        if len(readers.get(source, [])) != 1 or source in graph_outputs:
            continue
        producer.output[0] = node.output[0]
        removed.add(id(node))
    kept = [n for n in graph.node if id(n) not in removed]
    del graph.node[:]
    graph.node.extend(kept)
    producers = {o: n for n in graph.node for o in n.output}

    # Parameters of every activation tensor a quantized node reads or writes.
    parameters = {}
    for node in graph.node:
        if node.op_type not in QUANTIZED_OPS:
            continue
        for name in node.input[:1] if node.op_type in SHARED_PARAMETER_OPS else node.input:
            if name in ranges and name not in initializers:
                parameters.setdefault(name, uint8_parameters(*ranges[name]))
    for node in graph.node:  # inputs first, in topological order, so shared ones follow
        if node.op_type in SHARED_PARAMETER_OPS and node.input[0] in parameters:
            parameters[node.output[0]] = parameters[node.input[0]]
        elif node.op_type in QUANTIZED_OPS and node.output[0] in ranges:
            parameters.setdefault(node.output[0], uint8_parameters(*ranges[node.output[0]]))

    new_nodes, new_initializers = [], []
    dequantized = {}

    def qdq(name):
        scale, zero_point = parameters[name]
        new_initializers.append(numpy_helper.from_array(np.array(scale, np.float32), name + "_scale"))
        new_initializers.append(numpy_helper.from_array(np.array(zero_point, np.uint8), name + "_zero_point"))
        q, dq = name + "_QuantizeLinear_Output", name + "_DequantizeLinear_Output"
        new_nodes.append(helper.make_node("QuantizeLinear", [name, name + "_scale", name + "_zero_point"], [q],
                                          name=name + "_QuantizeLinear"))
        new_nodes.append(helper.make_node("DequantizeLinear", [q, name + "_scale", name + "_zero_point"], [dq],
                                          name=name + "_DequantizeLinear"))
        dequantized[name] = dq

    def weight_dq(name, axis, input_scale=None, weight_scales=None):
        w = numpy_helper.to_array(initializers[name]).astype(np.float32)
        if input_scale is not None:  # a bias
            scales = (input_scale * weight_scales).astype(np.float32)
            q = np.round(w / scales).astype(np.int32)
            zero = np.zeros(scales.shape, np.int32)
        else:
            moved = np.moveaxis(w, axis, 0).reshape(w.shape[axis], -1)
            scales = (np.abs(moved).max(axis=1) / 127.0).astype(np.float32)
            scales[scales == 0] = 1.0
            shape = [1] * w.ndim
            shape[axis] = -1
            q = np.clip(np.round(w / scales.reshape(shape)), -127, 127).astype(np.int8)
            zero = np.zeros(scales.shape, np.int8)
        new_initializers.append(numpy_helper.from_array(q, name + "_quantized"))
        new_initializers.append(numpy_helper.from_array(scales, name + "_scale"))
        new_initializers.append(numpy_helper.from_array(zero, name + "_zero_point"))
        dq = name + "_DequantizeLinear_Output"
        new_nodes.append(helper.make_node("DequantizeLinear", [name + "_quantized", name + "_scale",
                                                               name + "_zero_point"], [dq], axis=axis,
                                          name=name + "_DequantizeLinear"))
        return dq, scales

    for name in graph.input:
        if name.name in parameters:
            qdq(name.name)
    for node in graph.node:
        if node.op_type in QUANTIZED_OPS:
            for i, name in enumerate(node.input):
                if name in dequantized:
                    node.input[i] = dequantized[name]
            if node.op_type in ("Conv", "Gemm", "MatMul") and len(node.input) > 1 and node.input[1] in initializers:
                weight = node.input[1]
                trans_b = any(a.name == "transB" and a.i for a in node.attribute)
                axis = 0 if node.op_type == "Conv" or trans_b else 1  # the output channel's axis
                node.input[1], weight_scales = weight_dq(weight, axis)
                if len(node.input) > 2 and node.input[2] in initializers:
                    source = node.input[0].replace("_DequantizeLinear_Output", "")
                    node.input[2], _ = weight_dq(node.input[2], 0, parameters[source][0], weight_scales)
        new_nodes.append(node)
        output = node.output[0]
        if node.op_type in QUANTIZED_OPS and output in parameters and output not in dequantized \
                and output not in graph_outputs:
            qdq(output)
            for reader in readers.get(output, []):
                if reader.op_type not in QUANTIZED_OPS:
                    for i, name in enumerate(reader.input):
                        if name == output:
                            reader.input[i] = dequantized[output]

    del graph.node[:]
    graph.node.extend(new_nodes)
    graph.initializer.extend(new_initializers)
    for name in list(initializers):
        if not any(name in n.input for n in graph.node):
            graph.initializer.remove(initializers[name])
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("out")
    parser.add_argument("--vigil", required=True, help="the vigil binary, to measure the activation ranges")
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    model = onnx.load(args.model)
    ranges = measure_ranges(model, args.vigil, args.runs, args.seed)
    quantized = quantize(model, ranges)
    onnx.checker.check_model(quantized)
    onnx.save(quantized, args.out)
    print("wrote", args.out)


if __name__ == "__main__":
    sys.exit(main())
