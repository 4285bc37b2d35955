# SPDX-License-Identifier: Apache-2.0
"""Export the benchmark models to ONNX (opset 13, batch 1, random weights).

The models are the workloads for vigil's speed and correctness checks against
ONNX Runtime: three torchvision CNNs and a small transformer encoder. Weights
are random (seeded), since nothing may be downloaded; speed and numerical
agreement do not depend on them being trained. Models already present in
OUTDIR are left alone.

Run with Debian's interpreter (it carries torch, torchvision and onnx):
    /usr/bin/python3 bench/export_models.py OUTDIR [--model NAME]...
"""

import argparse
import os
import sys

import onnx
import torch
from torch import nn
import torchvision

OPSET = 13
SEED = 1234


def transformer_encoder():
    layer = nn.TransformerEncoderLayer(
        d_model=256, nhead=4, dim_feedforward=1024, batch_first=True)
    # enable_nested_tensor=False keeps the encoder off the nested-tensor path;
    # the per-layer fast path is avoided at export time (see export_model).
    encoder = nn.TransformerEncoder(layer, num_layers=4, enable_nested_tensor=False)
    # The encoder deep-copies `layer`, so all layers would share one set of
    # weights (and the exporter would store it once); draw each layer anew.
    for module in encoder.modules():
        if module is not encoder and hasattr(module, "_reset_parameters"):
            module._reset_parameters()
        elif isinstance(module, nn.Linear):
            module.reset_parameters()
    return encoder


# name -> (constructor, input shape)
MODELS = {
    "resnet18": (lambda: torchvision.models.resnet18(weights=None), (1, 3, 224, 224)),
    "resnet50": (lambda: torchvision.models.resnet50(weights=None), (1, 3, 224, 224)),
    "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(weights=None), (1, 3, 224, 224)),
    "transformer_encoder": (transformer_encoder, (1, 128, 256)),
}


def randomise_normalisation(model, generator):
    """Gives BatchNorm and LayerNorm layers non-trivial statistics and affine
    terms (fresh ones are identities), so that folding or mis-applying them
    shows up in a comparison."""
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            n = module.num_features
            module.running_mean.copy_(torch.randn(n, generator=generator) * 0.1)
            module.running_var.copy_(torch.rand(n, generator=generator) * 0.5 + 0.75)
        if isinstance(module, (nn.BatchNorm2d, nn.LayerNorm)):
            n = module.weight.numel()
            module.weight.copy_(torch.rand(n, generator=generator).view_as(module.weight) * 0.5 + 0.75)
            module.bias.copy_(torch.randn(n, generator=generator).view_as(module.bias) * 0.1)


def export_model(name, path):
    constructor, shape = MODELS[name]
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    model = constructor()
    with torch.no_grad():
        randomise_normalisation(model, generator)
    model.eval()
    example = torch.randn(*shape, generator=generator)
    if name == "transformer_encoder":
        # In eval mode, torch 1.13 may route TransformerEncoderLayer through
        # the fused `_transformer_encoder_layer_fwd` kernel, which has no ONNX
        # symbolic. It skips that path when grad is enabled and an argument
        # requires grad, so export in that state: the exporter then traces
        # the plain composite operators.
        example.requires_grad_(True)
    tmp_path = path + ".tmp.onnx"
    with torch.enable_grad():
        torch.onnx.export(
            model, example, tmp_path,
            opset_version=OPSET,
            input_names=["input"],
            output_names=["output"],
            do_constant_folding=True,
        )
    onnx.checker.check_model(onnx.load(tmp_path))
    os.replace(tmp_path, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("outdir")
    parser.add_argument("--model", action="append", choices=sorted(MODELS),
                        help="export only this model (repeatable); default: all")
    args = parser.parse_args()

    torch.set_num_threads(2)
    os.makedirs(args.outdir, exist_ok=True)
    for name in args.model or list(MODELS):
        path = os.path.join(args.outdir, name + ".onnx")
        if os.path.exists(path):
            print(f"{name}: present, skipped")
            continue
        export_model(name, path)
        print(f"{name}: wrote {path} ({os.path.getsize(path)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
