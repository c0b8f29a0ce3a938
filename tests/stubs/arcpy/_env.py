"""``arcpy.env``: a strict attribute bag of geoprocessing environment settings."""
from __future__ import absolute_import

import difflib
import os

from . import _compat
from ._state import STATE

# A partial list of real environment names (reference 2.2, 6 and the Pro type stubs [R37]).
# Unknown names raise AttributeError on read *and* write: real arcpy would quietly keep a
# misspelt setting such as ``overwriteOuput`` and ignore it, which is exactly the bug a test
# should catch. Extend this table when the toolbox needs a real setting that is missing.
_DEFAULTS = {
    "workspace": None,
    "scratchWorkspace": None,
    "overwriteOutput": False,
    "addOutputsToMap": True,
    "autoCancelling": True,
    "outputCoordinateSystem": None,
    "geographicTransformations": None,
    "extent": None,
    "XYTolerance": None,
    "XYResolution": None,
    "XYDomain": None,
    "outputZFlag": None,
    "outputZValue": None,
    "outputMFlag": None,
    "ZDomain": None,
    "MDomain": None,
    "cellSize": None,
    "mask": None,
    "snapRaster": None,
    "compression": None,
    "configKeyword": None,
    "qualifiedFieldNames": True,
    "transferDomains": False,
    "maintainAttachments": True,
    "preserveGlobalIds": False,
    "maintainSpatialIndex": False,
    "parallelProcessingFactor": None,
    "packageWorkspace": None,
    "referenceScale": None,
    "randomGenerator": None,
    "pyramid": None,
    "rasterStatistics": None,
    "resamplingMethod": None,
    "nodata": None,
    "tileSize": None,
    "cartographicCoordinateSystem": None,
    "terrainMemoryUsage": False,
    "autoCommit": 1000,
}

# Settings that exist only in Pro (stub judgement; ArcMap 10.x has no GPU/processor types).
_PRO_ONLY = ("processorType", "gpuId")

# Booleans are checked so that ``overwriteOutput = "false"`` (a truthy string) fails here
# instead of silently meaning True.
_BOOLEAN = ("overwriteOutput", "addOutputsToMap", "autoCancelling", "qualifiedFieldNames",
            "transferDomains", "maintainAttachments", "preserveGlobalIds",
            "maintainSpatialIndex", "terrainMemoryUsage")

# Read-only: derived by the application (scratch folders) or owned by the framework
# (isCancelled is "read-only" in the cancellation docs, section 4.3 [R24]).
_READ_ONLY = ("scratchFolder", "scratchGDB", "isCancelled")


class Env(object):
    """The object behind ``arcpy.env`` (an object, not a module; Stub checklist)."""

    __slots__ = ("_values",)

    def __init__(self):
        object.__setattr__(self, "_values", {})
        self.reset()

    # -- stub-internal helpers (not arcpy API) ----------------------------------------------
    def _get(self, name):
        return self._values[name]

    def _snapshot(self):
        return dict(self._values)

    def _restore(self, snapshot):
        self._values.clear()
        self._values.update(snapshot)

    def _known(self, name):
        if name in ("isCancelled", "autoCancelling"):
            return STATE.has_cancel_env
        if name in _PRO_ONLY:
            return STATE.is_pro
        return name in _DEFAULTS or name in _READ_ONLY

    def _names(self):
        names = [n for n in _DEFAULTS if self._known(n)]
        names.extend(n for n in _READ_ONLY if self._known(n))
        names.extend(n for n in _PRO_ONLY if self._known(n))
        return sorted(names)

    # -- arcpy API --------------------------------------------------------------------------
    def reset(self):
        """Put every setting back to its default (``arcpy.env.reset()`` / ResetEnvironments)."""
        self._values.clear()
        self._values.update(_DEFAULTS)
        for name in _PRO_ONLY:
            self._values[name] = None
        self._values["isCancelled"] = False

    def keys(self):
        return self._names()

    def values(self):
        return [getattr(self, n) for n in self._names()]

    def items(self):
        return [(n, getattr(self, n)) for n in self._names()]

    iteritems = items

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if not self._known(name):
            raise AttributeError(_unknown(name))
        if name == "scratchFolder":
            return _compat.to_text(STATE.scratch_folder())
        if name == "scratchGDB":
            return _compat.to_text(os.path.join(STATE.scratch_folder(), "scratch.gdb"))
        if name == "isCancelled":
            return STATE.cancel_requested
        return self._values[name]

    def __setattr__(self, name, value):
        if not self._known(name):
            raise AttributeError(_unknown(name))
        if name in _READ_ONLY:
            raise AttributeError("arcpy.env.%s is read-only" % name)
        if name in _BOOLEAN and not isinstance(value, bool):
            raise ValueError("arcpy.env.%s takes True or False, not %r" % (name, value))
        if name in ("workspace", "scratchWorkspace") and value is not None:
            if not _compat.is_text(value):
                raise ValueError("arcpy.env.%s takes a path string, not %r" % (name, value))
        self._values[name] = value

    def __delattr__(self, name):
        raise AttributeError("arcpy.env settings cannot be deleted; use arcpy.ClearEnvironment")

    def __dir__(self):
        return self._names() + ["keys", "values", "items", "iteritems", "reset"]


def _unknown(name):
    hint = ""
    known = list(_DEFAULTS) + list(_READ_ONLY) + list(_PRO_ONLY)
    close = difflib.get_close_matches(name, known, 1, 0.8) or \
        [n for n in known if n.lower() == name.lower()]
    if name in ("isCancelled", "autoCancelling"):
        hint = " (not available before ArcMap 10.4; guard with getattr, section 4.3)"
    elif name in _PRO_ONLY:
        hint = " (ArcGIS Pro only)"
    elif close:
        hint = " (did you mean %r?)" % close[0]
    return "arcpy.env has no setting %r%s" % (name, hint)


ENV = Env()


class EnvManager(object):
    """``arcpy.EnvManager(**settings)`` (Pro): set environments for a ``with`` block."""

    def __init__(self, **settings):
        for name in settings:
            if not ENV._known(name):
                raise AttributeError(_unknown(name))
        self._settings = settings
        self._saved = None

    def __enter__(self):
        self._saved = ENV._snapshot()
        for name, value in self._settings.items():
            setattr(ENV, name, value)
        return self

    def __exit__(self, *exc):
        ENV._restore(self._saved)
        return False
