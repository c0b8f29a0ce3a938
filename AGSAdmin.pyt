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
    """agsadmin_core.toolbox, imported on first use (not at load: a dialog must open fast)."""
    _add_own_folder_to_path()
    from agsadmin_core import toolbox
    return toolbox


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
                 category=None, default=None, file_types=None, value_range=None):
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
        if self.default is not None:
            param.value = self.default
        return param


# Where outputs go when none is named: the scratch folder and geodatabase of the project.
_DEFAULT_JOURNAL = "agsadmin_stop.journal.json"
_DEFAULT_TABLE = "agsadmin_services"

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
    "started": _Param("started", "Started", "GPBoolean", "Derived"),
    # List Services
    "out_table": _Param("out_table", "Output Table", "DETable", "Required",
                        direction="Output"),
    "service_count": _Param("service_count", "Service Count", "GPLong", "Derived"),
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


def _number(param, default):
    value = param.value
    return default if value is None else value


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


def _message(messages, severity, text):
    if severity == 2:
        messages.addErrorMessage(text)
    elif severity == 1:
        messages.addWarningMessage(text)
    else:
        messages.addMessage(text)


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
    reporter = helpers.GPReporter(arcpy, messages)
    # autoCancelling False: a cancel no longer kills the script mid-request; the core asks
    # reporter.cancelled() between services, so the journal and messages stay true (4.3).
    # The setting is absent before ArcMap 10.4, where every cancel stops the script. It is
    # not set back: environment changes inside a tool end with the tool's run, and the
    # framework reads it after execute returns to tell "cancelled cleanly" from "killed".
    if hasattr(arcpy.env, "autoCancelling"):
        arcpy.env.autoCancelling = False
    failure = None
    try:
        tool._run(p, messages, reporter, helpers)
    except AdminError as exc:
        failure = helpers.failure_messages(exc) + tool._failure_notes(p, helpers)
    except arcpy.ExecuteError:
        messages.addGPMessages()   # a nested GP tool failed; its own messages say why
        failure = []
    except ImportError as exc:   # requests or keyring, imported only now
        failure = [(2, _missing_text(exc))]
    except Exception as exc:  # noqa: BLE001 - a bug: say so, but never with a traceback
        failure = [(2, helpers.unexpected_text(exc))]
    finally:
        arcpy.ResetProgressor()
    if failure is not None:
        for severity, text in failure:
            _message(messages, severity, text)
        # Raised outside the except block, so no exception context travels with it.
        raise arcpy.ExecuteError


def _connect(p, reporter):
    """Sign in with the connection file: its user's password from AGSADMIN_PASSWORD or the
    OS keyring, or the ArcGIS Pro portal sign-in; never a prompt (there is no console)."""
    from agsadmin_core import Server
    from agsadmin_core.connection import AUTH_PRO_SIGNIN, ConnectionInfo
    info = ConnectionInfo.load(_text(p["connection_file"]))
    signin = None
    if info.auth == AUTH_PRO_SIGNIN and _is_pro():
        signin = arcpy.GetSigninToken
    reporter.status("Connecting to %s..." % info.urls.site)
    server = Server.connect_info(info, prompt=False, signin=signin)
    reporter.info("Connected to %s (ArcGIS Server %s)."
                  % (info.urls.site, ".".join(str(n) for n in server.version)))
    return server


# -- tools --------------------------------------------------------------------------------------


class _AdminTool(object):
    """What every AGSAdmin tool shares; a tool lists its parameters and writes _run."""

    PARAMETERS = ()    # keys of _DEFINITIONS, in dialog order
    FIRST = "connection_file"   # where a problem with the whole tool is shown
    PICKER = False     # fill the services list from the server (Stop/Start Services)

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
        """Findings for this tool's own parameters."""
        return []

    def _run(self, p, messages, reporter, helpers):
        raise NotImplementedError

    def _failure_notes(self, p, helpers):
        """Extra (severity, text) lines after a failure, e.g. where the journal is."""
        return []

    # -- the connection file and the service picker -----------------------------------------
    def _selection_given(self, p):
        return bool(_values(p["services"]) or _text(p["folder"]))

    def _update_picker(self, p):
        """Fill the services (and folder) lists from the server, once per connection file.

        A list is fetched only while nothing is selected yet, which is how a dialog starts; a
        script or model names its services, so running a tool never waits for a picker.
        """
        path = _text(p["connection_file"])
        services, folder = _values(p["services"]), _text(p["folder"])
        catalog = None
        if path and os.path.isfile(path):
            helpers = _helpers()
            catalog = helpers.cached_catalog(path)
            if catalog is None and not self._selection_given(p):
                findings, info = helpers.check_connection_file(path, _is_pro())
                if info is not None:
                    signin = None
                    if info.auth == "pro-signin":
                        token = _signin_token()   # on this thread: arcpy stays here
                        signin = lambda: token  # noqa: E731
                    catalog = helpers.service_catalog(path, signin)
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
        if path and not param.hasError():
            helpers = _helpers()
            findings, _ = helpers.check_connection_file(path, _is_pro())
            if self.PICKER:
                catalog = helpers.cached_catalog(path)
                text = catalog.message(helpers.PICKER_TIMEOUT) if catalog is not None \
                    else None
                if text:
                    findings.append(helpers.Finding("services", "warning", text))
        services = _values(p["services"])
        if services:
            findings.extend(_helpers().check_patterns(services))
        return findings


