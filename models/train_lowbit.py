# SPDX-License-Identifier: Apache-2.0
"""Train Fashion-MNIST CNNs with low-bit weights and activations, exported as QONNX.

Quantization-aware training with straight-through estimators (PyTorch, no other
dependency): the CNN conv3x3(32)-BN-act, conv3x3(32)-BN-act, maxpool 2,
conv3x3(64)-BN-act, maxpool 2, FC(10) keeps its first and last layers at 8-bit weights
(the input is quantized to 8 bits, pixels / 255 exactly) and gives the middle
convolutions `--bits W/A`:
- W >= 2: symmetric (narrow) signed weights, one scale per output channel from the
  channel's largest magnitude; 2 bits are thus ternary {-1, 0, +1} x scale;
- W = 1: sign(w) x the channel's mean magnitude (XNOR-Net), exported as BipolarQuant;
- A >= 2: unsigned activations after ReLU clipped at a learned bound (PACT), 2^A - 1 steps;
- A = 1: sign(x) with the hard-tanh straight-through gradient (BNN), exported as
  BipolarQuant; the convolution that reads them pads with 0, as ONNX Conv does;
- `--bits 32/32`: the same network in float, the baseline of the low-bit ones.
BatchNormalization is folded into the exported weights exactly: quantizing a x w with the
scale |a| x s gives a x quantize(w) for symmetric weights. The export writes every
weight as a float initializer behind a QONNX Quant/BipolarQuant node (domain
qonnx.custom_op.general), as Brevitas does, and a Quant after every activation. The
test accuracy measured here with torch (quantized forward pass) is written beside it.

Run with Debian's interpreter:
    /usr/bin/python3 models/train_lowbit.py --bits 2/2 [--epochs 4] [--out-dir models]
"""

import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper
from torch import nn

from train_fashion_mnist import evaluate, seeded_data, train, training_arguments

QONNX_DOMAIN = "qonnx.custom_op.general"
CHANNELS = [(1, 32), (32, 32), (32, 64)]  # the three convolutions; a 2x2 max pool after the 2nd and 3rd
EIGHT_BITS = 8
FLOAT_BITS = 32  # `--bits 32/32`: the same network in float, without quantization


def round_ste(x):
    return x + (torch.round(x) - x).detach()


def weight_scale(w, bits):
    """One scale per output channel: the largest magnitude over the narrow signed range,
    or for 1 bit the mean magnitude."""
    flat = w.detach().abs().flatten(1)
    scale = flat.mean(1) if bits == 1 else flat.max(1).values / (2 ** (bits - 1) - 1)
    return scale.clamp_min(1e-8).view(-1, *([1] * (w.dim() - 1)))


def quantize_weight(w, bits):
    if bits == FLOAT_BITS:
        return w
    scale = weight_scale(w, bits)
    if bits == 1:
        return w + (torch.where(w >= 0, 1.0, -1.0) * scale - w).detach()
    limit = 2 ** (bits - 1) - 1
    return torch.clamp(round_ste(w / scale), -limit, limit) * scale


class ActivationQuant(nn.Module):
    """ReLU clipped at a learned bound and quantized to `bits` unsigned steps, or the sign."""

    def __init__(self, bits):
        super().__init__()
        self.bits = bits
        self.bound = nn.Parameter(torch.tensor(4.0 if bits > 1 else 1.0))

    def scale(self):
        return self.bound.detach().abs().item() / (2 ** self.bits - 1)

    def forward(self, x):
        if self.bits == FLOAT_BITS:
            return F.relu(x)
        if self.bits == 1:
            clipped = torch.clamp(x, -1.0, 1.0)
            return clipped + (torch.where(x >= 0, 1.0, -1.0) - clipped).detach()
        bound = self.bound.abs()
        y = F.relu(x) - F.relu(x - bound)  # PACT: clamp(x, 0, bound), with a gradient for the bound
        steps = 2 ** self.bits - 1
        return round_ste(y * steps / bound) * bound / steps


class QuantConv(nn.Module):
    def __init__(self, in_channels, out_channels, weight_bits, activation_bits):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False)
        self.norm = nn.BatchNorm2d(out_channels)
        self.weight_bits = weight_bits
        self.activation = ActivationQuant(activation_bits)

    def forward(self, x):
        y = F.conv2d(x, quantize_weight(self.conv.weight, self.weight_bits), padding=1)
        return self.activation(self.norm(y))


class LowBitCnn(nn.Module):
    def __init__(self, weight_bits, activation_bits):
        super().__init__()
        widths = [EIGHT_BITS if weight_bits != FLOAT_BITS else FLOAT_BITS, weight_bits, weight_bits]
        self.convs = nn.ModuleList(QuantConv(i, o, w, activation_bits) for (i, o), w in zip(CHANNELS, widths))
        self.fc = nn.Linear(64 * 7 * 7, 10)
        self.fc_bits = FLOAT_BITS if weight_bits == FLOAT_BITS else EIGHT_BITS  # the 8-bit input Quant, too

    def forward(self, image):
        x = image if self.fc_bits == FLOAT_BITS else torch.clamp(torch.round(image * 255), 0, 255) / 255
        x = self.convs[0](x)
        x = F.max_pool2d(self.convs[1](x), 2)
        x = F.max_pool2d(self.convs[2](x), 2)
        return F.linear(x.flatten(1), quantize_weight(self.fc.weight, self.fc_bits), self.fc.bias)


