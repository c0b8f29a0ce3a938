"""The toolbox works from a plain folder copy, and opening it needs no HTTP library.

Each test runs a fresh interpreter (the one running the tests), in an empty working folder,
with no PYTHONPATH, so nothing from this checkout can be imported by accident.
"""

import json
import os
import shutil
import subprocess
import sys

from tests.conftest import CANARY_PASSWORD, CANARY_USER, ROOT
from tests.toolbox.conftest import TOOLS

# Run in the child. argv: toolbox folder, stub root, mode, then the job and its arguments.
CHILD = r'''
import json
import os
import sys

TOOLDIR = os.path.abspath(sys.argv[1])
STUBROOT = os.path.abspath(sys.argv[2])
MODE, JOB = sys.argv[3], sys.argv[4]
ARGS = sys.argv[5:]


def _inside(path):
    return bool(path) and os.path.abspath(path).startswith(TOOLDIR + os.sep)


class OnlyTheCopy(object):
    """Refuse any agsadmin_core that does not come from the toolbox folder."""

    def find_spec(self, name, path=None, target=None):   # Python 3
        if name.split(".")[0] != "agsadmin_core":
            return None
        from importlib.machinery import PathFinder
        spec = PathFinder.find_spec(name, path)
        if spec is None or not _inside(spec.origin):
            raise ImportError("blocked %s from %s" % (name, spec and spec.origin))
        return spec

    def find_module(self, name, path=None):   # Python 2.7
        if name.split(".")[0] != "agsadmin_core":
            return None
        import imp
        handle, where, _ = imp.find_module(name.rpartition(".")[2], path)
        if handle:
            handle.close()
        if not _inside(where):
            raise ImportError("blocked %s from %s" % (name, where))
        return None   # checked: the normal import finds the same file


class NoRequests(object):
    """Make requests impossible to import, as in an ArcMap Python without it."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "requests":
            raise ImportError("No module named 'requests'")

    find_module = find_spec


sys.meta_path.insert(0, OnlyTheCopy())
if JOB == "norequests":
    sys.meta_path.insert(0, NoRequests())
sys.path.insert(0, STUBROOT)
from tests.stubs import gp  # noqa: E402

gp.install(MODE)
tbx = gp.load_toolbox(os.path.join(TOOLDIR, "AGSAdmin.pyt"))
out = {}
watched = ("requests", "keyring", "urllib3", "agsadmin_core")


def loaded():
    return sorted(m for m in sys.modules if m.split(".")[0] in watched and sys.modules[m])


if JOB == "open":
    out["tools"] = list(tbx.tool_names)
    for tool in tbx.tool_names:
        gp.parameters(tbx, tool)
    out["after_parameters"] = loaded()
    for tool in tbx.tool_names:
        gp.validate(tbx, tool)
    out["after_opening_dialogs"] = loaded()
    connection, url = ARGS
    gp.validate(tbx, "ListServices", edits=[("connection_file", connection),
                                            ("services", ["Maps/*"])])
    gp.validate(tbx, "StopServices", edits=[("services", ["Maps/*"]),
                                            ("connection_file", connection)])
    gp.validate(tbx, "CreateConnectionFile", edits=[
        ("server_url", url), ("username", "u"), ("password", "p"),
        ("out_connection_file", os.path.join(os.path.dirname(connection), "new"))])
    out["after_validation"] = [m for m in loaded() if not m.startswith("agsadmin_core")]
elif JOB == "run":
    connection, = ARGS
    result = gp.run_tool(tbx, "ListServices", connection, ["Maps/*"])
    out["count"] = result.getOutput(1)
    out["rows"] = [r[1] for r in gp.table(result.getOutput(0)).rows]
    import agsadmin_core
    out["core"] = os.path.abspath(agsadmin_core.__file__)
    out["leaks"] = gp.secret_leaks(os.environ["AGSADMIN_PASSWORD"])
elif JOB in ("nocore", "norequests"):
    connection, = ARGS
    params = gp.validate(tbx, "ListServices", edits=[("connection_file", connection)])
    out["validation"] = params.messages()["connection_file"]
    try:
        gp.run_tool(tbx, "ListServices", connection)
        out["run"] = "succeeded"
    except gp.ExecuteError:
        out["run"] = [m.text for m in gp.history()[-1].messages if m.severity == 2]
gp.uninstall()
print("RESULT " + json.dumps(out))
'''