class CreateConnectionFile(_AdminTool):
    """Check credentials against a server, keep the password in the OS keyring, write a
    connection file (*.agsadmin.json) that holds no secret."""

    PARAMETERS = ("server_url", "out_connection_file", "username", "password",
                  "use_pro_signin", "portal_url", "ca_bundle", "skip_verification",
                  "allow_http", "timeout")
    FIRST = "server_url"

    def __init__(self):
        self.label = "Create Connection File"
        self.description = ("Signs in to an ArcGIS Server site to check the credentials, "
                            "stores the password in the OS keyring (Windows Credential "
                            "Manager) and writes a connection file (.agsadmin.json) that the "
                            "other tools use. The file never holds a password. In ArcGIS Pro "
                            "a federated server can use the Pro portal sign-in instead.")
        self.category = "Connections"
        self.canRunInBackground = False

    def _update(self, p):
        out = p["out_connection_file"]
        path = _text(out)
        fixed = _helpers().connection_file_name(path) if path else None
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
        return _helpers().check_new_connection(
            *values, is_pro=_is_pro(), password_hidden=p["password"].datatype == "GPStringHidden")

    def _run(self, p, messages, reporter, helpers):
        from agsadmin_core import AuthenticationFailed, InvalidInput, Server
        from agsadmin_core.connection import AUTH_PRO_SIGNIN, AUTH_USER, ConnectionInfo, \
            find_password, store_password
        url = _text(p["server_url"])
        out = helpers.connection_file_name(_text(p["out_connection_file"]))
        ca_bundle = _text(p["ca_bundle"])
        if ca_bundle and p["skip_verification"].value:
            raise InvalidInput("Give a CA bundle or skip the certificate check, not both.")
        verify = ca_bundle or not bool(p["skip_verification"].value)
        options = dict(verify=verify, allow_http=bool(p["allow_http"].value),
                       timeout=float(_number(p["timeout"], 60)))
        if p["use_pro_signin"].value:
            if not _is_pro():
                raise InvalidInput("The portal sign-in is that of ArcGIS Pro; in ArcMap give "
                                   "a user name and password.")
            info = ConnectionInfo(url, auth=AUTH_PRO_SIGNIN, **options)
            reporter.status("Signing in to %s with the ArcGIS Pro portal sign-in..."
                            % info.urls.site)
            server = Server.connect(url, signin=arcpy.GetSigninToken, prompt=False, **options)
            who = "the ArcGIS Pro portal sign-in"
            source = None
        else:
            user = _text(p["username"])
            if not user:
                raise InvalidInput("A user name is needed (or use the ArcGIS Pro sign-in).")
            portal = _text(p["portal_url"])
            info = ConnectionInfo(url, username=user, portal_url=portal, auth=AUTH_USER,
                                  **options)
            password = p["password"].valueAsText   # never stripped, never shown
            source = "parameter"
            if not password:
                # Not typed: AGSADMIN_PASSWORD or an entry stored earlier.
                try:
                    password, source = find_password(info.urls.admin, user, prompt=False)
                except AuthenticationFailed as exc:
                    exc.hint = ("Type the password: it is checked, then kept in the OS "
                                "keyring, never in the file.")
                    raise
            reporter.status("Signing in to %s as %s..." % (info.urls.site, user))
            try:
                server = Server.connect(url, username=user, password=password,
                                        portal_url=portal, prompt=False, **options)
            except AuthenticationFailed as exc:
                # Not the core's "store it with Create Connection File": this is that tool.
                exc.hint = "Check the user name (case sensitive) and the password."
                raise
            who = user
        try:
            version = ".".join(str(n) for n in server.version)
        finally:
            server.close()
        reporter.info("Signed in to %s as %s (ArcGIS Server %s)." % (info.urls.site, who,
                                                                     version))
        if source is not None and source != "keyring":
            store_password(info.urls.admin, info.username, password)
            reporter.info("Password stored in the OS keyring for %s, user %s."
                          % (info.urls.admin, info.username))
        info.save(out)
        p["out_connection_file"].value = out
        reporter.info("Connection file written: %s (it holds no password)." % out)