class QonnxWriter:
    """A QONNX graph written node by node: float initializers, Quant nodes as Brevitas writes them."""

    def __init__(self):
        self.nodes, self.initializers = [], []

    def constant(self, name, value):
        self.initializers.append(numpy_helper.from_array(np.asarray(value, dtype=np.float32), name))
        return name

    def quant(self, name, source, scale, bits, signed, narrow):
        if bits == FLOAT_BITS:
            return source
        if bits == 1:
            self.nodes.append(helper.make_node("BipolarQuant", [source, self.constant(name + "_scale", scale)], [name],
                                               name=name, domain=QONNX_DOMAIN))
            return name
        inputs = [source, self.constant(name + "_scale", scale), self.constant(name + "_zeropt", 0.0),
                  self.constant(name + "_bitwidth", float(bits))]
        self.nodes.append(helper.make_node("Quant", inputs, [name], name=name, domain=QONNX_DOMAIN, signed=signed,
                                           narrow=narrow, rounding_mode="ROUND"))
        return name


def export_qonnx(model, path):
    """Folds each BatchNormalization into its convolution (weights a x w behind a Quant of scale
    |a| x s, bias beta - a x mean) and writes the QONNX graph."""
    model.eval()
    g = QonnxWriter()
    x = g.quant("input_quant", "image", 1.0 / 255, model.fc_bits, 0, 0)
    for index, layer in enumerate(model.convs):
        name = f"conv{index + 1}"
        norm = layer.norm
        a = (norm.weight / torch.sqrt(norm.running_var + norm.eps)).detach()
        w = layer.conv.weight.detach()
        scale = None
        if layer.weight_bits != FLOAT_BITS:
            scale = (weight_scale(w, layer.weight_bits) * a.abs().view(-1, 1, 1, 1)).numpy()
        weights = g.constant(name + "_weight", (w * a.view(-1, 1, 1, 1)).numpy())
        weights = g.quant(name + "_weight_quant", weights, scale, layer.weight_bits, 1, 1)
        bias = g.constant(name + "_bias", (norm.bias - a * norm.running_mean).detach().numpy())
        g.nodes.append(helper.make_node("Conv", [x, weights, bias], [name], name=name, kernel_shape=[3, 3],
                                        pads=[1, 1, 1, 1]))
        bits = layer.activation.bits
        if bits == 1:
            x = g.quant(name + "_act_quant", name, 1.0, 1, 1, 0)
        else:
            g.nodes.append(helper.make_node("Relu", [name], [name + "_relu"], name=name + "_relu"))
            x = g.quant(name + "_act_quant", name + "_relu", None if bits == FLOAT_BITS else layer.activation.scale(),
                        bits, 0, 0)
        if index > 0:
            g.nodes.append(helper.make_node("MaxPool", [x], [name + "_pool"], name=name + "_pool",
                                            kernel_shape=[2, 2], strides=[2, 2]))
            x = name + "_pool"
    g.nodes.append(helper.make_node("Flatten", [x], ["flat"], name="flatten"))
    w = model.fc.weight.detach()
    weights = g.quant("fc_weight_quant", g.constant("fc_weight", w.numpy()), weight_scale(w, EIGHT_BITS).numpy(),
                      model.fc_bits, 1, 1)
    g.nodes.append(helper.make_node("Gemm", ["flat", weights, g.constant("fc_bias", model.fc.bias.detach().numpy())],
                                    ["logits"], name="fc", transB=1))
    graph = helper.make_graph(g.nodes, "fashion_mnist_lowbit",
                              [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 1, 28, 28])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])],
                              g.initializers)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(QONNX_DOMAIN, 1)],
                              producer_name="vigil models/train_lowbit.py")
    proto.ir_version = 8
    onnx.checker.check_model(proto)
    onnx.save(proto, path)


def main():
    parser = training_arguments(__doc__.split("\n")[0])
    parser.add_argument("--bits", required=True, help="W/A: weight and activation bits of the middle layers")
    args = parser.parse_args()
    weight_bits, activation_bits = (int(v) for v in args.bits.split("/"))
    generator, (train_x, train_y), (test_x, test_y) = seeded_data(args)
    model = LowBitCnn(weight_bits, activation_bits)
    train(model, args, generator, (train_x, train_y), (test_x, test_y))

    accuracy = evaluate(model, test_x, test_y)
    name = "fashion_mnist_cnn_" + ("float" if weight_bits == FLOAT_BITS else f"w{weight_bits}a{activation_bits}")
    path = os.path.join(args.out_dir, name + ".onnx")
    export_qonnx(model, path)
    with open(os.path.join(args.out_dir, name + ".json"), "w") as f:
        json.dump({"accuracy": round(accuracy, 4), "test_images": int(test_x.shape[0]), "epochs": args.epochs,
                   "seed": args.seed, "weight_bits": weight_bits, "activation_bits": activation_bits}, f, indent=2)
        f.write("\n")
    print(f"wrote {path}, test accuracy (torch, quantized) {accuracy:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
