# -*- coding: utf-8 -*-
"""AGSAdmin: administer ArcGIS Server from ArcGIS Pro 3.x and ArcMap 10.x (docs/toolbox.md).

Keep the folder ``agsadmin_core`` beside this file: the toolbox puts its own folder first on
``sys.path`` and imports ``agsadmin_core`` from there, so nothing needs installing beyond
requests and keyring (ArcGIS Pro ships both).

This file only translates GP parameters into ``agsadmin_core`` calls and results into messages
and outputs. Loading it and drawing a dialog import nothing but arcpy: ``agsadmin_core`` is
imported when a value is validated or a tool runs, and requests and keyring only when a tool
talks to a server. Parameters are defined once, in ``_DEFINITIONS``, and always looked up by
name. Supported: ArcGIS Pro 3.x (Python 3) and ArcMap 10.1 SP1 and later (Python 2.7; the
datatype keywords arrived with 10.1 SP1), from this one file.
"""
import os
import sys

import arcpy


def _add_own_folder_to_path():
    """Put this toolbox's folder first on sys.path, so agsadmin_core beside it is the one used.

    Idempotent. Called at load and again at the start of execute, because ArcMap has been seen
    to lose sys.path changes made at load time by the time a tool runs (reference 1.4).
    """
    here = os.path.dirname(os.path.abspath(__file__))
    if not sys.path or sys.path[0] != here:
        while here in sys.path:
            sys.path.remove(here)
        sys.path.insert(0, here)


_add_own_folder_to_path()


def _helpers():
    """The package agsadmin_core.gp with its modules (validation, picker, messages, tables,
    tools), imported on first use, not at load: a dialog must open fast. Raises ImportError
    when agsadmin_core is missing."""
    _add_own_folder_to_path()
    from agsadmin_core.gp import messages, picker, tables, tools, validation  # noqa: F401
    return sys.modules["agsadmin_core.gp"]


def _missing_text(exc):
    """What to say when agsadmin_core, requests or keyring cannot be imported."""
    return ("AGSAdmin cannot run: %s. Keep the folder agsadmin_core beside AGSAdmin.pyt; "
            "ArcGIS Pro ships requests and keyring, and in ArcMap install them into "
            "ArcMap's Python (docs/toolbox.md)." % exc)


# -- the host application ----------------------------------------------------------------------

_PRODUCT = {}


def _is_pro():
    """True inside ArcGIS Pro. Decided by product, not by Python version (reference 7)."""
    if "pro" not in _PRODUCT:
        try:
            name = arcpy.GetInstallInfo().get("ProductName", "")
        except Exception:  # noqa: BLE001 - an unknown host is treated as not Pro
            name = ""
        _PRODUCT["pro"] = name == "ArcGISPro"
    return _PRODUCT["pro"]


def _password_datatype():
    """String Hidden keeps the password out of GP history (reference 3.3, 9).

    Pro has it. Whether ArcMap 10.x knows the keyword is unconfirmed, so ArcMap tries it and
    falls back to Encrypted String; the tool then warns when a password is typed, because that
    type's treatment in history is unknown.
    """
    if _is_pro():
        return "GPStringHidden"
    if "password" not in _PRODUCT:
        try:
            arcpy.Parameter(name="probe", displayName="probe", direction="Input",
                            datatype="GPStringHidden", parameterType="Optional")
            _PRODUCT["password"] = "GPStringHidden"
        except Exception:  # noqa: BLE001 - an unknown keyword fails in its own way
            _PRODUCT["password"] = "GPEncryptedString"
    return _PRODUCT["password"]


def _signin_token():
    """The ArcGIS Pro portal sign-in, or None (not signed in, or not Pro)."""
    getter = getattr(arcpy, "GetSigninToken", None)
    return getter() if getter is not None and _is_pro() else None


# -- parameter definitions: one table, looked up by name ---------------------------------------

_PASSWORD = "<password type of this application>"


