# SPDX-License-Identifier: Apache-2.0
"""Low-bit QONNX models written the way Brevitas and FINN write them, and a numpy
executor of the QONNX definition to check vigil against.

The CNN has a Quant node on every weight tensor and after every Relu, an 8-bit input and
last layer, and power-of-two scales, so that every product and sum of the definition is
exact in float: the reference below is then the exact result, and any engine that rounds
differently (a Winograd convolution, a float requantization that lands beside a tie)
shows up as a mismatch rather than as a tolerance."""

import numpy as np
from onnx import TensorProto, helper, numpy_helper

QONNX_DOMAIN = "qonnx.custom_op.general"


def quant_bounds(bits, signed, narrow):
    if signed:
        return -(2 ** (bits - 1)) + narrow, 2 ** (bits - 1) - 1
    return 0, 2 ** bits - 1 - narrow


def int_quant(x, scale, zero_point, bits, signed, narrow):
    """QONNX IntQuant: clamp x / scale + zeropt into the integer range, round half to even,
    and scale back (qonnx custom_op/general/intquant.py)."""
    q = x / scale + zero_point
    if bits == 1 and signed:
        q = np.where(q >= 0, 1.0, -1.0)
    else:
        low, high = quant_bounds(bits, signed, narrow)
        q = np.round(np.clip(q, low, high))
    return (q - zero_point) * scale


def conv2d(x, w, b, pads, strides):
    n, c, h, width = x.shape
    m, _, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (x.shape[2] - kh) // strides[0] + 1
    ow = (x.shape[3] - kw) // strides[1] + 1
    y = np.zeros((n, m, oh, ow))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i:i + strides[0] * oh:strides[0], j:j + strides[1] * ow:strides[1]]
            y += np.einsum("nchw,mc->nmhw", patch, w[:, :, i, j])
    return y + (b.reshape(1, -1, 1, 1) if b is not None else 0)


