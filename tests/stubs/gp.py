"""Test-facing API of the strict arcpy stand-in: install it, load a .pyt, run tools, inspect.

Usage (docs/arcpy-stub.md)::

    from tests.stubs import gp
    arcpy = gp.install(mode="pro")            # or "arcmap", "arcmap103"
    tbx = gp.load_toolbox("AGSAdmin.pyt")
    result = gp.run_tool(tbx, "StopServices", connection_file=path)
    gp.uninstall()
"""
from __future__ import absolute_import

import os
import sys
import types

_STUBS_DIR = os.path.dirname(os.path.abspath(__file__))
_installed = None     # what install() displaced, or None when not installed


def _is_stub_name(name):
    return name == "arcpy" or name.startswith("arcpy.") or name == "arcgisscripting"


def _import_stub():
    """Import the stub package once, as ``arcpy``, and take it back out of sys.modules.

    Keeping the module objects (instead of re-importing on every install) keeps class
    identity stable, so ``gp.ExecuteError is arcpy.ExecuteError`` across installs.
    """
    displaced = dict((k, sys.modules.pop(k)) for k in list(sys.modules) if _is_stub_name(k))
    sys.path.insert(0, _STUBS_DIR)
    try:
        __import__("arcpy")
        modules = dict((k, v) for k, v in sys.modules.items()
                       if _is_stub_name(k) and v is not None)
    finally:
        sys.path.remove(_STUBS_DIR)
        for name in [k for k in sys.modules if _is_stub_name(k)]:
            del sys.modules[name]
        sys.modules.update(displaced)
    return modules


_MODULES = _import_stub()
_arcpy = _MODULES["arcpy"]
_STATE = _MODULES["arcpy._state"].STATE
_runner = _MODULES["arcpy._runner"]

ExecuteError = _arcpy.ExecuteError
ExecuteWarning = _arcpy.ExecuteWarning
ToolboxLoadError = _MODULES["arcpy._errors"].ToolboxLoadError
ValidationNotIdempotent = _MODULES["arcpy._errors"].ValidationNotIdempotent
CancelledByUser = _MODULES["arcpy._errors"].CancelledByUser
NotAvailableInTests = _MODULES["arcpy.mp"].NotAvailableInTests
MASK = _MODULES["arcpy._datatypes"].MASK
MODES = _MODULES["arcpy._state"].MODES


def _arcgisscripting():
    module = types.ModuleType("arcgisscripting")
    module.__doc__ = "Stand-in for arcgisscripting: the home of ExecuteError (section 4.4)."
    module.ExecuteError = ExecuteError
    module.ExecuteWarning = ExecuteWarning
    return module


def install(mode="pro", arcmap_gpstringhidden=True):
    """Put the stub in ``sys.modules["arcpy"]`` with fresh state; return the arcpy module.

    ``mode``: "pro" (ArcGIS Pro 3.5, Python 3 behaviour), "arcmap" (ArcMap 10.8.2) or
    "arcmap103" (ArcMap 10.3: no ``env.isCancelled``/``env.autoCancelling``).
    ``arcmap_gpstringhidden``: whether the ArcMap modes accept the GPStringHidden keyword
    (unconfirmed for ArcMap, reference section 3.1); set False to test a toolbox's fallback.
    Calling install again resets everything (tables, history, messages, hooks, env).
    """
    global _installed
    if mode not in MODES:
        raise ValueError("mode must be one of %s, not %r" % (", ".join(MODES), mode))
    if _installed is None:
        _installed = {
            "modules": dict((k, v) for k, v in sys.modules.items() if _is_stub_name(k)),
            "path": list(sys.path),
        }
    for name in [k for k in sys.modules if _is_stub_name(k)]:
        del sys.modules[name]
    sys.modules.update(_MODULES)
    sys.modules["arcgisscripting"] = _arcgisscripting()
    if _STUBS_DIR in sys.path:
        sys.path.remove(_STUBS_DIR)
    sys.path.insert(0, _STUBS_DIR)   # ahead of any real arcpy
    _arcpy._reset(mode, arcmap_gpstringhidden)
    return _arcpy


def uninstall():
    """Remove the stub, restore what it displaced, delete its scratch folder. Idempotent."""
    global _installed
    if _installed is None:
        return
    toolbox_dirs = []
    for name in _STATE.loaded_modules:
        path = getattr(sys.modules.get(name), "__file__", None)
        if path:
            toolbox_dirs.append(os.path.dirname(os.path.abspath(path)))
    _arcpy._reset("pro")
    _STATE.cleanup()
    for name in [k for k in sys.modules if _is_stub_name(k)]:
        del sys.modules[name]
    sys.modules.update(_installed["modules"])
    # Drop the stub folder and folders a loaded toolbox put on sys.path (its own helper path
    # set-up, section 1.4); leave everything else alone.
    before = set(_installed["path"])
    for entry in list(sys.path):
        if entry == _STUBS_DIR and entry not in before:
            sys.path.remove(entry)
        elif entry not in before and entry and any(
                os.path.abspath(entry) == d or os.path.abspath(entry).startswith(d + os.sep)
                for d in toolbox_dirs):
            sys.path.remove(entry)
    _installed = None


