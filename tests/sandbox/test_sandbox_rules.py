"""House rules for the sandbox package: stdlib only, independent of the client, py2/py3 syntax."""

from __future__ import absolute_import, unicode_literals

import io
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE = os.path.join(ROOT, "agsadmin_core", "sandbox")
SOURCES = sorted(os.path.join(PACKAGE, n) for n in os.listdir(PACKAGE) if n.endswith(".py"))
STDLIB = {"__future__", "argparse", "collections", "io", "json", "os", "random", "re", "socket", "sys",
          "threading", "time", "traceback", "BaseHTTPServer", "SocketServer", "http", "socketserver",
          "urllib", "urlparse"}


def read(path):
    return io.open(path, encoding="utf-8").read()


@pytest.mark.parametrize("path", SOURCES, ids=os.path.basename)
def test_module_rules(path):
    text = read(path)
    assert re.match(r'^"""[A-Z].*\.', text), "module must open with a one-sentence docstring"
    assert len(text.splitlines()) < 800
    assert not re.search(r"""(?<![A-Za-z0-9_"'])[fF][rR]?["']""", text), "f-string"
    assert not re.search(r"^\s*class \w+:", text, re.M), "class without (object)"
    assert not re.search(r"^\s*def \w+\(.*\)\s*->", text, re.M), "annotation"
    if not path.endswith("_compat.py"):
        assert "sys.version_info" not in text
    for module in re.findall(r"^\s*(?:from|import) ([\w.]+)", text, re.M):
        assert module.startswith((".", "agsadmin_core.sandbox")) or module.split(".")[0] in STDLIB, module
    assert not re.search(r"^\s*from \.\.", text, re.M), "the sandbox imports nothing from the client"


def test_coverage_table_in_docs_is_current():
    from agsadmin_core.sandbox.server import coverage_markdown
    docs = os.path.join(ROOT, "docs", "sandbox.md")
    assert coverage_markdown() in read(docs), "regenerate with python -m agsadmin_core.sandbox --coverage"


def test_assumptions_are_listed_in_docs():
    docs = read(os.path.join(ROOT, "docs", "sandbox.md"))
    count = sum(read(p).count("assumption") for p in SOURCES)
    assert count >= 10 and "## Assumptions" in docs