class _Param(object):
    """One parameter definition. Tools list definitions by key; code finds values by name."""

    def __init__(self, name, label, datatype, kind="Optional", direction="Input", multi=False,
                 category=None, default=None, file_types=None, value_range=None,
                 choices=None):
        self.name = name
        self.label = label
        self.datatype = datatype
        self.kind = kind
        self.direction = "Output" if kind == "Derived" else direction
        self.multi = multi
        self.category = category
        self.default = default
        self.file_types = file_types
        self.value_range = value_range
        self.choices = choices

    def make(self):
        datatype = _password_datatype() if self.datatype == _PASSWORD else self.datatype
        # Every keyword explicit: ArcMap has no defaults for them (reference 2.1).
        param = arcpy.Parameter(name=self.name, displayName=self.label,
                                direction=self.direction, datatype=datatype,
                                parameterType=self.kind, enabled=True,
                                multiValue=self.multi, category=self.category)
        if self.file_types:
            param.filter.list = list(self.file_types)
        if self.value_range:
            param.filter.type = "Range"
            param.filter.list = list(self.value_range)
        if self.choices:
            param.filter.type = "ValueList"
            param.filter.list = list(self.choices)
        if self.default is not None:
            param.value = self.default
        return param


# Where outputs go when none is named: the scratch folder and geodatabase of the project.
_DEFAULT_JOURNAL = "agsadmin_stop.journal.json"
_DEFAULT_TABLE = "agsadmin_services"
_DEFAULT_LOG_TABLE = "agsadmin_logs"

_OPTIONS = "Options"
_NETWORK = "TLS and Network"

_DEFINITIONS = {
    # shared by every tool that talks to a server
    "connection_file": _Param("connection_file", "Connection File", "DEFile", "Required",
                              file_types=["json"]),
    "services": _Param("services", "Services", "GPString", multi=True),
    "folder": _Param("folder", "Folder", "GPString"),
    "wait_timeout": _Param("wait_timeout", "Wait Timeout (seconds)", "GPLong",
                           category=_OPTIONS, default=120, value_range=[0, 86400]),
    # Stop Services / Start Services
    "stop_journal": _Param("journal", "Journal File", "DEFile", direction="Output",
                           file_types=["json"]),
    "start_journal": _Param("journal", "Journal File", "DEFile", file_types=["json"]),
    "out_journal": _Param("out_journal", "Output Journal File", "DEFile", "Derived"),
    "stopped": _Param("stopped", "Stopped", "GPBoolean", "Derived"),
    # Query Logs
    "level": _Param("level", "Level", "GPString", "Required", default="WARNING",
                    choices=["SEVERE", "WARNING", "INFO", "FINE", "VERBOSE", "DEBUG"]),
    "since": _Param("since", "Since", "GPString", default="24h"),
    "until": _Param("until", "Until", "GPString"),
    "codes": _Param("codes", "Codes", "GPString", multi=True),
    "text": _Param("text", "Message Contains", "GPString"),
    "limit": _Param("limit", "Maximum Records", "GPLong", category=_OPTIONS,
                    value_range=[1, 2147483647]),
    "log_table": _Param("out_table", "Output Table", "DETable", "Required",
                        direction="Output"),
    "out_report": _Param("out_report", "Output HTML Report", "DEFile", direction="Output",
                         file_types=["html"]),
    "record_count": _Param("record_count", "Record Count", "GPLong", "Derived"),
    "started": _Param("started", "Started", "GPBoolean", "Derived"),
    # List Services
    "out_table": _Param("out_table", "Output Table", "DETable", "Required",
                        direction="Output"),
    "service_count": _Param("service_count", "Service Count", "GPLong", "Derived"),
    # Delete Services
    "backup_folder": _Param("backup_folder", "Backup Folder", "DEFolder", "Required"),
    "force_protected": _Param("force_protected", "Force Protected", "GPBoolean",
                              category=_OPTIONS, default=False),
    "out_backup_folder": _Param("out_backup_folder", "Output Backup Folder", "DEFolder",
                                "Derived"),
    "deleted": _Param("deleted", "Deleted", "GPBoolean", "Derived"),
    # Rename Service
    "service": _Param("service", "Service", "GPString", "Required"),
    "new_name": _Param("new_name", "New Name", "GPString", "Required"),
    "out_service_url": _Param("out_service_url", "Service URL", "GPString", "Derived"),
    # Create Connection File
    "server_url": _Param("server_url", "Server URL", "GPString", "Required"),
    "out_connection_file": _Param("out_connection_file", "Output Connection File", "DEFile",
                                  "Required", direction="Output", file_types=["json"]),
    "username": _Param("username", "User Name", "GPString"),
    "password": _Param("password", "Password", _PASSWORD),
    "use_pro_signin": _Param("use_pro_signin", "Use ArcGIS Pro Sign-in", "GPBoolean",
                             default=False),
    "portal_url": _Param("portal_url", "Portal URL", "GPString"),
    "ca_bundle": _Param("ca_bundle", "CA Bundle", "DEFile", category=_NETWORK),
    "skip_verification": _Param("skip_verification", "Skip Certificate Verification",
                                "GPBoolean", category=_NETWORK, default=False),
    "allow_http": _Param("allow_http", "Allow HTTP", "GPBoolean", category=_NETWORK,
                         default=False),
    "timeout": _Param("timeout", "Timeout (seconds)", "GPLong", category=_NETWORK,
                      default=60, value_range=[1, 3600]),
    # Publish Service Definition
    "sd_file": _Param("sd_file", "Service Definition File", "DEFile", "Required",
                      file_types=["sd"]),
    "service_name": _Param("service_name", "Service Name", "GPString"),
    "overwrite": _Param("overwrite", "Overwrite Existing Service", "GPBoolean", default=False),
    "service_url": _Param("service_url", "Service URL", "GPString", "Derived"),
    # Export Site / Import Site
    "site_timeout": _Param("site_timeout", "Site Timeout (seconds)", "GPLong",
                           category=_OPTIONS, default=3600, value_range=[60, 86400]),
    "out_backup": _Param("out_backup", "Output Backup File", "DEFile", "Required",
                         direction="Output", file_types=["agssite"]),
    "backup": _Param("backup", "Backup File", "DEFile", "Derived"),
    "backup_file": _Param("backup_file", "Site Backup File", "DEFile", "Required",
                          file_types=["agssite"]),
    "backup_folder": _Param("backup_folder", "Backup Folder", "DEFolder", "Required"),
    "backup_written": _Param("backup_written", "Backup Written First", "DEFile", "Derived"),
    "imported": _Param("imported", "Imported", "GPBoolean", "Derived"),
}