def is_installed():
    return _installed is not None


def _require():
    if _installed is None or sys.modules.get("arcpy") is not _arcpy:
        raise RuntimeError("the arcpy stub is not installed: call tests.stubs.gp.install()")


def mode():
    """The installed mode: "pro", "arcmap" or "arcmap103"."""
    _require()
    return _STATE.mode


# -- toolboxes and tools ---------------------------------------------------------------------
def load_toolbox(path):
    """Import a .pyt under a fresh module name and run the load check; see LoadedToolbox."""
    _require()
    return _runner.load_toolbox(path)


def _loaded(toolbox):
    if isinstance(toolbox, _runner.LoadedToolbox):
        return toolbox
    return load_toolbox(toolbox)


def parameters(toolbox, tool):
    """A new tool's ``getParameterInfo()`` after the definition check (no validation)."""
    _require()
    loaded = _loaded(toolbox)
    return _runner.tool_parameters(_runner.instantiate(loaded.tool_class(tool)), tool)


def run_tool(toolbox, tool, *args, **kwargs):
    """Run ``tool`` as the application does; return a Result or raise arcpy.ExecuteError."""
    _require()
    return _runner.run_tool(_loaded(toolbox), tool, args, kwargs)


def validate(toolbox, tool, edits=None, passes=3, check_idempotent=True, max_seconds=None,
             derived=()):
    """Dialog-like validation without execute; returns the parameters (ValidatedParameters)."""
    _require()
    return _runner.validate(_loaded(toolbox), tool, edits, passes, check_idempotent,
                            max_seconds, derived)


def edit(param, value):
    """Simulate the user typing ``value``: altered True, hasBeenValidated False."""
    param._edit(value)


def mark_derived(param, derived=True):
    """Make ``param.isInputValueDerived()`` return ``derived`` (a model's upstream output)."""
    param._d["derived_input"] = bool(derived)


def last_parameters():
    """The parameter objects of the last run_tool/validate call (after the run)."""
    return _STATE.last_parameters


# -- recordings ------------------------------------------------------------------------------
def history():
    """Every run as HistoryEntry objects (values masked as ArcGIS history masks them)."""
    return list(_STATE.history)


def messages(framework=True):
    """Every message recorded since install as Message(severity, text) tuples."""
    return [m for m in _STATE.all_messages if framework or not m.framework]


def progress_log():
    """Progressor calls as tuples, in order (see docs/arcpy-stub.md)."""
    return list(_STATE.progress)


def timings():
    """(tool, method, seconds) for every updateParameters/internal/updateMessages call."""
    return list(_STATE.timings)


def tables():
    """``{catalog path: StubTable}`` of every table in the in-memory store."""
    store = _MODULES["arcpy._tables"].STORE
    return dict((t.path, t) for t in store.tables.values())


def table(path):
    """The StubTable at ``path``; KeyError if there is none."""
    found = _MODULES["arcpy._tables"].STORE.get(path)
    if found is None:
        raise KeyError(path)
    return found


# -- hooks -----------------------------------------------------------------------------------
def sign_in(token, portal_url=None):
    """Make ``arcpy.GetSigninToken()`` return ``token`` (keys: token, referer, expires)."""
    if not isinstance(token, dict) or set(token) != set(["token", "referer", "expires"]):
        raise ValueError("sign_in takes a dict with exactly the keys token, referer, expires")
    _STATE.signin = dict(token)
    if portal_url is not None:
        _STATE.portal_url = portal_url


def sign_out():
    _STATE.signin = None


def cancel_after(steps):
    """Cancel the next run after ``steps`` SetProgressorPosition calls (0: at once)."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError("steps must be a whole number >= 0")
    _STATE.cancel_after = steps


def set_project(project):
    """What ``arcpy.mp.ArcGISProject`` / ``arcpy.mapping.MapDocument`` return (None: raise)."""
    _STATE.mp_project = project


def secret_leaks(secret):
    """Where ``secret`` appears in history, messages, progress, tables or scratch files."""
    text_type = type(u"")
    secret = secret if isinstance(secret, text_type) else secret.decode("utf-8") \
        if isinstance(secret, bytes) else text_type(secret)
    found = []

    def look(where, value):
        if value is not None and secret in (value if isinstance(value, text_type)
                                            else text_type(repr(value))):
            found.append(where)

    for index, entry in enumerate(_STATE.history):
        for name, value in entry.parameters:
            look("history[%d].%s" % (index, name), value)
    for index, message in enumerate(_STATE.all_messages):
        look("messages[%d]" % index, message.text)
    for index, event in enumerate(_STATE.progress):
        look("progress[%d]" % index, u" ".join(text_type(e) for e in event))
    for path, stub_table in tables().items():
        for number, row in enumerate(stub_table.rows):
            look("table %s row %d" % (path, number), u" ".join(text_type(c) for c in row))
    root = _STATE.scratch_root
    if root and os.path.isdir(root):
        for folder, _, files in os.walk(root):
            for name in files:
                full = os.path.join(folder, name)
                with open(full, "rb") as handle:
                    if secret.encode("utf-8") in handle.read():
                        found.append("file %s" % full)
    return found