def _copy_toolbox(tmp_path, core=True):
    """AGSAdmin.pyt and agsadmin_core/ alone in a folder, and the stand-in in another."""
    tooldir = os.path.join(str(tmp_path), "My Toolboxes")   # a space, as in real paths
    os.makedirs(tooldir)
    shutil.copy(os.path.join(ROOT, "AGSAdmin.pyt"), tooldir)
    if core:
        shutil.copytree(os.path.join(ROOT, "agsadmin_core"),
                        os.path.join(tooldir, "agsadmin_core"),
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    stubroot = os.path.join(str(tmp_path), "stubroot")
    os.makedirs(os.path.join(stubroot, "tests"))
    shutil.copy(os.path.join(ROOT, "tests", "__init__.py"), os.path.join(stubroot, "tests"))
    shutil.copytree(os.path.join(ROOT, "tests", "stubs"),
                    os.path.join(stubroot, "tests", "stubs"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return tooldir, stubroot


def _child(tmp_path, tooldir, stubroot, mode, job, args, env_extra=None):
    script = os.path.join(str(tmp_path), "child.py")
    with open(script, "w") as handle:
        handle.write(CHILD)
    workdir = os.path.join(str(tmp_path), "empty")
    os.makedirs(workdir)
    env = dict((k, v) for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "PYTHONHOME", "AGSADMIN_PASSWORD"))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(env_extra or {})
    out = subprocess.check_output([sys.executable, script, tooldir, stubroot, mode, job] +
                                  list(args), cwd=workdir, env=env,
                                  stderr=subprocess.STDOUT)
    text = out.decode("utf-8")
    lines = [l for l in text.splitlines() if l.startswith("RESULT ")]
    assert lines, text
    return json.loads(lines[-1][len("RESULT "):])


def _toolbox_and_connection(tmp_path, sandbox, core=True):
    """A copied toolbox and a connection file for the sandbox, as each test starts."""
    from agsadmin_core.connection import ConnectionInfo
    tooldir, stubroot = _copy_toolbox(tmp_path, core=core)
    connection = os.path.join(str(tmp_path), "site.agsadmin.json")
    ConnectionInfo(sandbox.url, username=CANARY_USER).save(connection)
    return tooldir, stubroot, connection


def _mode():
    return "arcmap" if sys.version_info[0] == 2 else "pro"


def test_a_copied_toolbox_runs_with_its_own_core(tmp_path, sandbox):
    tooldir, stubroot, connection = _toolbox_and_connection(tmp_path, sandbox)
    out = _child(tmp_path, tooldir, stubroot, _mode(), "run", [connection],
                 {"AGSADMIN_PASSWORD": CANARY_PASSWORD})
    assert out["core"].startswith(os.path.join(tooldir, "agsadmin_core") + os.sep)
    assert out["count"] == "5"
    assert sorted(out["rows"]) == ["Maps/Basemap.MapServer", "Maps/Hydrology.MapServer",
                                   "Maps/Parcels.MapServer", "Maps/Roads.MapServer",
                                   "Maps/Zoning.MapServer"]
    assert out["leaks"] == []


def test_opening_the_toolbox_imports_no_http_or_keyring(tmp_path, sandbox):
    tooldir, stubroot, connection = _toolbox_and_connection(tmp_path, sandbox)
    out = _child(tmp_path, tooldir, stubroot, _mode(), "open", [connection, sandbox.url])
    # Loading and building every tool's parameters imports nothing of ours or the network's;
    # nor does opening each dialog.
    assert out["after_parameters"] == []
    assert out["after_opening_dialogs"] == []
    # Validating values reads local files with agsadmin_core, still with no HTTP library.
    assert out["after_validation"] == []
    assert sandbox.requests == []
    assert out["tools"] == TOOLS   # every tool's dialog was opened and validated


def test_without_its_core_the_toolbox_opens_and_says_what_is_missing(tmp_path, sandbox):
    tooldir, stubroot, connection = _toolbox_and_connection(tmp_path, sandbox, core=False)
    out = _child(tmp_path, tooldir, stubroot, _mode(), "nocore", [connection])
    severity, text = out["validation"]
    assert severity == 2 and "Keep the folder agsadmin_core beside AGSAdmin.pyt" in text
    assert "Traceback" not in text
    # The parameter error stops the run before execute, with the same words.
    assert any("Keep the folder agsadmin_core beside AGSAdmin.pyt" in line
               for line in out["run"])
    assert not any("Traceback" in line for line in out["run"])


def test_without_requests_a_run_says_what_is_missing(tmp_path, sandbox):
    tooldir, stubroot, connection = _toolbox_and_connection(tmp_path, sandbox)
    out = _child(tmp_path, tooldir, stubroot, _mode(), "norequests", [connection],
                 {"AGSADMIN_PASSWORD": CANARY_PASSWORD})
    assert out["validation"] == [0, ""]   # validation never needs requests
    assert len(out["run"]) == 3   # ours, then "Failed to execute", "Failed at"
    assert out["run"][0].startswith("AGSAdmin cannot run: No module named ")
    assert "requests" in out["run"][0] and "Traceback" not in out["run"][0]
    assert sandbox.requests == []