class ListServices(_AdminTool):
    """List services with their configured and real-time state into a table."""

    PARAMETERS = ("connection_file", "services", "folder", "out_table", "service_count")

    # dBASE-safe names (10 characters at most): the table may be written to a folder.
    FIELDS = (("SERVICE", 255, "Service"), ("FOLDER", 120, "Folder"), ("NAME", 120, "Name"),
              ("TYPE", 40, "Type"), ("CONFIGURED", 20, "Configured State"),
              ("REALTIME", 20, "Real-time State"))

    def __init__(self):
        self.label = "List Services"
        self.description = ("Lists the services of an ArcGIS Server site, or those matching "
                            "names and patterns such as Maps/*, with their configured and "
                            "real-time state, into a table.")
        self.category = "Services"
        self.canRunInBackground = False

    def _update(self, p):
        out = p["out_table"]
        if _text(out) is None:
            workspace = arcpy.env.scratchGDB
            name = _DEFAULT_TABLE
            path = os.path.join(workspace, name)
            if arcpy.Exists(path):
                path = arcpy.CreateUniqueName(name, workspace)
            out.value = path

    def _run(self, p, messages, reporter, helpers):
        from agsadmin_core.selection import Selector
        selector = Selector(_values(p["services"]), _text(p["folder"]))
        server = _connect(p, reporter)
        try:
            reporter.status("Listing services...")
            infos = server.services.list(patterns=selector)
        finally:
            server.close()
        for pattern in selector.unmatched():
            reporter.warning("No service matches '%s'." % pattern)
        table = self._write_table(_text(p["out_table"]), infos, helpers)
        p["out_table"].value = table
        p["service_count"].value = len(infos)
        states = {}
        for info in infos:
            state = (info.realtime_state or "unknown").lower()
            states[state] = states.get(state, 0) + 1
        if infos:
            reporter.info("%d services (%s) written to %s." % (len(infos), ", ".join(
                "%d %s" % (n, s) for s, n in sorted(states.items())), table))
        else:
            reporter.info("No service matched; the table %s is empty." % table)

    def _write_table(self, out, infos, helpers):
        workspace, name = helpers.split_table_path(out)
        table = arcpy.management.CreateTable(workspace, name).getOutput(0)
        for field, length, alias in self.FIELDS:
            arcpy.management.AddField(table, field, "TEXT", field_length=length,
                                      field_alias=alias)
        with arcpy.da.InsertCursor(table, [f[0] for f in self.FIELDS]) as cursor:
            for info in infos:
                # "/" is how ArcGIS Server itself names the root folder.
                cursor.insertRow([info.ref, info.folder or "/", info.name, info.type,
                                  info.configured_state, info.realtime_state])
        return table


