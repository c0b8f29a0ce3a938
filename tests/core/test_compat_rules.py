"""House rules that keep one codebase running on Python 2.7 and 3.6-3.13."""

import io
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLIENT = os.path.join(ROOT, "agsadmin_core")


def client_sources():
    for folder, dirs, files in os.walk(CLIENT):
        dirs[:] = [d for d in dirs if d not in ("sandbox", "__pycache__")]
        for name in files:
            if name.endswith(".py"):
                yield os.path.join(folder, name)


def test_version_checks_live_only_in_compat():
    offenders = []
    for path in client_sources():
        if path.endswith("_compat.py"):
            continue
        text = io.open(path, encoding="utf-8").read()
        if re.search(r"sys\.version_info|\bPY2\b|\bPY3\b|six\.", text):
            offenders.append(os.path.relpath(path, ROOT))
    assert offenders == []


@pytest.mark.parametrize("path", sorted(client_sources()) + [os.path.join(ROOT, "AGSAdmin.pyt")])
def test_sources_avoid_py3_only_syntax(path):
    text = io.open(path, encoding="utf-8").read()
    assert not re.search(r"""(?<![A-Za-z0-9_"'])[fF][rR]?["']""", text), "f-string in " + path
    assert not re.search(r"^\s*class \w+:", text, re.M), "class without (object) in " + path
    assert not re.search(r"^\s*def \w+\(.*\)\s*->", text, re.M), "annotation in " + path
    assert "nonlocal" not in text


# Any import of the emulator: relative at any depth, absolute, or "import x.sandbox".
SANDBOX_IMPORT = re.compile(r"^\s*(from\s+(\.+|agsadmin_core\.)sandbox\b|"
                            r"from\s+(\.+|agsadmin_core)\s+import\s+sandbox\b|"
                            r"import\s+agsadmin_core\.sandbox\b)", re.M)
# The two front-end commands that start the emulator on purpose (the demo, 'agsadmin sandbox').
MAY_START_THE_SANDBOX = ("demo.py", os.path.join("cli", "local.py"))


def test_the_core_never_imports_arcpy_or_the_sandbox():
    importers = []
    for path in client_sources():
        text = io.open(path, encoding="utf-8").read()
        assert not re.search(r"^\s*(import|from) arcpy", text, re.M), path
        if SANDBOX_IMPORT.search(text):
            importers.append(os.path.relpath(path, CLIENT))
    assert sorted(importers) == sorted(MAY_START_THE_SANDBOX)


def every_python_source():
    for top in ("agsadmin_core", "tests", "benchmarks"):
        for folder, dirs, files in os.walk(os.path.join(ROOT, top)):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for name in files:
                if name.endswith((".py", ".pyt")):
                    yield os.path.join(folder, name)


def test_non_ascii_sources_declare_their_coding():
    """Python 2.7 refuses to compile non-ASCII bytes without a coding line (PEP 263)."""
    offenders = []
    for path in list(every_python_source()) + [os.path.join(ROOT, "AGSAdmin.pyt")]:
        lines = io.open(path, encoding="utf-8").read().splitlines()
        if any(ord(c) > 127 for line in lines for c in line) and not any(
                re.search(r"^#.*coding[:=]\s*utf-8", line) for line in lines[:2]):
            offenders.append(os.path.relpath(path, ROOT))
    assert offenders == []


def test_no_deprecated_utc_clock():
    """datetime.utcnow/utcfromtimestamp warn on 3.12+ and datetime.timezone is absent on 2.7:
    UTC text comes from time.gmtime (see journal.py)."""
    offenders = []
    for path in every_python_source():
        text = io.open(path, encoding="utf-8").read()
        if re.search(r"\.utcnow\(|\.utcfromtimestamp\(", text):
            offenders.append(os.path.relpath(path, ROOT))
    assert offenders == []
