# SPDX-License-Identifier: Apache-2.0
"""Writes the malformed inputs under cases/ (run offline with Debian's python3-onnx;
the outputs are committed). Each file exercises one way a model or data file can be
wrong; check_bad_inputs.sh says what vigil must do with each."""
import os
import random

import numpy as np
import onnx
from onnx import TensorProto, helper

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")


def model(nodes, inputs=None, outputs=None, initializers=(), opset=13, check=False):
    inputs = inputs or [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])]
    outputs = outputs or [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])]
    graph = helper.make_graph(nodes, "bad", inputs, outputs, initializer=list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="vigil-tests")
    m.ir_version = 8
    if check:
        onnx.checker.check_model(m)
    return m


def save(m, name):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(m.SerializeToString())


def main():
    os.makedirs(HERE, exist_ok=True)
    good = model([helper.make_node("Relu", ["x"], ["y"], name="relu")], check=True)
    save(good, "good_relu.onnx")
    data = good.SerializeToString()
    with open(os.path.join(HERE, "truncated.onnx"), "wb") as f:
        f.write(data[: len(data) // 2])
    with open(os.path.join(HERE, "empty.onnx"), "wb") as f:
        pass
    rng = random.Random(7)
    with open(os.path.join(HERE, "random_bytes.onnx"), "wb") as f:
        f.write(bytes(rng.randrange(256) for _ in range(4096)))
    save(model([helper.make_node("Relu", ["nothere"], ["y"], name="relu")]), "missing_tensor.onnx")
    save(model([helper.make_node("Add", ["x", "b"], ["a"], name="add1"),
                helper.make_node("Relu", ["a"], ["b"], name="relu1"),
                helper.make_node("Identity", ["a"], ["y"], name="out")]), "cycle.onnx")
    unknown = helper.make_node("FooBar", ["x"], ["y"], name="mystery", domain="com.example")
    m = model([unknown])
    m.opset_import.append(helper.make_opsetid("com.example", 1))
    save(m, "unknown_operator.onnx")
    save(model([helper.make_node("Relu", ["x"], ["y"], name="relu")], opset=99), "opset_too_new.onnx")
    weights = helper.make_tensor("w", TensorProto.FLOAT, [4, 4], [1.0] * 16)
    del weights.float_data[5:]  # 5 values left for 16 elements
    save(model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], initializers=[weights]),
         "initializer_wrong_size.onnx")
    external = helper.make_tensor("w", TensorProto.FLOAT, [4, 4], np.zeros(16, np.float32).tobytes(), raw=True)
    external.ClearField("raw_data")
    external.data_location = TensorProto.EXTERNAL
    external.external_data.add(key="location", value="does_not_exist.bin")
    save(model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], initializers=[external]),
         "external_data_missing.onnx")
    np.save(os.path.join(HERE, "x_wrong_shape.npy"), np.zeros((2, 3), np.float32))
    np.save(os.path.join(HERE, "x_wrong_type.npy"), np.zeros((1, 4), np.int32))
    np.save(os.path.join(HERE, "x_good.npy"), np.ones((1, 4), np.float32))
    with open(os.path.join(HERE, "x_corrupt.npy"), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00\x20\x00{'descr': '<f4', 'shape': (1,")


if __name__ == "__main__":
    main()
