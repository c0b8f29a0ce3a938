"""House rules for the sandbox package: stdlib only, independent of the client, py2/py3 syntax."""

from __future__ import absolute_import, unicode_literals

import io
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE = os.path.join(ROOT, "agsadmin_core", "sandbox")
SOURCES = sorted(os.path.join(folder, n) for folder, dirs, files in os.walk(PACKAGE)
                 for n in files if n.endswith(".py"))
STDLIB = {"__future__", "argparse", "ast", "bisect", "calendar", "zlib", "collections", "hashlib", "io", "json", "os", "random", "re",
          "shutil", "socket", "sys", "tempfile", "threading", "time", "traceback", "BaseHTTPServer",
          "SocketServer", "http", "socketserver", "urllib", "urlparse",
          "lzma", "struct", "zlib",  # the .sd reader (sevenzip.py)
          "zipfile"}  # site backups (models/backups.py)


def read(path):
    return io.open(path, encoding="utf-8").read()


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: os.path.relpath(p, PACKAGE))
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
    depth = os.path.relpath(path, PACKAGE).count(os.sep)  # modules in models/ and routes/ go up one
    assert not re.search(r"^\s*from \.{%d}" % (depth + 2), text, re.M), \
        "the sandbox imports nothing from the client"


def test_coverage_table_in_docs_is_current():
    from agsadmin_core.sandbox.httpd import coverage_markdown
    from agsadmin_core.sandbox.areas import all_routes
    docs = read(os.path.join(ROOT, "docs", "sandbox.md"))
    start, end = "<!-- coverage-table:start -->\n", "<!-- coverage-table:end -->"
    assert docs.count(start) == 1 and docs.count(end) == 1
    table = docs.split(start)[1].split(end)[0]
    # Exactly the declarations: same rows, same order, one row per declared route.
    assert table == coverage_markdown(), "regenerate with python -m agsadmin_core.sandbox --coverage-table"
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [r.pattern for r in all_routes()]


def test_assumptions_are_listed_in_docs():
    docs = read(os.path.join(ROOT, "docs", "sandbox.md"))
    count = sum(read(p).count("assumption") for p in SOURCES)
    assert count >= 10 and "## Assumptions" in docs



def test_control_plane_serves_the_declarations(sb):
    import requests
    from agsadmin_core.sandbox.areas import all_routes
    served = requests.get(sb.control_url + "/routes").json()["routes"]
    assert [r["pattern"] for r in served] == [r.pattern for r in all_routes()]
    assert {"methods": ["POST"], "pattern": "/arcgis/admin/services/deleteServices", "since": "10.7.1",
            "status": "served", "description": "wrapped or bare array"} in served