def _by_name(parameters):
    return dict((p.name, p) for p in parameters)


def _text(param):
    """The value as stripped text, or None when empty."""
    text = param.valueAsText
    if text is None or not text.strip():
        return None
    return text.strip()


def _values(param):
    """A multivalue parameter's items as a list of text (quotes already removed by arcpy)."""
    return [v.strip() for v in (param.values or []) if v and v.strip()]


def _apply(p, findings):
    """Show validation findings, several on one parameter as one message (errors first);
    never hide a message the framework already set."""
    grouped = {}
    for finding in findings:
        grouped.setdefault(finding.parameter, []).append(finding)
    for name, group in grouped.items():
        param = p[name]
        group.sort(key=lambda f: f.severity != "error")   # stable: errors, then warnings
        text = " ".join(f.text for f in group)
        if group[0].severity == "error":
            if not param.hasError():
                param.setErrorMessage(text)
        elif not param.hasError() and not param.hasWarning():
            param.setWarningMessage(text)


def _execute(tool, p, messages):
    """The shared run: reporter, cancellation, and failures as messages with no traceback."""
    missing = None
    try:
        helpers = _helpers()
        from agsadmin_core import AdminError
    except ImportError as exc:
        missing = _missing_text(exc)
    if missing:
        messages.addErrorMessage(missing)
        raise arcpy.ExecuteError
    text = helpers.messages
    reporter = text.GPReporter(arcpy, messages)
    run = helpers.tools.ToolRun(arcpy, p, reporter, _is_pro())
    # autoCancelling False: a cancel no longer kills the script mid-request; the core asks
    # reporter.cancelled() between services, so the journal and messages stay true (4.3).
    # The setting is absent before ArcMap 10.4, where every cancel stops the script. It is
    # not set back: environment changes inside a tool end with the tool's run, and the
    # framework reads it after execute returns to tell "cancelled cleanly" from "killed".
    if hasattr(arcpy.env, "autoCancelling"):
        arcpy.env.autoCancelling = False
    failure = None
    try:
        getattr(helpers.tools, tool.RUN)(run)
    except AdminError as exc:
        failure = text.failure_lines(exc) + run.failure_notes()
    except arcpy.ExecuteError:
        messages.addGPMessages()   # a nested GP tool failed; its own messages say why
        failure = []
    except ImportError as exc:   # requests or keyring, imported only now
        failure = [(text.ERROR, _missing_text(exc))]
    except Exception as exc:  # noqa: BLE001 - a bug: say so, but never with a traceback
        failure = [(text.ERROR, text.unexpected_text(exc))]
    finally:
        arcpy.ResetProgressor()
    if failure is not None:
        reporter.lines(failure)
        # Raised outside the except block, so no exception context travels with it.
        raise arcpy.ExecuteError


