"""Exceptions of the arcpy stand-in: arcpy's own two, and the stub's framework-level ones."""
from __future__ import absolute_import


class ExecuteError(Exception):
    """A geoprocessing tool failed (arcpy.ExecuteError, from arcgisscripting; reference 4.4)."""


class ExecuteWarning(Exception):
    """A tool produced a warning that was escalated (arcpy.ExecuteWarning; reference 4.4)."""


class ToolboxLoadError(Exception):
    """The .pyt or one of its tools would show as broken in ArcGIS (reference 1.5).

    ArcMap puts an error badge on the toolbox (syntax error) or on the tool (failure in
    ``__init__`` / ``getParameterInfo`` / ``isLicensed``); Pro shows a "Parsing error" with a
    traceback. ``tool`` is the tool class name or None for the toolbox itself;
    ``traceback_text`` holds the Python traceback when the cause was an exception.
    """

    def __init__(self, message, tool=None, traceback_text=None):
        Exception.__init__(self, message)
        self.tool = tool
        self.traceback_text = traceback_text


class ValidationNotIdempotent(AssertionError):
    """Repeated validation passes with no edit changed values or messages (reference 1.2)."""


class CancelledByUser(BaseException):
    """The framework stopping a cancelled tool (reference 4.3 [R24]).

    With ``env.autoCancelling`` True, ArcGIS stops the script after the current line and "no
    code runs afterwards". Deriving from BaseException keeps a toolbox's ``except Exception``
    from swallowing it, which is the closest a pure-Python stand-in gets to that. It is not
    an arcpy name: a toolbox has no documented way to catch a cancel.
    """
