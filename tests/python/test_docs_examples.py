# SPDX-License-Identifier: Apache-2.0
"""The vigil snippets of docs/python.md run as written, from a folder that holds the
repository's models/ and src/; its ONNX Runtime snippet (Python's onnxruntime, which Debian
does not package) runs on vigil with `import vigil as ort` in place of its import."""

import os
import pathlib
import re

import pytest

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]
DOCUMENT = SOURCE_DIR / "docs" / "python.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOCUMENT.read_text(), re.S)
SNIPPETS = [block for block in BLOCKS if "import vigil" in block and "onnxruntime" not in block]
SNIPPETS += [block.replace("import onnxruntime as ort", "import vigil as ort") for block in BLOCKS
             if "import onnxruntime as ort" in block]


def test_the_page_has_vigil_snippets():
    assert len(SNIPPETS) >= 3


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"snippet_{i}" for i in range(len(SNIPPETS))])
def test_snippet_runs_as_written(snippet, tmp_path, monkeypatch, capsys):
    for folder in ("models", "src"):
        (tmp_path / folder).symlink_to(SOURCE_DIR / folder)
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, str(DOCUMENT), "exec"), {"__name__": "__main__"})
    assert capsys.readouterr().out.strip()