# -- tools --------------------------------------------------------------------------------------
#
# Adding a tool (docs/toolbox.md, "Adding a tool to the toolbox"): its parameters in
# _DEFINITIONS, one small class below (PARAMETERS, RUN, label and description, and _update or
# _check only if its dialog needs them), its run function in agsadmin_core/gp/tools.py, and
# its name in Toolbox.tools.


class _AdminTool(object):
    """What every AGSAdmin tool shares. A tool lists its parameters (keys of _DEFINITIONS)
    and names its run function in agsadmin_core.gp.tools; the execute path is shared."""

    PARAMETERS = ()    # keys of _DEFINITIONS, in dialog order
    RUN = None         # the name of its function in agsadmin_core.gp.tools
    FIRST = "connection_file"   # where a problem with the whole tool is shown
    PICKER = False     # fill the services list from the server (Stop/Start Services)
    category = "Services"
    canRunInBackground = False

    def getParameterInfo(self):
        return [_DEFINITIONS[key].make() for key in self.PARAMETERS]

    def isLicensed(self):
        return True

    def updateParameters(self, parameters):
        p = _by_name(parameters)
        try:
            if self.PICKER:
                self._update_picker(p)
            self._update(p)
        except ImportError:
            pass   # updateMessages says so, on the first parameter

    def updateMessages(self, parameters):
        p = _by_name(parameters)
        try:
            findings = []
            if "connection_file" in p:
                findings.extend(self._check_connection(p))
            findings.extend(self._check(p))
            _apply(p, findings)
        except ImportError as exc:
            first = p[self.FIRST]
            if not first.hasError():
                first.setErrorMessage(_missing_text(exc))

    def execute(self, parameters, messages):
        _execute(self, _by_name(parameters), messages)

    # -- hooks -----------------------------------------------------------------------------
    def _update(self, p):
        """Change the form (defaults, enabled); checks belong in _check."""

    def _check(self, p):
        """Findings for this tool's own parameters (agsadmin_core.gp.validation)."""
        return []

    # -- the connection file and the service picker -----------------------------------------
    def _selection_given(self, p):
        return bool(_values(p["services"]) or _text(p["folder"]))

    def _catalog(self, p):
        """The server's list for the connection file: cached, or fetched once while nothing
        is selected yet (how a dialog starts; a script or model names its services, so
        running a tool never waits for a picker). None when there is none."""
        path = _text(p["connection_file"])
        catalog = None
        if path and os.path.isfile(path):
            helpers = _helpers()
            catalog = helpers.picker.cached_catalog(path)
            if catalog is None and not self._selection_given(p):
                findings, info = helpers.validation.check_connection_file(path, _is_pro())
                if info is not None:
                    signin = None
                    if info.auth == "pro-signin":
                        token = _signin_token()   # on this thread: arcpy stays here
                        signin = lambda: token  # noqa: E731
                    catalog = helpers.picker.service_catalog(path, signin)
        return catalog

    def _update_picker(self, p):
        """Fill the services (and folder) lists from the server, once per connection file."""
        services, folder = _values(p["services"]), _text(p["folder"])
        catalog = self._catalog(p)
        if catalog is not None and catalog.state == "ready":
            p["services"].filter.list = catalog.choices(services)
            folders = list(catalog.folders)
            p["folder"].filter.list = folders + ([folder] if folder and
                                                 folder not in folders else [])
        else:
            # No list: free text, so names and patterns can be typed.
            p["services"].filter.list = []
            p["folder"].filter.list = []

    def _check_connection(self, p):
        param = p["connection_file"]
        path = _text(param)
        findings = []
        services = _values(p["services"]) if "services" in p else []
        if not (path or services):
            return findings   # an empty dialog: nothing to import, nothing to say
        helpers = _helpers()
        if path and not param.hasError():
            findings, _ = helpers.validation.check_connection_file(path, _is_pro())
            if self.PICKER:
                findings.extend(helpers.validation.check_picker(
                    helpers.picker.cached_catalog(path)))
        if services:
            findings.extend(helpers.validation.check_patterns(services))
        return findings


