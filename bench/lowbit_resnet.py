# SPDX-License-Identifier: Apache-2.0
"""Write ResNet-18 as a QONNX model with low-bit weights and activations (random weights).

The network of torchvision's resnet18 (batch 1, 3x224x224, 1000 classes), quantized as
Brevitas writes a low-bit ResNet: the input and the first and last layers at 8 bits; every
other convolution with `--bits W/A` weights (W = 1: BipolarQuant, +-1 x a scale per output
channel; W >= 2: signed narrow Quant per output channel) reading unsigned A-bit
activations (a Quant after each Relu); each residual block's second convolution and its
shortcut requantized to 8 bits (unsigned, zero point 128) before the Add, whose Relu is
followed by the A-bit Quant the next block reads. BatchNorm is taken as folded (a bias per
channel). Scales are powers of two. `--bits 8/8` writes the same network at 8 bits, the
int8 baseline of the low-bit ones. Speed does not depend on the weights being trained.

Run with Debian's interpreter:
    /usr/bin/python3 bench/lowbit_resnet.py --bits 1/1 OUT.onnx
"""

import argparse
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

QONNX_DOMAIN = "qonnx.custom_op.general"


class Builder:
    def __init__(self, weight_bits, activation_bits, seed):
        self.rng = np.random.default_rng(seed)
        self.weight_bits, self.activation_bits = weight_bits, activation_bits
        self.nodes, self.initializers = [], []
        self.shapes = {"input": [1, 3, 224, 224]}  # every activation's, written as value_info as QONNX tools do

    def same_shape(self, output, source):
        self.shapes[output] = self.shapes[source]
        return output

    def constant(self, name, value):
        self.initializers.append(numpy_helper.from_array(np.asarray(value, dtype=np.float32), name))
        return name

    def quant(self, name, source, scale, bits, signed, zero_point=0.0, narrow=0):
        inputs = [source, self.constant(name + "_scale", scale), self.constant(name + "_zeropt", zero_point),
                  self.constant(name + "_bitwidth", float(bits))]
        self.nodes.append(helper.make_node("Quant", inputs, [name], name=name, domain=QONNX_DOMAIN, signed=signed,
                                           narrow=narrow, rounding_mode="ROUND"))
        return self.same_shape(name, source) if source in self.shapes else name

    def weights(self, name, shape, bits):
        scale = np.exp2(-self.rng.integers(4, 7, size=shape[0])).reshape([-1] + [1] * (len(shape) - 1))
        scale = scale.astype(np.float32)
        w = self.constant(name, self.rng.normal(size=shape) * scale * (1 if bits == 1 else 2 ** (bits - 2)))
        if bits == 1:
            self.nodes.append(helper.make_node("BipolarQuant", [w, self.constant(name + "_scale", scale)],
                                               [name + "_q"], name=name + "_q", domain=QONNX_DOMAIN))
            return name + "_q"
        return self.quant(name + "_q", w, scale, bits, 1, narrow=1)

    def conv(self, name, source, in_channels, out_channels, kernel, stride, bits):
        w = self.weights(name + "_w", [out_channels, in_channels, kernel, kernel], bits)
        bias = self.constant(name + "_b", self.rng.normal(size=out_channels) * 0.1)
        pad = kernel // 2
        self.nodes.append(helper.make_node("Conv", [source, w, bias], [name], name=name, kernel_shape=[kernel, kernel],
                                           strides=[stride, stride], pads=[pad] * 4))
        _, _, h, w = self.shapes[source]
        self.shapes[name] = [1, out_channels, (h + 2 * pad - kernel) // stride + 1, (w + 2 * pad - kernel) // stride + 1]
        return name

    def relu_quant(self, name, source, bits):
        self.nodes.append(helper.make_node("Relu", [source], [name + "_relu"], name=name + "_relu"))
        self.same_shape(name + "_relu", source)
        return self.quant(name + "_act", name + "_relu", 2.0 ** -2 if bits < 8 else 2.0 ** -5, bits, 0)

    def block(self, name, x, in_channels, channels, stride):
        wb, ab = self.weight_bits, self.activation_bits
        h = self.relu_quant(name + "_a", self.conv(name + "_conv1", x, in_channels, channels, 3, stride, wb), ab)
        main = self.quant(name + "_b8", self.conv(name + "_conv2", h, channels, channels, 3, 1, wb), 2.0 ** -4, 8, 0,
                          zero_point=128.0)
        shortcut = x
        if stride != 1 or in_channels != channels:
            shortcut = self.quant(name + "_s8", self.conv(name + "_down", x, in_channels, channels, 1, stride, wb),
                                  2.0 ** -4, 8, 0, zero_point=128.0)
        self.nodes.append(helper.make_node("Add", [main, shortcut], [name + "_sum"], name=name + "_add"))
        self.same_shape(name + "_sum", main)
        return self.relu_quant(name + "_out", name + "_sum", ab)


def resnet18(weight_bits, activation_bits, seed=0):
    b = Builder(weight_bits, activation_bits, seed)
    x = b.quant("input_q", "input", 2.0 ** -5, 8, 1)
    x = b.relu_quant("stem", b.conv("conv1", x, 3, 64, 7, 2, 8), activation_bits)
    b.nodes.append(helper.make_node("MaxPool", [x], ["pool"], name="pool", kernel_shape=[3, 3], strides=[2, 2],
                                    pads=[1, 1, 1, 1]))
    b.shapes["pool"] = [1, 64, 56, 56]
    x, channels = "pool", 64
    for stage, width in enumerate([64, 128, 256, 512]):
        for index in range(2):
            stride = 2 if stage > 0 and index == 0 else 1
            x = b.block(f"layer{stage + 1}_{index}", x, channels, width, stride)
            channels = width
    b.nodes.append(helper.make_node("GlobalAveragePool", [x], ["gap"], name="gap"))
    b.shapes["gap"] = [1, 512, 1, 1]
    pooled = b.quant("gap_q", "gap", 2.0 ** -5, 8, 0)
    b.nodes.append(helper.make_node("Flatten", [pooled], ["flat"], name="flatten"))
    b.shapes["flat"] = [1, 512]
    w = b.weights("fc_w", [1000, 512], 8)
    b.nodes.append(helper.make_node("Gemm", ["flat", w, b.constant("fc_b", np.zeros(1000))], ["logits"], name="fc",
                                    transB=1))
    value_info = [helper.make_tensor_value_info(name, TensorProto.FLOAT, shape) for name, shape in b.shapes.items()
                  if name != "input"]
    graph = helper.make_graph(b.nodes, f"resnet18_w{weight_bits}a{activation_bits}",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 224, 224])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 1000])], b.initializers,
                              value_info=value_info)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(QONNX_DOMAIN, 1)],
                              producer_name="vigil-bench")
    model.ir_version = 8
    return model


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output")
    parser.add_argument("--bits", default="1/1", help="weight/activation bits of the middle layers (1-8)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    weight_bits, activation_bits = (int(v) for v in args.bits.split("/"))
    model = resnet18(weight_bits, activation_bits, args.seed)
    onnx.checker.check_model(model)
    onnx.save(model, args.output)
    print(f"{args.output}: ResNet-18 at w{weight_bits}a{activation_bits}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
