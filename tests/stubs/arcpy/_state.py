"""Process-wide state of the arcpy stand-in: mode, message log, runs, history, hooks."""
from __future__ import absolute_import

import collections
import os
import shutil
import tempfile
import time

from . import _errors

MODES = ("pro", "arcmap", "arcmap103")

# Product answers for GetInstallInfo(); the key name "ProductName" is (unconfirmed) in the
# reference (section 7), the values are the ones the toolbox is expected to test for.
INSTALL_INFO = {
    "pro": {"ProductName": "ArcGISPro", "Version": "3.5", "LicenseLevel": "Advanced"},
    "arcmap": {"ProductName": "Desktop", "Version": "10.8.2", "LicenseLevel": "Advanced"},
    "arcmap103": {"ProductName": "Desktop", "Version": "10.3.1", "LicenseLevel": "Advanced"},
}

SEVERITY_NAMES = {0: "INFORMATIVE", 1: "WARNING", 2: "ERROR"}

_MessageBase = collections.namedtuple("Message", "severity text")


class Message(_MessageBase):
    """One geoprocessing message: ``(severity, text)``; severity 0 info, 1 warning, 2 error.

    ``framework`` is True for lines the stub writes in the application's name (``Executing:``,
    ``Start Time:``, ``Failed to execute``...) and False for lines the toolbox wrote.
    """

    def __new__(cls, severity, text, framework=False):
        self = _MessageBase.__new__(cls, severity, text)
        self.framework = framework
        return self


class HistoryEntry(object):
    """One tool run as geoprocessing history keeps it (reference 9): values already masked."""

    __slots__ = ("tool", "toolbox", "mode", "status", "parameters", "messages", "nested")

    def __init__(self, tool, toolbox, mode, status, parameters, messages, nested=False):
        self.tool = tool
        self.toolbox = toolbox
        self.mode = mode
        self.status = status
        self.parameters = parameters
        self.messages = messages
        self.nested = nested

    def __repr__(self):
        return "HistoryEntry(tool=%r, toolbox=%r, status=%r, parameters=%r, messages=%r)" % (
            self.tool, self.toolbox, self.status, self.parameters,
            [m.text for m in self.messages])


class RunContext(object):
    """The tool run in progress: its parameters and the message list its recorder fills."""

    def __init__(self, tool_name, toolbox_alias, parameters):
        self.tool_name = tool_name
        self.toolbox_alias = toolbox_alias
        self.parameters = parameters
        self.messages = []
        self.executing = False


class State(object):
    """All mutable stub state; ``reset`` gives a fresh one for each ``gp.install``."""

    def __init__(self):
        self.scratch_root = None
        self.reset("pro")

    def reset(self, mode, arcmap_gpstringhidden=True):
        if mode not in MODES:
            raise ValueError("mode must be one of %s, not %r" % (", ".join(MODES), mode))
        self.cleanup()
        self.mode = mode
        # Switch for the one keyword the reference cannot place in ArcMap: GPStringHidden is
        # (unconfirmed) for ArcMap 10.x (section 3.1). Default accept, so a toolbox that falls
        # back from GPStringHidden can be tested both ways by installing with False.
        self.arcmap_gpstringhidden = bool(arcmap_gpstringhidden)
        self.all_messages = []
        self.last_messages = []
        self.last_tool_result = None
        self.run_stack = []
        self.history = []
        self.progress = []
        self.progressor = {"type": None, "min": 0, "max": 100, "step": 1, "position": 0}
        self.cancel_after = None
        self.steps_left = None
        self.cancel_requested = False
        self.cancel_raised = False
        self.signin = None
        self.portal_url = "https://www.arcgis.com/"
        self.log_history = True
        self.log_metadata = True
        self.timings = []
        self.validating = None
        self.load_counter = 0
        self.mp_project = None
        self.last_parameters = None
        self.loose_messages = []
        self.loaded_modules = []
        self.bound_names = []

    def cleanup(self):
        """Remove the scratch folder of the previous install."""
        if self.scratch_root and os.path.isdir(self.scratch_root):
            shutil.rmtree(self.scratch_root, ignore_errors=True)
        self.scratch_root = None

    def scratch_folder(self):
        """A real temporary folder, made on first use and removed by the next reset."""
        if self.scratch_root is None or not os.path.isdir(self.scratch_root):
            self.scratch_root = tempfile.mkdtemp(prefix="arcpy_stub_")
            os.mkdir(os.path.join(self.scratch_root, "scratch.gdb"))
        return self.scratch_root

    # -- mode -------------------------------------------------------------------------------
    @property
    def is_pro(self):
        return self.mode == "pro"

    @property
    def has_cancel_env(self):
        # autoCancelling/isCancelled are documented from ArcMap 10.4 on; 10.1-10.3 unconfirmed,
        # so the "arcmap103" mode leaves them out to exercise a getattr guard (section 4.3).
        return self.mode != "arcmap103"

    # -- runs -------------------------------------------------------------------------------
    @property
    def current_run(self):
        return self.run_stack[-1] if self.run_stack else None

    def record(self, severity, text, framework=False):
        """Append a message to the current run (if any) and to the global log."""
        message = Message(severity, text, framework)
        self.all_messages.append(message)
        run = self.current_run
        if run is not None:
            run.messages.append(message)
        else:
            self.loose_messages.append(message)
        return message

    def checkpoint(self):
        """Raise the framework's cancel at the first stub call after a cancel (section 4.3)."""
        run = self.current_run
        if run is None or not run.executing or not self.cancel_requested:
            return
        if self.auto_cancelling() and not self.cancel_raised:
            self.cancel_raised = True
            raise _errors.CancelledByUser("cancelled by the user")

    def auto_cancelling(self):
        from . import _env  # late: _env imports this module
        if not self.has_cancel_env:
            return True  # before 10.4 every cancel stopped the script (section 4.3)
        return bool(_env.ENV._get("autoCancelling"))

    def count_step(self):
        """Count one SetProgressorPosition; arm isCancelled when the test's budget is used."""
        run = self.current_run
        if run is None or not run.executing or self.steps_left is None:
            return
        self.steps_left -= 1
        if self.steps_left <= 0:
            self.request_cancel()

    def request_cancel(self):
        self.steps_left = None
        self.cancel_requested = True

    def add_timing(self, tool, method, seconds):
        self.timings.append((tool, method, seconds))


STATE = State()


def now_text():
    """Time stamp in the shape of ArcGIS's "Start Time:" lines (locale-independent here)."""
    return time.strftime("%A, %B %d, %Y %I:%M:%S %p")