class CreateConnectionFile(_AdminTool):
    """Check credentials against a server, keep the password in the OS keyring, write a
    connection file (*.agsadmin.json) that holds no secret."""

    PARAMETERS = ("server_url", "out_connection_file", "username", "password",
                  "use_pro_signin", "portal_url", "ca_bundle", "skip_verification",
                  "allow_http", "timeout")
    RUN = "create_connection_file"
    FIRST = "server_url"
    category = "Connections"

    def __init__(self):
        self.label = "Create Connection File"
        self.description = ("Signs in to an ArcGIS Server site to check the credentials, "
                            "stores the password in the OS keyring (Windows Credential "
                            "Manager) and writes a connection file (.agsadmin.json) that the "
                            "other tools use. The file never holds a password. In ArcGIS Pro "
                            "a federated server can use the Pro portal sign-in instead.")

    def _update(self, p):
        out = p["out_connection_file"]
        path = _text(out)
        fixed = _helpers().validation.connection_file_name(path) if path else None
        if fixed and fixed != path:
            out.value = fixed
        pro = _is_pro()
        if not pro and p["use_pro_signin"].enabled:
            p["use_pro_signin"].enabled = False   # greyed out in ArcMap
        signin = bool(p["use_pro_signin"].value) and pro
        for name in ("username", "password", "portal_url"):
            if p[name].enabled == signin:
                p[name].enabled = not signin   # not used with the Pro sign-in

    def _check(self, p):
        url = _text(p["server_url"])
        values = [url, _text(p["username"]), bool(p["password"].valueAsText),
                  bool(p["use_pro_signin"].value), _text(p["portal_url"]),
                  _text(p["ca_bundle"]), bool(p["skip_verification"].value),
                  bool(p["allow_http"].value)]
        if not any(values):
            return []
        return _helpers().validation.check_new_connection(
            *values, is_pro=_is_pro(), password_hidden=p["password"].datatype == "GPStringHidden")


class ListServices(_AdminTool):
    """List services with their configured and real-time state into a table."""

    PARAMETERS = ("connection_file", "services", "folder", "out_table", "service_count")
    RUN = "list_services"

    def __init__(self):
        self.label = "List Services"
        self.description = ("Lists the services of an ArcGIS Server site, or those matching "
                            "names and patterns such as Maps/*, with their configured and "
                            "real-time state, into a table.")

    def _update(self, p):
        _default_output(p["out_table"], arcpy.env.scratchGDB, _DEFAULT_TABLE)


