"""Python 2.7 / 3.x differences the arcpy stand-in needs, kept in one place."""
from __future__ import absolute_import

import sys

PY2 = sys.version_info[0] == 2

if PY2:  # pragma: no cover - exercised by the py27 test run
    text_type = unicode  # noqa: F821 - Python 2 builtin
    string_types = (str, unicode)  # noqa: F821
    integer_types = (int, long)  # noqa: F821
else:
    text_type = str
    string_types = (str,)
    integer_types = (int,)


def to_text(value):
    """Return ``value`` as text: ArcMap hands Python 2 code ``unicode`` (reference 2.4, 7).

    Byte strings are decoded as UTF-8 so a test passing a plain ``str`` literal on Python 2
    still gets the ``unicode`` object the toolbox will meet in ArcMap.
    """
    if isinstance(value, text_type):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return text_type(value)


def is_text(value):
    """True for str/unicode (never for bytes on Python 3)."""
    return isinstance(value, string_types)


def load_source(module_name, path):
    """Execute the file at ``path`` as a new module named ``module_name`` and return it.

    A .pyt suffix is not one the import system knows, so it needs an explicit loader:
    ``imp.load_source`` on Python 2, ``SourceFileLoader`` on Python 3 (reference 1.4 [R45][R67]).
    Bytecode writing is switched off by the caller so no ``.pytc`` / ``__pycache__`` file lands
    beside the toolbox.
    """
    if PY2:  # pragma: no cover - exercised by the py27 test run
        import imp
        return imp.load_source(module_name, path)
    import importlib.machinery
    import importlib.util
    loader = importlib.machinery.SourceFileLoader(module_name, path)
    spec = importlib.util.spec_from_loader(module_name, loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def reraise_traceback_text():
    """Return the formatted traceback of the exception being handled."""
    import traceback
    return "".join(traceback.format_exception(*sys.exc_info()))


def tool_traceback_text():
    """The handled exception's traceback without the stub's own frames.

    ArcGIS shows the toolbox's frames only; leaving the runner's frames in would make the
    recorded messages differ from what a user sees.
    """
    import os
    import traceback
    stub_dir = os.path.dirname(os.path.abspath(__file__))
    etype, value, tb = sys.exc_info()
    frames = [f for f in traceback.extract_tb(tb)
              if not os.path.abspath(f[0]).startswith(stub_dir + os.sep)]
    lines = ["Traceback (most recent call last):\n"]
    lines.extend(traceback.format_list(frames))
    lines.extend(traceback.format_exception_only(etype, value))
    return "".join(lines)
