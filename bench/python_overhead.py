# SPDX-License-Identifier: Apache-2.0
"""What a call through the Python module costs beyond the C++ session.

On the shipped Fashion-MNIST CNN (batch 1, one thread), in one process and in
alternating blocks: the median time of `InferenceSession.run` called from Python
(perf_counter around each call: the feed dict, wrapping the numpy input, releasing the
GIL, the run, copying the logits into a new array), and the median of `vigil bench`'s
C++ loop over the same session code (vigil.bench runs it in this process). The
overhead is the difference of the medians, each the median over the blocks' medians.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_overhead.py [--runs 2000] [--blocks 5]
"""

import argparse
import pathlib
import statistics
import time

import numpy as np

import vigil

MODEL = pathlib.Path(__file__).resolve().parents[1] / "models" / "fashion_mnist_cnn.onnx"


def python_block(session, feeds, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        session.run(None, feeds)
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="calls per block and engine")
    parser.add_argument("--blocks", type=int, default=5, help="alternating blocks")
    parser.add_argument("--model", default=str(MODEL))
    args = parser.parse_args()

    session = vigil.InferenceSession(args.model, threads=1)
    feeds = {arg.name: np.random.default_rng(1).random([d if isinstance(d, int) else 1 for d in arg.shape],
                                                       dtype=np.float32) for arg in session.get_inputs()}
    python_block(session, feeds, 200)  # warm-up: plan, caches
    python_us, cpp_us = [], []
    for _ in range(args.blocks):
        python_us.append(python_block(session, feeds, args.runs))
        cpp_us.append(vigil.bench(args.model, runs=args.runs, warmup=200, threads=1)["median_ms"] * 1e3)
    python_median, cpp_median = statistics.median(python_us), statistics.median(cpp_us)
    print(f"{pathlib.Path(args.model).name}, 1 thread, {args.blocks} blocks of {args.runs} calls, "
          f"isa {vigil.active_isa()}")
    print("block medians, Python run (us): " + " ".join(f"{t:.1f}" for t in python_us))
    print("block medians, C++ session (us): " + " ".join(f"{t:.1f}" for t in cpp_us))
    print(f"median: Python {python_median:.1f} us, C++ {cpp_median:.1f} us, "
          f"overhead {python_median - cpp_median:.1f} us per call")


if __name__ == "__main__":
    main()