def run_reference(model, feeds):
    """Executes the model's graph in float64 with the QONNX definition of Quant and
    BipolarQuant; supports the operators the models of this file use."""
    values = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    values.update({k: v.astype(np.float64) for k, v in feeds.items()})
    for node in model.graph.node:
        a = {attr.name: helper.get_attribute_value(attr) for attr in node.attribute}
        x = [values[name] if name else None for name in node.input]
        if node.op_type == "Quant":
            y = int_quant(x[0], x[1], x[2], int(x[3]), a.get("signed", 1), a.get("narrow", 0))
        elif node.op_type == "BipolarQuant":
            y = np.where(x[0] >= 0, 1.0, -1.0) * x[1]
        elif node.op_type == "Conv":
            y = conv2d(x[0], x[1], x[2] if len(x) > 2 else None, a.get("pads", [0] * 4), a.get("strides", [1, 1]))
        elif node.op_type == "Relu":
            y = np.maximum(x[0], 0)
        elif node.op_type == "MaxPool":
            k = a["kernel_shape"][0]
            n, c, h, w = x[0].shape
            y = x[0][:, :, :h // k * k, :w // k * k].reshape(n, c, h // k, k, w // k, k).max(axis=(3, 5))
        elif node.op_type == "Flatten":
            y = x[0].reshape(x[0].shape[0], -1)
        elif node.op_type == "Gemm":
            y = x[0] @ (x[1].T if a.get("transB", 0) else x[1]) + (x[2] if len(x) > 2 else 0)
        elif node.op_type == "Add":
            y = x[0] + x[1]
        else:
            raise ValueError(f"the reference does not run {node.op_type}")
        values[node.output[0]] = y
    return [values[o.name] for o in model.graph.output]


def lowbit_cnn(weight_bits, activation_bits, seed=0, narrow_weights=False, width=0, hidden=0):
    """A Fashion-MNIST-shaped CNN (1x28x28 -> 10 logits): conv 16 (8-bit weights), conv 32,
    maxpool, conv 32, maxpool, fully connected (8-bit weights). The middle convolutions
    have `weight_bits` weights (1: BipolarQuant); every Relu is followed by an unsigned
    `activation_bits` Quant. Scales are powers of two, per output channel on the weights.
    `width` > 0 gives every convolution that many channels instead of 16, 32, 32; `hidden`
    > 0 adds a fully connected layer of that many outputs, at the middle widths, before the
    last."""
    rng = np.random.default_rng(seed)
    nodes, initializers = [], []

    def constant(name, value, dtype=np.float32):
        initializers.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def quant(name, source, scale, bits, signed, narrow):
        inputs = [source, constant(name + "_scale", scale), constant(name + "_zeropt", 0.0),
                  constant(name + "_bitwidth", float(bits))]
        nodes.append(helper.make_node("Quant", inputs, [name], name=name, domain=QONNX_DOMAIN, signed=signed,
                                      narrow=narrow, rounding_mode="ROUND"))
        return name

    def quantized_weights(name, shape, bits, narrow):
        exponents = rng.integers(3, 6, size=shape[0])
        scale = np.exp2(-exponents.astype(np.float64)).reshape([-1] + [1] * (len(shape) - 1))
        if bits == 1:  # binary: BipolarQuant, scale x sign
            w = rng.normal(size=shape)
            inputs = [constant(name, w), constant(name + "_q_scale", scale.astype(np.float32))]
            nodes.append(helper.make_node("BipolarQuant", inputs, [name + "_q"], name=name + "_q", domain=QONNX_DOMAIN))
            return name + "_q", scale
        low, high = quant_bounds(bits, 1, narrow)
        w = rng.normal(size=shape) * (high - low) / 3 * scale  # rounds and clamps at the Quant
        return quant(name + "_q", constant(name, w), scale.astype(np.float32), bits, 1, narrow), scale

    def layer(name, op_type, source, in_scale, shape, bits, **attributes):
        weights, w_scale = quantized_weights(name + "_w", shape, bits, narrow_weights)
        bias = rng.integers(-20, 20, size=shape[0]) * in_scale * w_scale.reshape(-1)
        nodes.append(helper.make_node(op_type, [source, weights, constant(name + "_b", bias)], [name], name=name,
                                      **attributes))
        nodes.append(helper.make_node("Relu", [name], [name + "_relu"], name=name + "_relu"))
        return quant(name + "_act", name + "_relu", 2.0 ** -2, activation_bits, 0, 0)

    def conv(name, source, in_scale, channels, in_channels, bits):
        return layer(name, "Conv", source, in_scale, [channels, in_channels, 3, 3], bits, kernel_shape=[3, 3],
                     pads=[1, 1, 1, 1])

    act_scale = 2.0 ** -2
    x = quant("input_q", "image", 2.0 ** -8, 8, 0, 0)
    widths = [width] * 3 if width else [16, 32, 32]
    x = conv("conv1", x, 2.0 ** -8, widths[0], 1, 8)
    x = conv("conv2", x, act_scale, widths[1], widths[0], weight_bits)
    nodes.append(helper.make_node("MaxPool", [x], ["pool1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]))
    x = conv("conv3", "pool1", act_scale, widths[2], widths[1], weight_bits)
    nodes.append(helper.make_node("MaxPool", [x], ["pool2"], name="pool2", kernel_shape=[2, 2], strides=[2, 2]))
    nodes.append(helper.make_node("Flatten", ["pool2"], ["flat"], name="flatten"))
    x, features = "flat", widths[2] * 7 * 7
    if hidden:
        x = layer("hidden", "Gemm", x, act_scale, [hidden, features], weight_bits, transB=1)
        features = hidden
    weights, w_scale = quantized_weights("fc_w", [10, features], 8, 0)
    bias = rng.integers(-20, 20, size=10) * act_scale * w_scale.reshape(-1)
    nodes.append(helper.make_node("Gemm", [x, weights, constant("fc_b", bias)], ["logits"], name="fc", transB=1))
    graph = helper.make_graph(nodes, f"qonnx_cnn{width or ''}{'_fc' if hidden else ''}_w{weight_bits}a{activation_bits}",
                              [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, 28, 28])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(QONNX_DOMAIN, 1)],
                              producer_name="vigil-tests")
    model.ir_version = 8
    return model
