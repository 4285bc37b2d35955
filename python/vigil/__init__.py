# SPDX-License-Identifier: Apache-2.0
"""vigil from Python: fast and dependable neural-network inference on CPUs.

    import numpy as np
    import vigil

    session = vigil.InferenceSession("models/fashion_mnist_cnn.onnx", threads=2)
    image = np.zeros((1, 1, 28, 28), dtype=np.float32)
    (logits,) = session.run(None, {session.get_inputs()[0].name: image})

InferenceSession has the calls of ONNX Runtime's (get_inputs, get_outputs, run). The
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

from ._vigil import (  # noqa: F401  (the module's public names)
    BadInput,
    Error,
    FaultDetected,
    InferenceSession,
    NodeArg,
    Unsupported,
    active_isa,
    run_command,
)

__all__ = [
    "InferenceSession", "NodeArg", "Error", "BadInput", "Unsupported", "FaultDetected", "active_isa",
    "run_command", "quantize", "profile", "peaks", "predict", "abft", "inject", "bench", "eval", "info",
]

_EXIT_CODE_ERRORS = {2: BadInput, 3: FaultDetected}


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
