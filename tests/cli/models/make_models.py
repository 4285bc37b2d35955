# SPDX-License-Identifier: Apache-2.0
"""Writes the small models the command-line tests run (offline, with Debian's
python3-onnx; the outputs are committed).
- loop_trip_count.onnx: y = x + trips, computed by a Loop whose trip count is the output
  of a node ("trip_count", 5 + 0): a fault in its high bits makes the Loop run for days,
  which is how inject_isolation_test.sh makes an injection hang."""
import os

from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))


def loop_trip_count():
    one = helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]), helper.make_node("Add", ["v_in", "one"], ["v_out"])],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_in", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_out", TensorProto.FLOAT, [1, 4])],
        [one])
    graph = helper.make_graph(
        [helper.make_node("Add", ["five", "zero"], ["trips"], name="trip_count"),
         helper.make_node("Loop", ["trips", "yes", "x"], ["y"], name="loop", body=body)],
        "loop_trip_count",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor("five", TensorProto.INT64, [], [5]), helper.make_tensor("zero", TensorProto.INT64, [], [0]),
         helper.make_tensor("yes", TensorProto.BOOL, [], [True])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 16)], producer_name="vigil-tests")
    model.ir_version = 8
    return model


if __name__ == "__main__":
    with open(os.path.join(HERE, "loop_trip_count.onnx"), "wb") as f:
        f.write(loop_trip_count().SerializeToString())
