# SPDX-License-Identifier: Apache-2.0
"""Train the Fashion-MNIST models that vigil ships: a small CNN and a small ResNet.

`--arch cnn` (the default) trains the CNN that `vigil eval` checks end to end;
`--arch resnet` a ResNet with residual connections (the second trained model of
fault-injection campaigns). Each is trained with PyTorch on the IDX files of
Debian's dataset-fashion-mnist package, then exported to ONNX (opset 13). The exported
model takes pixels scaled to [0, 1] (uint8 / 255) as input `image`
[batch, 1, 28, 28] float32 and returns `logits` [batch, 10]; the dataset
mean/std normalisation lives inside the model, so a consumer only divides by
255. The fp32 test accuracy measured here, with torch, is written next to the
model so the engine's accuracy can be compared with it.

Run with Debian's interpreter (it carries torch and onnx):
    /usr/bin/python3 models/train_fashion_mnist.py [--arch cnn|resnet] [--epochs 4] [--out-dir models]
"""

import argparse
import gzip
import json
import os
import random
import struct
import sys
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"
MODEL_NAMES = {"cnn": "fashion_mnist_cnn", "resnet": "fashion_mnist_resnet"}
# Training-set statistics of Fashion-MNIST pixels in [0, 1]; folded into the
# model so that its input convention stays "pixels / 255".
PIXEL_MEAN = 0.2860
PIXEL_STD = 0.3530


def read_idx(path):
    """Reads a gzip-compressed IDX file (unsigned byte data) into a numpy array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if array.size != int(np.prod(dims)):
        raise ValueError(f"{path}: size does not match its header")
    return array.reshape(dims)


def load_split(data_dir, prefix):
    images = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    # Scale exactly as the engine does: uint8 / 255.
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def conv_block(in_channels, out_channels):
    return [
        nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    ]


class FashionCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            *conv_block(1, 32),
            *conv_block(32, 32),
            nn.MaxPool2d(2),  # 28 -> 14
            *conv_block(32, 64),
            nn.MaxPool2d(2),  # 14 -> 7
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(0.25),
            nn.Linear(64 * 7 * 7, 128),
            nn.ReLU(inplace=True),
            nn.Linear(128, 10),
        )

    def forward(self, image):
        x = (image - PIXEL_MEAN) / PIXEL_STD
        return self.classifier(self.features(x))


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with BatchNorm and a shortcut (1x1 when the shape changes)."""

    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                          nn.BatchNorm2d(out_channels))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


class FashionResNet(nn.Module):
    """A ResNet-8 for 28x28 images: a 3x3 stem, three stages of one block (16, 32, 64
    channels at 28, 14 and 7 pixels), global average pooling and one linear layer."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(*conv_block(1, 16))
        self.stages = nn.Sequential(BasicBlock(16, 16, 1), BasicBlock(16, 32, 2), BasicBlock(32, 64, 2))
        self.classifier = nn.Linear(64, 10)

    def forward(self, image):
        x = (image - PIXEL_MEAN) / PIXEL_STD
        x = self.stages(self.stem(x))
        return self.classifier(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def augment(x, generator):
    """Random horizontal flips and shifts of up to 2 pixels (zero padded)."""
    n = x.shape[0]
    flip = torch.rand(n, generator=generator) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    padded = F.pad(x, (2, 2, 2, 2))
    dx, dy = torch.randint(0, 5, (2,), generator=generator).tolist()
    # One shift per batch keeps this cheap; batches differ from each other.
    return padded[:, :, dy:dy + 28, dx:dx + 28]


def evaluate(model, x, y, batch_size=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, x.shape[0], batch_size):
            logits = model(x[start:start + batch_size])
            correct += (logits.argmax(1) == y[start:start + batch_size]).sum().item()
    return correct / x.shape[0]


def export_onnx(model, path):
    model.eval()
    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(
        model, dummy, path,
        opset_version=13,
        input_names=["image"],
        output_names=["logits"],
        dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
        do_constant_folding=True,
    )


def training_arguments(description):
    """The options every training script here takes; a script adds its own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    parser.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=20241)
    parser.add_argument("--threads", type=int, default=2)
    return parser


def seeded_data(args):
    """Sets the threads, seeds every generator from --seed and loads both splits:
    (the batch generator, (train_x, train_y), (test_x, test_y))."""
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    return generator, load_split(args.data_dir, "train"), load_split(args.data_dir, "t10k")


def train(model, args, generator, train_split, test_split):
    """Adam with a one-cycle learning-rate schedule over augmented batches; prints each
    epoch's loss and test accuracy."""
    (train_x, train_y), (test_x, test_y) = train_split, test_split
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    steps_per_epoch = (train_x.shape[0] + args.batch_size - 1) // args.batch_size
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=3e-3, epochs=args.epochs, steps_per_epoch=steps_per_epoch)

    start_time = time.time()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(train_x.shape[0], generator=generator)
        total_loss = 0.0
        for step in range(steps_per_epoch):
            index = order[step * args.batch_size:(step + 1) * args.batch_size]
            batch = augment(train_x[index], generator)
            loss = F.cross_entropy(model(batch), train_y[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            total_loss += loss.item()
        accuracy = evaluate(model, test_x, test_y)
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total_loss / steps_per_epoch:.4f}, "
              f"test accuracy {accuracy:.4f}, {time.time() - start_time:.0f} s", flush=True)


def main():
    parser = training_arguments(__doc__.split("\n")[0])
    parser.add_argument("--arch", choices=sorted(MODEL_NAMES), default="cnn")
    args = parser.parse_args()
    generator, (train_x, train_y), (test_x, test_y) = seeded_data(args)
    model = FashionCnn() if args.arch == "cnn" else FashionResNet()
    train(model, args, generator, (train_x, train_y), (test_x, test_y))

    accuracy = evaluate(model, test_x, test_y)
    os.makedirs(args.out_dir, exist_ok=True)
    onnx_path = os.path.join(args.out_dir, MODEL_NAMES[args.arch] + ".onnx")
    export_onnx(model, onnx_path)
    with open(os.path.join(args.out_dir, MODEL_NAMES[args.arch] + ".json"), "w") as f:
        json.dump({"accuracy": round(accuracy, 4), "test_images": int(test_x.shape[0]),
                   "epochs": args.epochs, "seed": args.seed}, f, indent=2)
        f.write("\n")
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes), "
          f"fp32 test accuracy {accuracy:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