class StopServices(_AdminTool):
    """Stop services, recording in a journal what ran before, for Start Services."""

    PARAMETERS = ("connection_file", "services", "folder", "stop_journal", "wait_timeout",
                  "out_journal", "stopped")
    PICKER = True

    def __init__(self):
        self.label = "Stop Services"
        self.description = ("Stops the chosen services (names, or patterns such as Maps/*) "
                            "and records in a journal file which were running, before the "
                            "first one is stopped and after each one. Start Services with "
                            "that journal restarts exactly those, even after a failed data "
                            "load. Outputs: the journal and a Boolean for preconditions.")
        self.category = "Services"
        self.canRunInBackground = False

    def _journal_path(self, p):
        default = os.path.join(arcpy.env.scratchFolder, _DEFAULT_JOURNAL)
        return _text(p["journal"]) or default

    def _update(self, p):
        journal = p["journal"]
        if _text(journal) is None:
            journal.value = self._journal_path(p)
        # Known before the run, so a model can connect it to Start Services at once.
        if p["out_journal"].valueAsText != journal.valueAsText:
            p["out_journal"].value = journal.valueAsText

    def _check(self, p):
        findings = []
        if _text(p["connection_file"]):
            findings.extend(_helpers().check_stop_selection(_values(p["services"]),
                                                            _text(p["folder"])))
        journal = p["journal"]
        path = _text(journal)
        if path and os.path.isfile(path):
            if "000258" in (journal.message or ""):
                # "Output already exists": a journal is meant to be reused; it keeps what
                # an earlier stop never restarted.
                journal.clearMessage()
            findings.extend(_helpers().check_journal_output(path))
        return findings

    def _run(self, p, messages, reporter, helpers):
        from agsadmin_core import Cancelled
        journal = self._journal_path(p)
        wait = int(_number(p["wait_timeout"], 120))
        p["out_journal"].value = journal
        p["stopped"].value = False
        server = _connect(p, reporter)
        try:
            reporter.status("Stopping services...")
            # One service at a time where the server has no batch (before 10.3): a cancel in
            # the dialog then stops before the very next service; 10.3+ batches anyway.
            results = server.services.stop(_values(p["services"]), folder=_text(p["folder"]),
                                           journal=journal, wait=wait > 0,
                                           timeout=wait or 120, parallel=1, reporter=reporter)
        except Cancelled as exc:
            reporter.warning(helpers.error_text(exc))
            for line in helpers.journal_lines(journal):
                reporter.info(line)
            reporter.info("Start Services with this journal restarts exactly the services "
                          "stopped so far.")
            return
        finally:
            server.close()
        for severity, text in helpers.result_lines(results, "stop"):
            _message(messages, severity, text)
        reporter.info(helpers.summary_line(results, "stop"))
        reporter.info("Journal: %s. Start Services with this journal restarts exactly the "
                      "services stopped here." % journal)
        p["stopped"].value = True

    def _failure_notes(self, p, helpers):
        journal = p["out_journal"].valueAsText
        if not journal or not helpers.journal_waiting(journal):
            return []
        return [(0, line) for line in helpers.journal_lines(journal)] + [
            (0, "Start Services with this journal restarts exactly the services that were "
                "stopped; it can be run again safely.")]


class StartServices(_AdminTool):
    """Start services, or exactly those a Stop Services journal recorded."""

    PARAMETERS = ("connection_file", "services", "folder", "start_journal", "wait_timeout",
                  "started")
    PICKER = True

    def __init__(self):
        self.label = "Start Services"
        self.description = ("Starts the chosen services, or exactly the services that Stop "
                            "Services recorded in its journal and that are still stopped. "
                            "Running it again with the same journal is safe. Output: a "
                            "Boolean for preconditions.")
        self.category = "Services"
        self.canRunInBackground = False

    def _selection_given(self, p):
        return _AdminTool._selection_given(self, p) or bool(_text(p["journal"]))

    def _check(self, p):
        findings = []
        journal = p["journal"]
        path = _text(journal)
        derived = journal.isInputValueDerived()
        if _text(p["connection_file"]):
            findings.extend(_helpers().check_start_selection(
                _values(p["services"]), _text(p["folder"]), path, bool(path) or derived))
        if path and not derived and not journal.hasError():
            findings.extend(_helpers().check_journal_input(path, _text(p["connection_file"])))
        return findings

    def _run(self, p, messages, reporter, helpers):
        from agsadmin_core import Cancelled
        journal = _text(p["journal"])
        wait = int(_number(p["wait_timeout"], 120))
        p["started"].value = False
        options = dict(wait=wait > 0, timeout=wait or 120, parallel=1, reporter=reporter)
        server = _connect(p, reporter)
        try:
            reporter.status("Starting services...")
            if journal:
                results = server.services.start(journal=journal, **options)
            else:
                results = server.services.start(_values(p["services"]) or None,
                                                folder=_text(p["folder"]), **options)
        except Cancelled as exc:
            reporter.warning(helpers.error_text(exc))
            if journal:
                for line in helpers.journal_lines(journal):
                    reporter.info(line)
                reporter.info("Run Start Services with this journal again to restart the "
                              "rest.")
            elif reporter.handled:
                reporter.info("Handled before the cancel: %s." % ", ".join(reporter.handled))
            return
        finally:
            server.close()
        for severity, text in helpers.result_lines(results, "start"):
            _message(messages, severity, text)
        reporter.info(helpers.summary_line(results, "start"))
        p["started"].value = True

    def _failure_notes(self, p, helpers):
        journal = _text(p["journal"])
        if not journal or not os.path.isfile(journal):
            return []
        return [(0, "Start Services can be run again with the same journal: it restarts only "
                    "what is still stopped.")]


class Toolbox(object):
    def __init__(self):
        self.label = "AGSAdmin"
        self.alias = "agsadmin"
        self.description = ("Administer ArcGIS Server: connection files with the password in "
                            "the OS keyring, list services, and stop and restart them around "
                            "a data load with a journal that survives a failure.")
        self.tools = [CreateConnectionFile, ListServices, StopServices, StartServices]