class StopServices(_AdminTool):
    """Stop services, recording in a journal what ran before, for Start Services."""

    PARAMETERS = ("connection_file", "services", "folder", "stop_journal", "wait_timeout",
                  "out_journal", "stopped")
    RUN = "stop_services"
    PICKER = True

    def __init__(self):
        self.label = "Stop Services"
        self.description = ("Stops the chosen services (names, or patterns such as Maps/*) "
                            "and records in a journal file which were running, before the "
                            "first one is stopped and after each one. Start Services with "
                            "that journal restarts exactly those, even after a failed data "
                            "load. Outputs: the journal and a Boolean for preconditions.")

    def _update(self, p):
        journal = p["journal"]
        if _text(journal) is None:
            journal.value = os.path.join(arcpy.env.scratchFolder, _DEFAULT_JOURNAL)
        # Known before the run, so a model can connect it to Start Services at once.
        if p["out_journal"].valueAsText != journal.valueAsText:
            p["out_journal"].value = journal.valueAsText

    def _check(self, p):
        journal = p["journal"]
        path = _text(journal)
        if path and os.path.isfile(path) and "000258" in (journal.message or ""):
            # "Output already exists": a journal is meant to be reused; it keeps what an
            # earlier stop never restarted.
            journal.clearMessage()
        if not _text(p["connection_file"]) and not (path and os.path.isfile(path)):
            return []   # an empty dialog: nothing to check yet
        return _helpers().validation.check_stop(
            _values(p["services"]), _text(p["folder"]), path,
            bool(_text(p["connection_file"])))


class StartServices(_AdminTool):
    """Start services, or exactly those a Stop Services journal recorded."""

    PARAMETERS = ("connection_file", "services", "folder", "start_journal", "wait_timeout",
                  "started")
    RUN = "start_services"
    PICKER = True

    def __init__(self):
        self.label = "Start Services"
        self.description = ("Starts the chosen services, or exactly the services that Stop "
                            "Services recorded in its journal and that are still stopped. "
                            "Running it again with the same journal is safe. Output: a "
                            "Boolean for preconditions.")

    def _selection_given(self, p):
        return _AdminTool._selection_given(self, p) or bool(_text(p["journal"]))

    def _check(self, p):
        journal = p["journal"]
        if not _text(p["connection_file"]) and not _text(journal):
            return []   # an empty dialog: nothing to check yet
        return _helpers().validation.check_start(
            _values(p["services"]), _text(p["folder"]), _text(journal),
            journal.isInputValueDerived(), journal.hasError(), _text(p["connection_file"]))


class DeleteServices(_AdminTool):
    """Back up services (definition, status, item info, manifest, permissions), then delete
    them."""

    PARAMETERS = ("connection_file", "services", "folder", "backup_folder", "force_protected",
                  "wait_timeout", "out_backup_folder", "deleted")
    RUN = "delete_services"
    PICKER = True

    def __init__(self):
        self.label = "Delete Services"
        self.description = ("Saves each chosen service (its definition, status, item info, "
                            "manifest and permissions) into a new dated folder inside the "
                            "Backup Folder, then deletes it. A service whose backup fails is "
                            "not deleted. System, Utilities, hosted and default services need "
                            "Force Protected and their exact names. Outputs: the backup "
                            "folder written and a Boolean for preconditions.")

    def _check(self, p):
        if not _text(p["connection_file"]):
            return []   # an empty dialog: nothing to check yet
        return _helpers().validation.check_delete(_values(p["services"]), _text(p["folder"]))


class RenameService(_AdminTool):
    """Rename one service in its folder, keeping its type and state; outputs its new URL."""

    PARAMETERS = ("connection_file", "service", "new_name", "wait_timeout", "out_service_url")
    RUN = "rename_service"

    def __init__(self):
        self.label = "Rename Service"
        self.description = ("Renames one service in its folder. The new name is checked "
                            "(letters, digits, _ and -; free in the folder) before anything is "
                            "sent; a running service runs again under its new name. Output: "
                            "the new REST URL.")

    def _selection_given(self, p):
        return bool(_text(p["service"]))

    def _update(self, p):
        current = _text(p["service"])
        catalog = self._catalog(p)
        if catalog is not None and catalog.state == "ready":
            choices = list(catalog.services)
            p["service"].filter.list = choices + ([current] if current and
                                                  current not in choices else [])
        else:
            p["service"].filter.list = []   # free text: type Folder/Name.Type

    def _check(self, p):
        service, new_name = _text(p["service"]), _text(p["new_name"])
        if not (service or new_name):
            return []
        return _helpers().validation.check_rename(service, new_name)


