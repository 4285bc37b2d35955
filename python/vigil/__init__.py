# SPDX-License-Identifier: Apache-2.0
"""vigil from Python: fast and dependable neural-network inference on CPUs.

    import numpy as np
    import vigil

    session = vigil.InferenceSession("models/fashion_mnist_cnn.onnx", threads=2)
    image = np.zeros((1, 1, 28, 28), dtype=np.float32)
    (logits,) = session.run(None, {session.get_inputs()[0].name: image})

InferenceSession has the calls of ONNX Runtime's (get_inputs, get_outputs, run; its
SessionOptions and providers too, so that `import vigil as ort` runs code written for it). The
tools of the `vigil` command are functions that take its flags as keyword arguments
(`dataset_limit=100` for `--dataset-limit 100`; True for a flag without a value; a
list for a flag given several times; a dict for NAME=VALUE flags such as `input`) and
return the document its `--json` writes, as a dict:

    vigil.quantize(model, out=..., calib=..., method="entropy")   # vigil quantize
    vigil.profile(model, threads=2)                                # vigil profile
    vigil.peaks()                                                  # vigil peaks
    vigil.predict(workload, arch="eyeriss.yaml")                           # vigil predict
    vigil.abft(model, threads=1)                                   # vigil abft
    vigil.inject(model, ...)                                       # vigil inject
    vigil.bench(model, runs=40), vigil.eval(model, dataset=...), vigil.info(model)

`vigil <tool> --help` lists every flag. Errors raise vigil.Error (vigil.BadInput, a
ValueError, for bad models, flags and feeds; vigil.Unsupported; vigil.FaultDetected)
with the one-line message the command prints.
"""

import json
import os
import tempfile

from . import _vigil
from ._vigil import BadInput, Error, FaultDetected, NodeArg, Unsupported, active_isa, run_command

__all__ = [
    "InferenceSession", "SessionOptions", "GraphOptimizationLevel", "NodeArg", "Error", "BadInput", "Unsupported",
    "FaultDetected", "active_isa",
    "run_command", "quantize", "profile", "peaks", "predict", "abft", "inject", "bench", "eval", "info",
]

_EXIT_CODE_ERRORS = {2: BadInput, 3: FaultDetected}


class GraphOptimizationLevel:
    """ONNX Runtime's levels; vigil's graph passes are all on, or off for ORT_DISABLE_ALL."""
    ORT_DISABLE_ALL = 0
    ORT_ENABLE_BASIC = 1
    ORT_ENABLE_EXTENDED = 2
    ORT_ENABLE_ALL = 99


class SessionOptions:
    """The fields of ONNX Runtime's SessionOptions that vigil reads, so that code written
    for it runs unchanged: intra_op_num_threads (0: one thread) and
    graph_optimization_level."""

    def __init__(self):
        self.intra_op_num_threads = 0
        self.graph_optimization_level = GraphOptimizationLevel.ORT_ENABLE_ALL


class InferenceSession(_vigil.InferenceSession):
    """A model loaded, optimised and ready to run.

    InferenceSession(path, sess_options=None, providers=None, *, threads=None,
                     optimize=None, isa=None, abft=None, abft_mode=None)

    ONNX Runtime's positional form works as it is (SessionOptions above; providers may
    name only the CPU; provider_options is accepted and ignored); vigil's own keywords say
    the same more directly and win over sess_options. See docs/python.md."""

    def __init__(self, path, sess_options=None, providers=None, *, threads=None, optimize=None, isa=None, abft=None,
                 abft_mode=None, provider_options=None):
        for provider in providers or []:
            name = provider[0] if isinstance(provider, (tuple, list)) else provider
            if name != "CPUExecutionProvider":
                raise BadInput(f"InferenceSession: provider '{name}': vigil runs on the CPU only "
                               "(CPUExecutionProvider)")
        if threads is None:
            threads = getattr(sess_options, "intra_op_num_threads", 0) or 1
        if optimize is None:
            level = getattr(sess_options, "graph_optimization_level", GraphOptimizationLevel.ORT_ENABLE_ALL)
            optimize = level != GraphOptimizationLevel.ORT_DISABLE_ALL
        super().__init__(path, threads=threads, optimize=optimize, isa=isa, abft=abft, abft_mode=abft_mode)

    def run(self, output_names, input_feed, run_options=None):
        """The named outputs (all for None) as numpy arrays, in the order asked."""
        return super().run(output_names, input_feed)

    def get_providers(self):
        return ["CPUExecutionProvider"]


def _flags(options):
    """Keyword arguments as command-line flags, in the order given."""
    arguments = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            arguments.append(flag)
        elif isinstance(value, dict):
            for key, item in value.items():
                arguments += [flag, f"{key}={os.fspath(item) if isinstance(item, os.PathLike) else item}"]
        elif isinstance(value, (list, tuple)):
            for item in value:
                arguments += [flag, str(os.fspath(item) if isinstance(item, os.PathLike) else item)]
        else:
            arguments += [flag, str(os.fspath(value) if isinstance(value, os.PathLike) else value)]
    return arguments


def _tool(command, positional, options):
    """Runs `vigil COMMAND POSITIONAL... FLAGS... --json FILE` in this process; its JSON."""
    if "json" in options:
        raise TypeError(f"vigil.{command}: the result is returned; there is no json argument")
    with tempfile.TemporaryDirectory(prefix="vigil-") as folder:
        document = os.path.join(folder, "result.json")
        arguments = [command, *[os.fspath(item) for item in positional], *_flags(options), "--json", document]
        exit_code, message = run_command(arguments, quiet=True)
        if exit_code != 0:
            raise _EXIT_CODE_ERRORS.get(exit_code, Error)(message)
        with open(document, encoding="utf-8") as result:
            return json.load(result)


def quantize(model, *, out, **options):
    """`vigil quantize MODEL --out OUT ...`: writes the quantized model; returns its ranges and scales."""
    return _tool("quantize", [model], {"out": out, **options})


def profile(model, **options):
    """`vigil profile MODEL ...`: every layer's time, rate and place on the roofline."""
    return _tool("profile", [model], options)


def peaks(**options):
    """`vigil peaks ...`: the machine's measured fp32 and int8 peaks and memory bandwidth."""
    return _tool("peaks", [], options)


def predict(workload, **options):
    """`vigil predict WORKLOAD ...`: latency and energy on a modelled accelerator."""
    return _tool("predict", [workload], options)


def abft(model, **options):
    """`vigil abft MODEL ...`: each layer's checksum schemes, their cost and what auto chooses."""
    return _tool("abft", [model], options)


def inject(model, **options):
    """`vigil inject MODEL ...`: a fault-injection campaign's summary and breakdowns."""
    return _tool("inject", [model], options)


def bench(model, **options):
    """`vigil bench MODEL ...`: latency medians (and ONNX Runtime's with peer="ort")."""
    return _tool("bench", [model], options)


def eval(model, **options):  # noqa: A001  (the command's name)
    """`vigil eval MODEL ...`: a classifier's accuracy on a labelled dataset."""
    return _tool("eval", [model], options)


def info(model, **options):
    """`vigil info MODEL ...`: the model's inputs, outputs, operators and opsets."""
    return _tool("info", [model], options)
