# SPDX-License-Identifier: Apache-2.0
"""Writes the malformed inputs under cases/ (run offline with Debian's python3-onnx;
the outputs are committed). Each file exercises one way a model or data file can be
wrong; check_bad_inputs.sh says what vigil must do with each."""
import os
import random

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

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
    huge_sizes()
    exponential_functions()
    nested_ifs(50)
    special_names()
    external_data()


def any_shape(name, elem_type=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem_type, ["d0", "d1", "d2"])


def huge_sizes():
    """Shapes whose element count fits in 64 bits but whose byte count does not, or whose
    element count does not: each must end in one error naming the node."""
    vi = helper.make_tensor_value_info
    wraps = np.array([2**30, 2**30, 4], np.int64)  # 2^62 floats: 2^64 bytes
    const = lambda name, value: numpy_helper.from_array(np.array(value), name)
    save(model([helper.make_node("ConstantOfShape", ["s"], ["y"], name="fill")], inputs=[], outputs=[any_shape("y")],
               initializers=[const("s", wraps)], opset=17), "huge_constant_of_shape.onnx")
    save(model([helper.make_node("Expand", ["x", "s"], ["y"], name="widen")], inputs=[vi("x", TensorProto.FLOAT, [1])],
               outputs=[any_shape("y")], initializers=[const("s", wraps)], opset=17), "huge_expand.onnx")
    save(model([helper.make_node("Tile", ["x", "r"], ["y"], name="repeat")],
               inputs=[vi("x", TensorProto.FLOAT, [2, 1, 1])], outputs=[any_shape("y")],
               initializers=[const("r", np.array([2**62, 2**30, 4], np.int64))], opset=17), "huge_tile.onnx")
    save(model([helper.make_node("Range", ["a", "b", "d"], ["y"], name="count")], inputs=[],
               outputs=[helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n"])],
               initializers=[const("a", np.float32(0)), const("b", np.float32(3e38)), const("d", np.float32(1e-30))],
               opset=17), "huge_range.onnx")
    save(model([helper.make_node("OneHot", ["i", "d", "v"], ["y"], name="hot")],
               inputs=[vi("i", TensorProto.INT64, [2])], outputs=[helper.make_tensor_value_info("y", TensorProto.FLOAT, ["a", "b"])],
               initializers=[const("d", np.int64(2**62)), const("v", np.array([0, 1], np.float32))], opset=17),
         "huge_one_hot.onnx")
    save(model([helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape")],
               inputs=[vi("x", TensorProto.FLOAT, [4]), vi("s", TensorProto.INT64, [3])], outputs=[any_shape("y")],
               opset=17), "runtime_reshape.onnx")
    np.save(os.path.join(HERE, "shape_wraps.npy"), np.array([2**32, 2**32, 1], np.int64))
    np.save(os.path.join(HERE, "x4.npy"), np.ones(4, np.float32))


def exponential_functions(depth=40):
    """Local functions f0..f39, each calling the next twice: 2^40 calls if inlined."""
    functions = []
    for level in range(depth):
        if level == depth - 1:
            nodes = [helper.make_node("Relu", ["x"], ["y"])]
        else:
            callee = f"f{level + 1}"
            nodes = [helper.make_node(callee, ["x"], ["t"], domain="local"),
                     helper.make_node(callee, ["t"], ["y"], domain="local")]
        functions.append(helper.make_function("local", f"f{level}", ["x"], ["y"], nodes,
                                              [helper.make_opsetid("", 17), helper.make_opsetid("local", 1)]))
    m = model([helper.make_node("f0", ["x"], ["y"], name="call", domain="local")], opset=17)
    m.opset_import.append(helper.make_opsetid("local", 1))
    m.functions.extend(functions)
    save(m, "exponential_functions.onnx")


def nested_ifs(depth):
    """If inside If, `depth` deep: valid ONNX, deeper than protobuf's default nesting limit."""
    out = lambda: helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    body = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "leaf", [], [out()])
    for level in range(depth):
        leaf = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "leaf", [], [out()])
        branch = helper.make_node("If", ["c"], ["y"], then_branch=body, else_branch=leaf, name=f"if{level}")
        body = helper.make_graph([branch], f"level{level}", [], [out()])
    cond = numpy_helper.from_array(np.array(True), "c")
    save(model(list(body.node), initializers=[cond], opset=17), "nested_ifs.onnx")


def special_names():
    """Outputs whose names are not valid UTF-8 or that collide once made file names, and a
    weight that is also an input (its value may be replaced)."""
    raw = model([helper.make_node("Relu", ["x"], ["ZZZZ"], name="relu")],
                outputs=[helper.make_tensor_value_info("ZZZZ", TensorProto.FLOAT, [1, 4])]).SerializeToString()
    with open(os.path.join(HERE, "non_utf8_name.onnx"), "wb") as f:
        f.write(raw.replace(b"ZZZZ", b"y\xff\xfez"))
    save(model([helper.make_node("Relu", ["x"], ["a/b"], name="r1"), helper.make_node("Neg", ["x"], ["a_b"], name="r2")],
               outputs=[helper.make_tensor_value_info("a/b", TensorProto.FLOAT, [1, 4]),
                        helper.make_tensor_value_info("a_b", TensorProto.FLOAT, [1, 4])]), "colliding_outputs.onnx")
    save(model([helper.make_node("Relu", ["x"], ["y"], name="r1"), helper.make_node("Neg", ["x"], ["z"], name="r2")],
               outputs=[helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4]),
                        helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 4])]), "two_outputs.onnx")
    bias = numpy_helper.from_array(np.full((1, 4), 1.0, np.float32), "b")
    m = model([helper.make_node("Add", ["x", "b"], ["y"], name="add")], initializers=[bias],
              inputs=[helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4]),
                      helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 4])], check=True)
    save(m, "overridable_bias.onnx")
    np.save(os.path.join(HERE, "b_twos.npy"), np.full((1, 4), 2.0, np.float32))


def external_data():
    """A model whose weights lie in a file beside it (the test links that name elsewhere)."""
    folder = os.path.join(HERE, "external")
    os.makedirs(folder, exist_ok=True)
    weights = helper.make_tensor("w", TensorProto.FLOAT, [4, 4], np.eye(4, dtype=np.float32).tobytes(), raw=True)
    weights.ClearField("raw_data")
    weights.data_location = TensorProto.EXTERNAL
    weights.external_data.add(key="location", value="weights.bin")
    with open(os.path.join(folder, "weights.bin"), "wb") as f:
        f.write(np.eye(4, dtype=np.float32).tobytes())
    save(model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], initializers=[weights]),
         os.path.join("external", "model.onnx"))


if __name__ == "__main__":
    main()