class PublishServiceDefinition(_AdminTool):
    """Publish a service definition (.sd) file: upload it, run the server's publishing job,
    give the new service's URL."""

    PARAMETERS = ("connection_file", "sd_file", "folder", "service_name", "overwrite",
                  "service_url")
    RUN = "publish_service_definition"
    category = "Publishing"

    def __init__(self):
        self.label = "Publish Service Definition"
        self.description = ("Uploads a service definition (.sd) file, in parts when it is "
                            "large, runs the server's Publish Service Definition job, and "
                            "gives the new service's REST URL. The uploaded file is deleted "
                            "from the server afterwards, also when publishing fails.")


class ExportSite(_AdminTool):
    """Back up the site's configuration to a .agssite file."""

    PARAMETERS = ("connection_file", "out_backup", "site_timeout", "backup")
    RUN = "export_site"
    category = "Site"

    def __init__(self):
        self.label = "Export Site"
        self.description = ("Backs up the configuration of an ArcGIS Server site (folders, "
                            "services with their definitions and states, log settings, "
                            "users) to a .agssite file: the server writes it, then it is "
                            "downloaded, checked and only then given its name. Output: the "
                            "backup file, for Import Site.")

    def _update(self, p):
        out = p["out_backup"]
        path = _text(out)
        if path and not path.lower().endswith(".agssite"):
            out.value = path + ".agssite"
        # Known before the run, so a model can connect it at once.
        if p["backup"].valueAsText != out.valueAsText:
            p["backup"].value = out.valueAsText


class ImportSite(_AdminTool):
    """Replace the site's configuration with a .agssite backup, backing it up first."""

    PARAMETERS = ("connection_file", "backup_file", "backup_folder", "site_timeout",
                  "backup_written", "imported")
    RUN = "import_site"
    category = "Site"

    def __init__(self):
        self.label = "Import Site"
        self.description = ("Replaces the whole configuration of an ArcGIS Server site with a "
                            ".agssite backup, after exporting the current site into the "
                            "backup folder. The server reads the backup file itself, and "
                            "imports only through a server machine's own URL, never through "
                            "a Web Adaptor. Outputs: the backup written first and a Boolean "
                            "Imported.")


class QueryLogs(_AdminTool):
    """Read the site's log records into a table, with an optional HTML report."""

    PARAMETERS = ("connection_file", "level", "since", "until", "services", "folder",
                  "codes", "text", "limit", "log_table", "out_report", "record_count")
    RUN = "query_logs"
    PICKER = True
    category = "Logs"

    def __init__(self):
        self.label = "Query Logs"
        self.description = ("Reads every log record of an ArcGIS Server site that matches a "
                            "level, a time window (Since: 24h, 7d, or a date and time), "
                            "services, codes and text, page by page, into a table with one "
                            "row per record; optionally writes an HTML report with a chart of "
                            "records per hour, the top codes and sources and the slowest "
                            "requests. The messages give a summary. Cancel keeps the rows "
                            "already written.")

    def _update(self, p):
        _default_output(p["out_table"], arcpy.env.scratchGDB, _DEFAULT_LOG_TABLE)

    def _check(self, p):
        values = [_text(p["since"]), _text(p["until"]), _values(p["codes"])]
        if values[0] in (None, "24h") and not any(values[1:]):
            return []   # the dialog as it opens: nothing to import, nothing to say
        return _helpers().validation.check_query_logs(*values)


def _default_output(param, workspace, name):
    """Fill an empty output with ``name`` in ``workspace`` (made unique if it exists)."""
    if _text(param) is None:
        path = os.path.join(workspace, name)
        if arcpy.Exists(path):
            path = arcpy.CreateUniqueName(name, workspace)
        param.value = path


class Toolbox(object):
    def __init__(self):
        self.label = "AGSAdmin"
        self.alias = "agsadmin"
        self.description = ("Administer ArcGIS Server: connection files with the password in "
                            "the OS keyring, list services, stop and restart them around a "
                            "data load with a journal that survives a failure, delete "
                            "services after a backup, rename them, back up and restore the "
                            "site, and publish service definitions.")
        self.tools = [CreateConnectionFile, ListServices, StopServices, StartServices,
                      DeleteServices, RenameService, ExportSite, ImportSite,
                      PublishServiceDefinition, QueryLogs]
